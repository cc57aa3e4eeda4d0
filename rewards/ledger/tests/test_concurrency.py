"""Bursts of simultaneous clients on PostgreSQL: exact stock, no double spend.

Each thread has its own database connection (closed at the end of the thread).
The control tests run a naive read-then-write redemption through the same
checks and show that they catch the race, so the real tests are not vacuous.
"""

import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from club.core.locks import LockTimeout
from club.core.testing import threads_at_once
from club.members.models import Member
from rewards.ledger import services as ledger_services
from rewards.ledger.errors import InsufficientPoints
from rewards.ledger.models import Account, LedgerEntry, Reason
from rewards.ledger.selectors import balance_of
from rewards.shop import services as shop_services
from rewards.shop.errors import GiftOutOfStock
from rewards.shop.models import Gift, Redemption
from rewards.shop.tests.factories import GiftFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_with_long_lock_wait(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL (set DATABASE_URL)")
    settings.POINTS_LOCK_TIMEOUT_MS = 30_000


def _burst(count: int, work) -> list:
    return threads_at_once(count, work)


def _members_with_points(count: int, points: int) -> list[Member]:
    members = Member.objects.bulk_create(Member(email=f"rafale{i}@exemple.fr") for i in range(count))
    for member in members:
        ledger_services.points_award(
            member=member, action=Reason.SURVEY_ANSWERED, reference="surveys.submission:setup", amount=points
        )
    return members


def _naive_redeem(member_id: int, gift_id: int) -> Redemption:
    """Read, think, write absolute values: what a bare counter does (the bug)."""
    with transaction.atomic():
        gift = Gift.objects.get(pk=gift_id)
        account = Account.objects.get(member_id=member_id)
        if gift.stock < 1:
            raise GiftOutOfStock()
        if account.balance < gift.points:
            raise InsufficientPoints()
        time.sleep(0.05)
        Gift.objects.filter(pk=gift_id).update(stock=gift.stock - 1)
        Account.objects.filter(member_id=member_id).update(balance=account.balance - gift.points)
        redemption = Redemption.objects.create(
            member_id=member_id, gift=gift, points=gift.points, expires_at=gift.available_until or "2100-01-01T00:00Z"
        )
        LedgerEntry.objects.create(
            member_id=member_id,
            amount=-gift.points,
            reason=Reason.GIFT,
            reference=redemption.reference,
            balance_after=account.balance - gift.points,
        )
        return redemption


def test_400_clients_for_180_seats_get_exactly_180_vouchers():
    gift = GiftFactory(points=180, stock=180)
    members = _members_with_points(400, 180)
    results = _burst(400, lambda i: shop_services.gift_redeem(member=members[i], gift=gift))
    won = [r for r in results if isinstance(r, Redemption)]
    sold_out = [r for r in results if isinstance(r, GiftOutOfStock)]
    assert len(won) == 180 and len(sold_out) == 220, {type(r).__name__ for r in results}
    gift.refresh_from_db()
    assert gift.stock == 0
    assert Redemption.objects.count() == 180
    assert not Account.objects.filter(balance__lt=0).exists()
    call_command("ledger_verify")


def test_members_clicking_twice_with_points_for_one_never_get_two():
    gift = GiftFactory(points=180, stock=1000)
    members = _members_with_points(200, 180)
    results = _burst(400, lambda i: shop_services.gift_redeem(member=members[i // 2], gift=gift))
    assert sum(isinstance(r, Redemption) for r in results) == 200
    assert sum(isinstance(r, InsufficientPoints) for r in results) == 200
    assert all(balance_of(member=m) == 0 for m in members)
    gift.refresh_from_db()
    assert gift.stock == 800
    call_command("ledger_verify")


def test_control_naive_redemption_oversells_and_the_test_sees_it():
    gift = GiftFactory(points=180, stock=20)
    members = _members_with_points(60, 180)
    results = _burst(60, lambda i: _naive_redeem(members[i].pk, gift.pk))
    sold = sum(isinstance(r, Redemption) for r in results)
    assert sold > 20, "the naive path should oversell under a burst; if not, the burst is not concurrent"


def test_control_naive_double_click_creates_points_and_ledger_verify_catches_it():
    gift = GiftFactory(points=180, stock=100)
    members = _members_with_points(10, 180)
    results = _burst(20, lambda i: _naive_redeem(members[i // 2].pk, gift.pk))
    assert sum(isinstance(r, Redemption) for r in results) > 10
    assert not Account.objects.filter(balance__lt=0).exists()  # "no negative balance" proves nothing
    with pytest.raises(CommandError):
        call_command("ledger_verify")


def test_duplicate_awards_in_a_burst_pay_each_source_once():
    member = _members_with_points(1, 1)[0]
    results = _burst(
        200,
        lambda i: ledger_services.points_award(
            member=member, action=Reason.SURVEY_ANSWERED, reference=f"surveys.submission:{i // 10}", amount=7
        ),
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert LedgerEntry.objects.filter(member=member).exclude(reference="surveys.submission:setup").count() == 20
    assert balance_of(member=member) == 1 + 20 * 7
    call_command("ledger_verify")


def test_a_lock_held_too_long_becomes_a_clear_try_again(settings):
    settings.POINTS_LOCK_TIMEOUT_MS = 300
    gift = GiftFactory(points=60, stock=5)
    member = _members_with_points(1, 100)[0]
    holding = threading.Event()
    release = threading.Event()

    def hold_member_lock():
        with transaction.atomic():
            Account.objects.select_for_update().get(member=member)
            holding.set()
            release.wait(10)
        connections.close_all()

    holder = threading.Thread(target=hold_member_lock)
    holder.start()
    holding.wait(10)
    try:
        with pytest.raises(LockTimeout) as caught:
            shop_services.gift_redeem(member=member, gift=gift)
        assert caught.value.status == 503
    finally:
        release.set()
        holder.join()
    gift.refresh_from_db()
    assert gift.stock == 5 and balance_of(member=member) == 100 and not Redemption.objects.exists()
    call_command("ledger_verify")


def test_a_second_request_with_the_same_key_waits_for_the_first_and_replays_its_answer(monkeypatch):
    """The key is claimed in the request's one transaction: the twin blocks on it, then replays."""
    from rest_framework.test import APIClient

    from rewards.shop import api as shop_api

    member = _members_with_points(1, 1000)[0]
    gift = GiftFactory(points=240, stock=10)
    in_effect = threading.Event()
    real_redeem = shop_services.gift_redeem

    def slow_redeem(**kwargs):
        redemption = real_redeem(**kwargs)
        in_effect.set()
        time.sleep(1.0)  # the twin arrives while this transaction still holds the key
        return redemption

    monkeypatch.setattr(shop_api.services, "gift_redeem", slow_redeem)
    answers: dict[str, object] = {}

    def post(name: str, wait_for: threading.Event | None):
        try:
            if wait_for is not None:
                assert wait_for.wait(10)
            client = APIClient()
            client.force_authenticate(member)
            answers[name] = client.post(
                "/api/v1/redemptions/", {"gift": gift.pk}, format="json", HTTP_IDEMPOTENCY_KEY="jumeaux"
            )
        finally:
            connections.close_all()

    first = threading.Thread(target=post, args=("first", None))
    twin = threading.Thread(target=post, args=("twin", in_effect))
    first.start()
    twin.start()
    first.join(30)
    twin.join(30)
    one, two = answers["first"], answers["twin"]
    assert one.status_code == two.status_code == 201 and one.json() == two.json()
    assert two["Idempotent-Replayed"] == "true" and not one.has_header("Idempotent-Replayed")
    assert Redemption.objects.count() == 1 and balance_of(member=member) == 760
    call_command("ledger_verify")
