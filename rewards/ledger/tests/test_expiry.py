"""Points expire oldest first; refunds keep their expiry or get 30 more days.

Time is frozen with time-machine (the `clock` fixture) and moved day by day, so the
services run on their own clock, as the daily jobs do.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from club.notifications.models import Notification
from rewards.ledger import expiry as ledger_expiry
from rewards.ledger.models import LedgerEntry, PointsLot
from rewards.ledger.selectors import balance_of, points_summary
from rewards.shop import services as shop_services
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 10, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def _two_years(settings):
    settings.POINTS_EXPIRY_MONTHS = 24


def _days(n):
    return T0 + timedelta(days=n)


def test_spending_consumes_the_oldest_points_first_across_partial_lots(clock, member, give, ledger_is_consistent):
    clock.move_to(T0)
    old = give(member, 100)
    clock.move_to(_days(30))
    middle = give(member, 100)
    clock.move_to(_days(60))
    new = give(member, 100)
    clock.move_to(_days(61))
    shop_services.gift_redeem(member=member, gift=GiftFactory(points=150, stock=5))
    remaining = {lot.entry_id: lot.remaining for lot in PointsLot.objects.all()}
    assert remaining == {old.pk: 0, middle.pk: 50, new.pk: 100}
    ledger_is_consistent()


def test_points_expire_after_the_period_only_what_is_left(clock, member, give, ledger_is_consistent):
    clock.move_to(T0)
    give(member, 100)
    clock.move_to(_days(100))
    give(member, 100)
    clock.move_to(_days(10))
    shop_services.gift_redeem(member=member, gift=GiftFactory(points=60, stock=5))
    two_years = _days(731)
    clock.move_to(two_years)
    assert ledger_expiry.points_expire_due() == 1
    expiry = LedgerEntry.objects.get(reason="expiry")
    assert expiry.amount == -40  # 100 earned, 60 spent from this lot
    assert balance_of(member=member) == 100
    clock.move_to(two_years)
    assert ledger_expiry.points_expire_due() == 0
    ledger_is_consistent()


def test_members_are_warned_thirty_days_before(clock, member, give):
    clock.move_to(T0)
    give(member, 80)
    expiry_date = PointsLot.objects.get().expires_at
    clock.move_to(expiry_date - timedelta(days=31))
    assert points_summary(member=member).expiring.points == 0
    clock.move_to(expiry_date - timedelta(days=29))
    warning = points_summary(member=member).expiring
    assert warning.points == 80 and warning.first_date == expiry_date


def test_refund_keeps_original_expiry_while_it_is_valid(clock, member, give, ledger_is_consistent):
    clock.move_to(T0)
    earned = give(member, 100)
    clock.move_to(_days(1))
    redemption = shop_services.gift_redeem(member=member, gift=GiftFactory(points=100, stock=5))
    clock.move_to(_days(2))
    shop_services.redemption_cancel(redemption=redemption)
    lot = PointsLot.objects.get(entry=earned)
    assert lot.remaining == 100 and PointsLot.objects.count() == 1
    ledger_is_consistent()


def test_refund_of_points_whose_expiry_has_passed_gives_thirty_days(clock, member, give, ledger_is_consistent):
    clock.move_to(T0)
    give(member, 100)
    clock.move_to(_days(700))
    redemption = shop_services.gift_redeem(
        member=member, gift=GiftFactory(points=100, stock=5, voucher_validity_days=800)
    )
    after_expiry = _days(740)
    clock.move_to(after_expiry)
    shop_services.redemption_cancel(redemption=redemption)
    refund_lot = PointsLot.objects.get(entry__reason="refund")
    assert refund_lot.remaining == 100
    assert refund_lot.expires_at == after_expiry + timedelta(days=30)
    clock.move_to(after_expiry + timedelta(days=29))
    assert ledger_expiry.points_expire_due() == 0
    clock.move_to(after_expiry + timedelta(days=30))
    assert ledger_expiry.points_expire_due() == 1
    assert balance_of(member=member) == 0
    ledger_is_consistent()


def test_expired_points_cannot_be_spent_even_before_the_daily_job(clock, member, give, ledger_is_consistent):
    from rewards.ledger.errors import InsufficientPoints

    clock.move_to(T0)
    give(member, 100)
    with pytest.raises(InsufficientPoints):
        clock.move_to(_days(800))
        shop_services.gift_redeem(member=member, gift=GiftFactory(points=60, stock=5))
    # The refused redemption wrote nothing, not even the expiry: the daily job will.
    assert balance_of(member=member) == 100
    ledger_is_consistent()


def test_zero_months_means_points_never_expire(clock, member, give, settings):
    settings.POINTS_EXPIRY_MONTHS = 0
    clock.move_to(T0)
    give(member, 100)
    assert PointsLot.objects.get().expires_at is None
    clock.move_to(_days(5000))
    assert ledger_expiry.points_expire_due() == 0


def test_members_get_a_notification_thirty_days_before_expiry(clock, member, give):
    from club.notifications.models import Notification

    clock.move_to(T0)
    give(member, 80)
    expiry = PointsLot.objects.get().expires_at
    clock.move_to(expiry - timedelta(days=32))
    assert ledger_expiry.points_expiry_warn() == 0
    clock.move_to(expiry - timedelta(days=30, hours=12))
    assert ledger_expiry.points_expiry_warn() == 1
    notification = Notification.objects.get(member=member)
    assert notification.kind == "points" and notification.title.startswith("80 points expirent le")


def test_cancelling_a_voucher_leaves_due_expiry_to_the_daily_job_which_tells_the_member(clock, member, give):
    from club.notifications.models import Notification

    clock.move_to(T0)
    give(member, 100)
    clock.move_to(_days(10))
    redemption = shop_services.gift_redeem(
        member=member, gift=GiftFactory(points=60, stock=5, voucher_validity_days=900)
    )
    clock.move_to(_days(740))  # the 40 points left of the lot expired meanwhile
    shop_services.redemption_cancel(redemption=redemption, by=member)
    assert ledger_expiry.points_expire_due() == 1
    assert Notification.objects.filter(member=member, title__contains="points ont expiré").count() == 1


def _warnings(member=None):
    from club.notifications.models import Notification

    rows = Notification.objects.filter(title__contains="expirent le")
    return rows.filter(member=member) if member else rows


def test_the_warning_job_run_twice_or_on_the_following_days_warns_each_lot_once(clock, member, give):
    clock.move_to(T0)
    give(member, 80)
    expiry = PointsLot.objects.get().expires_at
    clock.move_to(expiry - timedelta(days=30, hours=12))
    assert ledger_expiry.points_expiry_warn() == 1
    assert ledger_expiry.points_expiry_warn() == 0  # a rerun the same day
    clock.shift(timedelta(days=1))
    assert ledger_expiry.points_expiry_warn() == 0  # the next day's run
    assert _warnings(member).count() == 1


def test_a_missed_day_is_caught_up_and_a_new_lot_gets_its_own_warning(clock, member, give):
    clock.move_to(T0)
    give(member, 80)
    clock.move_to(_days(5))
    give(member, 20)
    first_expiry = PointsLot.objects.order_by("expires_at").first().expires_at
    clock.move_to(first_expiry - timedelta(days=25))  # the job did not run for days
    assert ledger_expiry.points_expiry_warn() == 1
    assert _warnings(member).get().title.startswith("100 points expirent le")
    give(member, 5)  # expires in two years: nothing to say
    assert ledger_expiry.points_expiry_warn() == 0


def test_a_redelivered_chunk_sends_nothing_twice(clock, member, give):
    from club.members.tests.factories import MemberFactory

    clock.move_to(T0)
    others = [MemberFactory() for _ in range(2)]
    for someone in [member, *others]:
        give(someone, 50)
    clock.move_to(PointsLot.objects.first().expires_at - timedelta(days=30, hours=1))
    now = timezone.now()
    [(first, last)] = ledger_expiry.points_expiry_warn_chunks(now=now)
    assert ledger_expiry.points_expiry_warn_chunk(first_pk=first, last_pk=last, now=now) == 3
    assert ledger_expiry.points_expiry_warn_chunk(first_pk=first, last_pk=last, now=now) == 0
    assert _warnings().count() == 3
    clock.move_to(PointsLot.objects.first().expires_at + timedelta(hours=1))
    now = timezone.now()
    [(first, last)] = ledger_expiry.points_expire_chunks(now=now)
    assert ledger_expiry.points_expire_chunk(first_pk=first, last_pk=last, now=now) == 3
    assert ledger_expiry.points_expire_chunk(first_pk=first, last_pk=last, now=now) == 0
    assert ledger_expiry.points_expire_due() == 0
    assert LedgerEntry.objects.filter(reason="expiry").count() == 3
    assert Notification.objects.filter(title__contains="ont expiré").count() == 3


def test_both_jobs_fan_out_in_chunks_of_members(clock, give, monkeypatch, ledger_is_consistent):
    from club.members.tests.factories import MemberFactory
    from rewards.ledger import tasks

    monkeypatch.setattr(ledger_expiry, "CHUNK_SIZE", 2)
    clock.move_to(T0)
    members = [MemberFactory() for _ in range(5)]
    for someone in members:
        give(someone, 40)
    clock.move_to(PointsLot.objects.first().expires_at - timedelta(days=30, hours=1))
    assert tasks.points_expiry_warn_task() == 3  # chunks queued (run in-process in tests)
    assert _warnings().count() == 5
    clock.shift(timedelta(days=31))
    assert tasks.points_expire_due_task() == 3
    assert all(balance_of(member=someone) == 0 for someone in members)
    ledger_is_consistent()
