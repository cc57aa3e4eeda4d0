"""Shared reads of the shop: the catalogue as a member sees it, and their vouchers.

`GiftOffer` is the one place where "how many points are missing" and "is it
available" are computed; the shop page, the gift page, "Mon club" and the API
all read it.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from club.core.sql import Scalars, scalars_read
from club.members.models import Member
from rewards.shop.fulfilments import CATALOGUE_CACHE_KEY, CATALOGUE_VERSION_KEY, fulfilment_for
from rewards.shop.models import Gift, Redemption


def gifts_in_shop(*, now: datetime | None = None) -> QuerySet[Gift]:
    return Gift.objects.on_sale(now).select_related("museum").order_by("position", "points")


@dataclass(frozen=True)
class GiftOffer:
    """A gift in the shop as one member sees it (`units_left` read from its fulfilment once)."""

    gift: Gift
    balance: int
    units_left: int

    @property
    def missing(self) -> int:
        """Points the member still needs (0: they can afford it)."""
        return max(0, self.gift.points - self.balance)

    @property
    def affordable(self) -> bool:
        return self.missing == 0

    @property
    def available(self) -> bool:
        """On sale now (the offer comes from `gifts_in_shop`) and not sold out."""
        return self.units_left > 0


def gift_offer(*, gift: Gift, balance: int) -> GiftOffer:
    return GiftOffer(gift=gift, balance=balance, units_left=fulfilment_for(gift).units_left(gift))


# Longest a cached catalogue lives, whatever happens (every change also drops it).
CATALOGUE_CACHE_SECONDS = 300


def _catalogue_rows(now: datetime) -> list[tuple[Gift, int]]:
    """The gifts on sale and their units left, as of `now`, from the database."""
    return [(gift, fulfilment_for(gift).units_left(gift)) for gift in gifts_in_shop(now=now)]


def _next_window_edge(now: datetime) -> datetime | None:
    """When a gift next enters or leaves its sale window: the cached catalogue must not outlive it."""
    edges = Gift.objects.filter(is_active=True).values_list("available_from", "available_until")
    future = [edge for pair in edges for edge in pair if edge is not None and edge > now]
    return min(future, default=None)


def _catalogue_cached() -> dict:
    """The catalogue every member page reads, kept in the cache with a digest of its content.

    Dropped on commit by every change of a gift or of its units (the shop's
    services and `fulfilments.units_changed`), and never kept past the next
    opening or closing of a gift's sale window, nor past five minutes.
    """
    entry = cache.get(CATALOGUE_CACHE_KEY)
    if entry is None:
        now = timezone.now()
        rows = _catalogue_rows(now)
        fields = [field.attname for field in Gift._meta.concrete_fields]
        content = repr([(tuple(getattr(gift, name) for name in fields), units) for gift, units in rows])
        entry = {"rows": rows, "version": hashlib.sha256(content.encode()).hexdigest()[:16]}
        edge = _next_window_edge(now)
        timeout = CATALOGUE_CACHE_SECONDS
        if edge is not None:
            timeout = max(1, min(timeout, int((edge - now).total_seconds())))
        cache.set_many({CATALOGUE_CACHE_KEY: entry, CATALOGUE_VERSION_KEY: entry["version"]}, timeout)
    return entry


def catalogue_rows_cached() -> list[tuple[Gift, int]]:
    return _catalogue_cached()["rows"]


def catalogue_version() -> str:
    """A digest of the catalogue as pages show it: what a cached page that shows gifts depends on.

    Kept under a key of its own, so a page served from the cache reads a few bytes, not the catalogue.
    """
    return cache.get(CATALOGUE_VERSION_KEY) or _catalogue_cached()["version"]


def catalogue_for(*, balance: int, now: datetime | None = None) -> list[GiftOffer]:
    """Every gift in the shop with the points the member still lacks (0: affordable).

    Read from the cache, unless a moment is given (staff previews, tests of the sale window).
    """
    rows = catalogue_rows_cached() if now is None else _catalogue_rows(now)
    return [GiftOffer(gift=gift, balance=balance, units_left=units) for gift, units in rows]


@dataclass(frozen=True)
class GiftOutlook:
    """What "Mon club" says about the shop, from one read of the catalogue."""

    within_reach: list[GiftOffer]  # the dearest gifts affordable now and not sold out: "à votre portée"
    next_goals: list[GiftOffer]  # the cheapest not affordable yet: "plus que 60 points pour le sac"


def gift_outlook(*, balance: int, limit: int = 3) -> GiftOutlook:
    offers = catalogue_for(balance=balance)
    affordable = [offer for offer in offers if offer.affordable and offer.available]
    return GiftOutlook(
        within_reach=sorted(affordable, key=lambda offer: -offer.gift.points)[:limit],
        next_goals=[offer for offer in offers if not offer.affordable][:limit],
    )


def voucher_qr_text(*, redemption: Redemption) -> str:
    """What a voucher's QR code holds: the desk page for this voucher (the code is in it)."""
    return f"{settings.SITE_URL}{reverse('shop:desk')}?{urlencode({'code': redemption.code})}"


def redemptions_of(*, member: Member) -> QuerySet[Redemption]:
    return Redemption.objects.filter(member_id=member.pk).select_related("gift", "museum").order_by("-created_at")


def vouchers_scalars() -> Scalars:
    """The vouchers to collect, as a scalar subquery (`club.core.sql`)."""
    return (
        {"vouchers_open": "SELECT COUNT(*) FROM shop_redemption WHERE member_id = %(member)s AND status = %(issued)s"},
        {"issued": Redemption.Status.ISSUED.value},
    )


def redemptions_open_count(*, member: Member) -> int:
    """Vouchers to collect (SQL: "Mon club" reads it on every visit, and the ORM's COUNT cost more to build)."""
    return scalars_read(vouchers_scalars(), member_id=member.pk)["vouchers_open"]


def redemption_names(pks: list[str]) -> dict[str, str]:
    """Reference resolver: `shop.redemption:<pk>` → the gift's name in the reader's language."""
    ids = [int(pk) for pk in pks if pk.isdigit()]
    rows = Redemption.objects.filter(pk__in=ids).select_related("gift")
    return {str(redemption.pk): str(redemption.gift.name) for redemption in rows}
