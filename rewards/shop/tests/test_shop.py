"""Redeeming gifts and handling vouchers at the desk."""

from datetime import timedelta

import pytest
from django.utils import timezone

from club.core.errors import InvalidCode
from club.members.tests.factories import MemberFactory, MuseumFactory, StaffFactory
from rewards.ledger.errors import InsufficientPoints
from rewards.ledger.models import LedgerEntry
from rewards.ledger.selectors import balance_of
from rewards.shop import services as shop_services
from rewards.shop.errors import (
    GiftNotAvailable,
    GiftOutOfStock,
    RedemptionLimitReached,
    VoucherAlreadyCollected,
    VoucherCancelled,
    VoucherExpired,
    VoucherNotFound,
)
from rewards.shop.models import Gift, Redemption
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db


def _state(member, gift):
    gift.refresh_from_db()
    return balance_of(member=member), gift.stock, Redemption.objects.count(), LedgerEntry.objects.count()


def test_redeem_debits_takes_stock_and_issues_a_voucher(clock, member, give, ledger_is_consistent, settings):
    museum = MuseumFactory()
    gift = GiftFactory(points=240, stock=3, museum=museum)
    give(member, 300)
    now = timezone.now()
    redemption = shop_services.gift_redeem(member=member, gift=gift)
    gift.refresh_from_db()
    assert balance_of(member=member) == 60 and gift.stock == 2
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
        shop_services.gift_redeem(member=member, gift=gift)
    assert _state(member, gift) == before
    assert caught.value.code


def test_insufficient_points_says_how_many_are_missing(member, give):
    gift = GiftFactory(points=240)
    give(member, 180)
    with pytest.raises(InsufficientPoints) as caught:
        shop_services.gift_redeem(member=member, gift=gift)
    assert caught.value.details == {"balance": 180, "missing": 60}


def test_per_member_limit_counts_issued_and_collected_but_not_cancelled(member, give):
    gift = GiftFactory(points=60, stock=10, per_member_limit=1)
    give(member, 500)
    first = shop_services.gift_redeem(member=member, gift=gift)
    with pytest.raises(RedemptionLimitReached):
        shop_services.gift_redeem(member=member, gift=gift)
    shop_services.redemption_cancel(redemption=first, by=member)
    shop_services.gift_redeem(member=member, gift=gift)


def test_desk_collects_a_voucher_once(member, give):
    staff = StaffFactory()
    gift = GiftFactory(points=60)
    give(member, 60)
    redemption = shop_services.gift_redeem(member=member, gift=gift)
    typed = redemption.code.lower().replace("-", "")
    collected = shop_services.redemption_collect(code=typed, by=staff)
    assert collected.status == "collected" and collected.collected_by == staff
    with pytest.raises(VoucherAlreadyCollected):
        shop_services.redemption_collect(code=redemption.code, by=staff)
    with pytest.raises(VoucherAlreadyCollected):
        shop_services.redemption_cancel(redemption=redemption, by=staff)


def test_forged_or_unknown_voucher_codes_are_refused(django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(InvalidCode):
        shop_services.redemption_collect(code="ABCD-EFGH-JKMN", by=None)
    from club.core.codes import code_generate

    with pytest.raises(VoucherNotFound):
        shop_services.redemption_collect(code=code_generate(length=11), by=None)


def test_cancel_gives_points_and_stock_back(member, give, ledger_is_consistent):
    staff = StaffFactory()
    gift = GiftFactory(points=240, stock=1)
    give(member, 240)
    redemption = shop_services.gift_redeem(member=member, gift=gift)
    shop_services.redemption_cancel(redemption=redemption, by=staff)
    gift.refresh_from_db()
    assert balance_of(member=member) == 240 and gift.stock == 1
    refund = LedgerEntry.objects.get(reason="refund", reference=redemption.reference)
    assert refund.amount == 240 and refund.created_by == staff
    with pytest.raises(VoucherCancelled):
        shop_services.redemption_collect(code=redemption.code, by=staff)
    with pytest.raises(VoucherCancelled):
        shop_services.redemption_cancel(redemption=redemption, by=staff)
    ledger_is_consistent()


def test_uncollected_vouchers_expire_with_a_refund(clock, member, give, ledger_is_consistent):
    gift = GiftFactory(points=60, stock=1, voucher_validity_days=10)
    give(member, 60)
    redemption = shop_services.gift_redeem(member=member, gift=gift)
    clock.shift(timedelta(days=9))
    assert shop_services.redemptions_expire_due() == 0
    clock.shift(timedelta(days=1, seconds=1))
    with pytest.raises(VoucherExpired):
        shop_services.redemption_collect(code=redemption.code, by=None)
    assert shop_services.redemptions_expire_due() == 1
    clock.shift(timedelta(days=1))
    assert shop_services.redemptions_expire_due() == 0
    redemption.refresh_from_db()
    gift.refresh_from_db()
    assert redemption.status == "expired" and gift.stock == 1 and balance_of(member=member) == 60
    ledger_is_consistent()


def test_restocking_adds_to_concurrent_stock_and_never_goes_negative(member):
    gift = GiftFactory(stock=2)
    assert shop_services.gift_stock_adjust(gift=gift, delta=5) == 7
    with pytest.raises(GiftOutOfStock):
        shop_services.gift_stock_adjust(gift=gift, delta=-8)
    assert Gift.objects.get(pk=gift.pk).stock == 7


def test_another_member_cannot_spend_someone_elses_points(give):
    rich, poor = MemberFactory(), MemberFactory()
    give(rich, 1000)
    with pytest.raises(InsufficientPoints):
        shop_services.gift_redeem(member=poor, gift=GiftFactory(points=60))


def test_saving_a_gift_edited_meanwhile_never_overwrites_the_stock(member, give):
    gift = GiftFactory(points=60, stock=5)
    stale = type(gift).objects.get(pk=gift.pk)  # a staff member opens the form
    give(member, 60)
    shop_services.gift_redeem(member=member, gift=gift)  # a sale happens meanwhile
    stale.name = "Carte postale de Monet"
    stale.stock = 5  # what the stale form still holds
    shop_services.gift_save(gift=stale)
    gift.refresh_from_db()
    assert gift.name == "Carte postale de Monet" and gift.stock == 4
