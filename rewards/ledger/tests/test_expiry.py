"""Points expire oldest first; refunds keep their expiry or get 30 more days.

Time is frozen by passing `now` to the services.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rewards import services
from rewards.models import LedgerEntry, PointsLot
from rewards.selectors import balance_of, expiring_soon
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 10, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def _two_years(settings):
    settings.POINTS_EXPIRY_MONTHS = 24


def _days(n):
    return T0 + timedelta(days=n)


def test_spending_consumes_the_oldest_points_first_across_partial_lots(member, give, ledger_is_consistent):
    old = give(member, 100, now=T0)
    middle = give(member, 100, now=_days(30))
    new = give(member, 100, now=_days(60))
    services.gift_redeem(member=member, gift=GiftFactory(points=150, stock=5), now=_days(61))
    remaining = {lot.entry_id: lot.remaining for lot in PointsLot.objects.all()}
    assert remaining == {old.pk: 0, middle.pk: 50, new.pk: 100}
    ledger_is_consistent()


def test_points_expire_after_the_period_only_what_is_left(member, give, ledger_is_consistent):
    give(member, 100, now=T0)
    give(member, 100, now=_days(100))
    services.gift_redeem(member=member, gift=GiftFactory(points=60, stock=5), now=_days(10))
    two_years = _days(731)
    assert services.points_expire_due(now=two_years) == 1
    expiry = LedgerEntry.objects.get(reason="expiry")
    assert expiry.amount == -40  # 100 earned, 60 spent from this lot
    assert balance_of(member) == 100
    assert services.points_expire_due(now=two_years) == 0
    ledger_is_consistent()


def test_members_are_warned_thirty_days_before(member, give):
    give(member, 80, now=T0)
    expiry_date = PointsLot.objects.get().expires_at
    assert expiring_soon(member, now=expiry_date - timedelta(days=31)).points == 0
    warning = expiring_soon(member, now=expiry_date - timedelta(days=29))
    assert warning.points == 80 and warning.first_date == expiry_date


def test_refund_keeps_original_expiry_while_it_is_valid(member, give, ledger_is_consistent):
    earned = give(member, 100, now=T0)
    redemption = services.gift_redeem(member=member, gift=GiftFactory(points=100, stock=5), now=_days(1))
    services.redemption_cancel(redemption=redemption, now=_days(2))
    lot = PointsLot.objects.get(entry=earned)
    assert lot.remaining == 100 and PointsLot.objects.count() == 1
    ledger_is_consistent()


def test_refund_of_points_whose_expiry_has_passed_gives_thirty_days(member, give, ledger_is_consistent):
    give(member, 100, now=T0)
    redemption = services.gift_redeem(
        member=member, gift=GiftFactory(points=100, stock=5, voucher_validity_days=800), now=_days(700)
    )
    after_expiry = _days(740)
    services.redemption_cancel(redemption=redemption, now=after_expiry)
    refund_lot = PointsLot.objects.get(entry__reason="refund")
    assert refund_lot.remaining == 100
    assert refund_lot.expires_at == after_expiry + timedelta(days=30)
    assert services.points_expire_due(now=after_expiry + timedelta(days=29)) == 0
    assert services.points_expire_due(now=after_expiry + timedelta(days=30)) == 1
    assert balance_of(member) == 0
    ledger_is_consistent()


def test_expired_points_cannot_be_spent_even_before_the_daily_job(member, give, ledger_is_consistent):
    from rewards.errors import InsufficientPoints

    give(member, 100, now=T0)
    with pytest.raises(InsufficientPoints):
        services.gift_redeem(member=member, gift=GiftFactory(points=60, stock=5), now=_days(800))
    # The refused redemption wrote nothing, not even the expiry: the daily job will.
    assert balance_of(member) == 100
    ledger_is_consistent()


def test_zero_months_means_points_never_expire(member, give, settings):
    settings.POINTS_EXPIRY_MONTHS = 0
    give(member, 100, now=T0)
    assert PointsLot.objects.get().expires_at is None
    assert services.points_expire_due(now=_days(5000)) == 0


def test_members_get_a_notification_thirty_days_before_expiry(member, give):
    from club.models import Notification

    give(member, 80, now=T0)
    expiry = PointsLot.objects.get().expires_at
    assert services.points_expiry_warn(now=expiry - timedelta(days=32)) == 0
    assert services.points_expiry_warn(now=expiry - timedelta(days=30, hours=12)) == 1
    notification = Notification.objects.get(member=member)
    assert notification.kind == "points" and notification.title.startswith("80 points expirent le")
