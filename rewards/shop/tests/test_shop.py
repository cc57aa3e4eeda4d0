"""Redeeming gifts and handling vouchers at the desk."""

from datetime import timedelta

import pytest
from django.utils import timezone

from club.core.errors import InvalidCode
from club.members.tests.factories import MemberFactory, MuseumFactory, StaffFactory
from rewards import services
from rewards.errors import (
    GiftNotAvailable,
    GiftOutOfStock,
    InsufficientPoints,
    RedemptionLimitReached,
    VoucherAlreadyCollected,
    VoucherCancelled,
    VoucherExpired,
    VoucherNotFound,
)
from rewards.models import Gift, LedgerEntry, Redemption
from rewards.selectors import balance_of
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db


def _state(member, gift):
    gift.refresh_from_db()
    return balance_of(member), gift.stock, Redemption.objects.count(), LedgerEntry.objects.count()


def test_redeem_debits_takes_stock_and_issues_a_voucher(member, give, ledger_is_consistent, settings):
    museum = MuseumFactory()
    gift = GiftFactory(points=240, stock=3, museum=museum)
    give(member, 300)
    now = timezone.now()
    redemption = services.gift_redeem(member=member, gift=gift, now=now)
    gift.refresh_from_db()
    assert balance_of(member) == 60 and gift.stock == 2
    assert redemption.status == "issued" and redemption.museum == museum
    assert redemption.expires_at == now + timedelta(days=settings.REDEMPTION_VALIDITY_DAYS)
    spend = LedgerEntry.objects.get(reference=redemption.reference)
    assert spend.amount == -240 and spend.reason == "gift" and spend.balance_after == 60
    ledger_is_consistent()


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        ({"points": 240, "given": 239}, InsufficientPoints),
        ({"stock": 0}, GiftOutOfStock),
        ({"is_active": False}, GiftNotAvailable),
        ({"available_from": timezone.now() + timedelta(days=1)}, GiftNotAvailable),
        ({"available_until": timezone.now() - timedelta(days=1)}, GiftNotAvailable),
    ],
)
def test_refused_redemption_writes_nothing(member, give, setup, error):
    given = setup.pop("given", 1000)
    gift = GiftFactory(**{"points": 240, "stock": 5, **setup})
    give(member, given)
    before = _state(member, gift)
    with pytest.raises(error) as caught:
        services.gift_redeem(member=member, gift=gift)
    assert _state(member, gift) == before
    assert caught.value.code


def test_insufficient_points_says_how_many_are_missing(member, give):
    gift = GiftFactory(points=240)
    give(member, 180)
    with pytest.raises(InsufficientPoints) as caught:
        services.gift_redeem(member=member, gift=gift)
    assert caught.value.details == {"balance": 180, "missing": 60}


def test_per_member_limit_counts_issued_and_collected_but_not_cancelled(member, give):
    gift = GiftFactory(points=60, stock=10, per_member_limit=1)
    give(member, 500)
    first = services.gift_redeem(member=member, gift=gift)
    with pytest.raises(RedemptionLimitReached):
        services.gift_redeem(member=member, gift=gift)
    services.redemption_cancel(redemption=first, by=member)
    services.gift_redeem(member=member, gift=gift)


def test_desk_collects_a_voucher_once(member, give):
    staff = StaffFactory()
    gift = GiftFactory(points=60)
    give(member, 60)
    redemption = services.gift_redeem(member=member, gift=gift)
    typed = redemption.code.lower().replace("-", "")
    collected = services.redemption_collect(code=typed, by=staff)
    assert collected.status == "collected" and collected.collected_by == staff
    with pytest.raises(VoucherAlreadyCollected):
        services.redemption_collect(code=redemption.code, by=staff)
    with pytest.raises(VoucherAlreadyCollected):
        services.redemption_cancel(redemption=redemption, by=staff)


def test_forged_or_unknown_voucher_codes_are_refused(django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(InvalidCode):
        services.redemption_collect(code="ABCD-EFGH-JKMN", by=None)
    from club.core.codes import code_generate

    with pytest.raises(VoucherNotFound):
        services.redemption_collect(code=code_generate(length=11), by=None)


def test_cancel_gives_points_and_stock_back(member, give, ledger_is_consistent):
    staff = StaffFactory()
    gift = GiftFactory(points=240, stock=1)
    give(member, 240)
    redemption = services.gift_redeem(member=member, gift=gift)
    services.redemption_cancel(redemption=redemption, by=staff)
    gift.refresh_from_db()
    assert balance_of(member) == 240 and gift.stock == 1
    refund = LedgerEntry.objects.get(reason="refund", reference=redemption.reference)
    assert refund.amount == 240 and refund.created_by == staff
    with pytest.raises(VoucherCancelled):
        services.redemption_collect(code=redemption.code, by=staff)
    with pytest.raises(VoucherCancelled):
        services.redemption_cancel(redemption=redemption, by=staff)
    ledger_is_consistent()


def test_uncollected_vouchers_expire_with_a_refund(member, give, ledger_is_consistent):
    gift = GiftFactory(points=60, stock=1, voucher_validity_days=10)
    give(member, 60)
    now = timezone.now()
    redemption = services.gift_redeem(member=member, gift=gift, now=now)
    assert services.redemptions_expire_due(now=now + timedelta(days=9)) == 0
    with pytest.raises(VoucherExpired):
        services.redemption_collect(code=redemption.code, by=None, now=now + timedelta(days=10, seconds=1))
    assert services.redemptions_expire_due(now=now + timedelta(days=10, seconds=1)) == 1
    assert services.redemptions_expire_due(now=now + timedelta(days=11)) == 0
    redemption.refresh_from_db()
    gift.refresh_from_db()
    assert redemption.status == "expired" and gift.stock == 1 and balance_of(member) == 60
    ledger_is_consistent()


def test_restocking_adds_to_concurrent_stock_and_never_goes_negative(member):
    gift = GiftFactory(stock=2)
    assert services.gift_stock_adjust(gift=gift, delta=5) == 7
    with pytest.raises(GiftOutOfStock):
        services.gift_stock_adjust(gift=gift, delta=-8)
    assert Gift.objects.get(pk=gift.pk).stock == 7


def test_another_member_cannot_spend_someone_elses_points(give):
    rich, poor = MemberFactory(), MemberFactory()
    give(rich, 1000)
    with pytest.raises(InsufficientPoints):
        services.gift_redeem(member=poor, gift=GiftFactory(points=60))
