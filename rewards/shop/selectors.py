"""Shared reads of the shop: the catalogue as a member sees it, and their vouchers.

`GiftOffer` is the one place where "how many points are missing" and "is it
available" are computed; the shop page, the gift page, "Mon club" and the API
all read it.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from club.members.models import Member
from rewards.shop.fulfilments import fulfilment_for
from rewards.shop.models import Gift, Redemption


def gifts_in_shop(*, now: datetime | None = None) -> QuerySet[Gift]:
    return Gift.objects.on_sale(now).select_related("museum").order_by("position", "points")


@dataclass(frozen=True)
class GiftOffer:
    """A gift in the shop as one member sees it."""

    gift: Gift
    balance: int

    @property
    def missing(self) -> int:
        """Points the member still needs (0: they can afford it)."""
        return max(0, self.gift.points - self.balance)

    @property
    def affordable(self) -> bool:
        return self.missing == 0

    @property
    def units_left(self) -> int:
        return fulfilment_for(self.gift).units_left(self.gift)

    @property
    def available(self) -> bool:
        """On sale now (the offer comes from `gifts_in_shop`) and not sold out."""
        return self.units_left > 0


def gift_offer(*, gift: Gift, balance: int) -> GiftOffer:
    return GiftOffer(gift=gift, balance=balance)


def catalogue_for(*, balance: int, now: datetime | None = None) -> list[GiftOffer]:
    """Every gift in the shop with the points the member still lacks (0: affordable)."""
    return [gift_offer(gift=gift, balance=balance) for gift in gifts_in_shop(now=now)]


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


def redemptions_open_count(*, member: Member) -> int:
    return redemptions_of(member=member).filter(status=Redemption.Status.ISSUED).count()


def redemption_names(pks: list[str]) -> dict[str, str]:
    """Reference resolver: `shop.redemption:<pk>` → the gift's name in the reader's language."""
    ids = [int(pk) for pk in pks if pk.isdigit()]
    rows = Redemption.objects.filter(pk__in=ids).select_related("gift")
    return {str(redemption.pk): str(redemption.gift.name) for redemption in rows}
