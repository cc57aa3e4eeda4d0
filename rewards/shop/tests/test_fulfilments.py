"""A gift's fulfilment decides what a purchase takes and a cancellation gives back.

The test registers a seat-like kind the way the events feature will: the shop
calls it through its one purchase path without importing it.
"""

import pytest

from club.core.errors import DomainError
from rewards.ledger.models import LedgerEntry
from rewards.ledger.selectors import balance_of
from rewards.shop.errors import GiftOutOfStock
from rewards.shop.fulfilments import fulfilment_choices, fulfilment_register, fulfilment_unregister
from rewards.shop.models import Redemption
from rewards.shop.selectors import gift_offer
from rewards.shop.services import gift_redeem, redemption_cancel
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db


class SessionFull(DomainError):
    code = "session_full"
    message = "Plus de place dans cette séance."
    status = 409


class FakeSeats:
    kind = "test_seat"
    label = "une place (test)"

    def __init__(self, seats: int):
        self.seats = seats
        self.calls: list[tuple[str, int]] = []

    def reserve(self, *, gift, member_id, now):
        if self.seats == 0:
            raise SessionFull()
        self.seats -= 1
        self.calls.append(("reserve", member_id))

    def issued(self, *, redemption, now):
        self.calls.append(("issued", redemption.pk))

    def release(self, *, redemption, now):
        self.seats += 1
        self.calls.append(("release", redemption.pk))

    def units_left(self, gift):
        return self.seats


@pytest.fixture
def seats():
    fulfilment = FakeSeats(seats=1)
    fulfilment_register(fulfilment)
    yield fulfilment
    fulfilment_unregister(fulfilment.kind)


def test_a_registered_kind_is_a_choice_of_the_gift_without_a_shop_migration(seats):
    assert ("test_seat", "une place (test)") in fulfilment_choices()
    gift = GiftFactory(fulfilment="test_seat", stock=0)
    gift.full_clean()


def test_buying_takes_a_unit_of_the_gifts_fulfilment_and_cancelling_gives_it_back(member, give, seats):
    give(member, 500)
    gift = GiftFactory(name="Vernissage VIP", points=180, fulfilment="test_seat", stock=0)
    assert gift_offer(gift=gift, balance=500).available
    redemption = gift_redeem(member=member, gift=gift)
    assert seats.calls == [("reserve", member.pk), ("issued", redemption.pk)] and seats.seats == 0
    assert not gift_offer(gift=gift, balance=320).available
    redemption_cancel(redemption=redemption, by=member)
    assert seats.calls[-1] == ("release", redemption.pk) and seats.seats == 1
    assert balance_of(member=member) == 500


def test_a_refused_reservation_writes_nothing(member, give, seats):
    give(member, 500)
    seats.seats = 0
    gift = GiftFactory(points=180, fulfilment="test_seat", stock=0)
    before = LedgerEntry.objects.count()
    with pytest.raises(SessionFull):
        gift_redeem(member=member, gift=gift)
    assert Redemption.objects.count() == 0 and LedgerEntry.objects.count() == before
    assert balance_of(member=member) == 500


def test_plain_stock_is_the_first_kind(member, give):
    give(member, 500)
    gift = GiftFactory(points=60, stock=1)
    gift_redeem(member=member, gift=gift)
    gift.refresh_from_db()
    assert gift.stock == 0 and not gift_offer(gift=gift, balance=440).available
    with pytest.raises(GiftOutOfStock):
        gift_redeem(member=member, gift=gift)
