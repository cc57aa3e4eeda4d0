"""What a gift purchase reserves, and what a cancellation gives back: the fulfilments.

A gift is fulfilled by one kind of fulfilment, named in `Gift.fulfilment`:
plain stock (a counter, `rewards.shop.stock`), and — registered by the apps
that own them, never imported by the shop — a seat in an event session (the
VIP opening) or a donation to a restoration fund. The shop's one purchase path
(`gift_redeem`) and its one cancellation path (`redemption_cancel`) call the
gift's fulfilment; the voucher and cancellation rules follow it.

An app registers its kind in its `AppConfig.ready()`:

    fulfilment_register(SeatFulfilment())

Contract of a fulfilment, called inside the shop's transaction, after the
member's points account is locked (lock order: member, then gift or seat):
- `reserve(gift=…, member_id=…, now=…)` takes one unit, or raises a DomainError
  (`GiftOutOfStock`…); a failure rolls the whole purchase back. It runs before
  the voucher row is written: the unit's row lock is taken first, so the
  voucher's foreign key to it adds no lock contention on a hot gift;
- `issued(redemption=…, now=…)` records the reserved unit against the new
  voucher (a seat's booking points at its ticket); plain stock has nothing to do;
- `release(redemption=…, now=…)` gives the unit back when a voucher is
  cancelled or expires;
- `units_left(gift)` is what the shop shows ("3 left", "sold out");
- optionally, `voucher_lines(redemption)`: more lines for the voucher's page,
  as (label, text, address) — a seat's session, date, place and ticket.

The catalogue the pages read is cached (`rewards.shop.selectors`): whatever
changes what `units_left` answers outside the shop's services (a seat booked
from the events pages) calls `units_changed()`, which drops it on commit.
"""

from typing import TYPE_CHECKING, Protocol

from django.core.cache import cache
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from datetime import datetime

    from rewards.shop.models import Gift, Redemption

STOCK = "stock"
CATALOGUE_CACHE_KEY = "shop:catalogue:v1"
CATALOGUE_VERSION_KEY = "shop:catalogue:v1:version"


def units_changed() -> None:
    """Units of some gift changed: the cached catalogue is dropped now, and again once the transaction commits.

    (Between the two, another request may cache what it still reads from before the commit.)
    """
    cache.delete_many([CATALOGUE_CACHE_KEY, CATALOGUE_VERSION_KEY])
    transaction.on_commit(lambda: cache.delete_many([CATALOGUE_CACHE_KEY, CATALOGUE_VERSION_KEY]))


class Fulfilment(Protocol):
    kind: str
    label: Promise | str

    def reserve(self, *, gift: "Gift", member_id: int, now: "datetime") -> None: ...

    def issued(self, *, redemption: "Redemption", now: "datetime") -> None: ...

    def release(self, *, redemption: "Redemption", now: "datetime") -> None: ...

    def units_left(self, gift: "Gift") -> int: ...


_fulfilments: dict[str, Fulfilment] = {}
# Known kinds and their labels, also before their app has registered (migrations, checks).
_LABELS: dict[str, Promise | str] = {STOCK: _("stock simple")}


def fulfilment_register(fulfilment: Fulfilment) -> None:
    _fulfilments[fulfilment.kind] = fulfilment
    _LABELS[fulfilment.kind] = fulfilment.label


def fulfilment_unregister(kind: str) -> None:
    """Forget a kind (tests; a real app keeps its kind registered)."""
    _fulfilments.pop(kind, None)
    if kind != STOCK:
        _LABELS.pop(kind, None)


def fulfilment_for(gift: "Gift") -> Fulfilment:
    """The fulfilment of a gift; an unregistered kind is a configuration error, not a 500 later."""
    try:
        return _fulfilments[gift.fulfilment]
    except KeyError:
        raise LookupError(f"no fulfilment registered for kind {gift.fulfilment!r}") from None


def voucher_lines(redemption: "Redemption") -> list[tuple[str, str, str]]:
    """What the gift's fulfilment adds to its voucher's page (nothing for plain stock)."""
    fulfilment = _fulfilments.get(redemption.gift.fulfilment)
    lines = getattr(fulfilment, "voucher_lines", None)
    return list(lines(redemption)) if lines else []


def fulfilment_choices() -> list[tuple[str, Promise | str]]:
    """The choices of `Gift.fulfilment` (a callable, so a new kind needs no shop migration)."""
    return list(_LABELS.items())
