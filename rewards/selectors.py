"""Shared reads of the ledger and the shop: balances, history, catalogue."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from rewards.models import Account, Gift, LedgerEntry, PointsLot, Redemption


def balance_of(member) -> int:
    return Account.objects.filter(member_id=member.pk).values_list("balance", flat=True).first() or 0


def history_of(member) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(member_id=member.pk).order_by("-id")


@dataclass(frozen=True)
class Expiring:
    points: int
    first_date: datetime | None


def expiring_soon(member, *, now: datetime | None = None) -> Expiring:
    """Points that expire within the warning window, and the first such date."""
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.POINTS_EXPIRY_WARNING_DAYS)
    row = PointsLot.objects.filter(
        member_id=member.pk, remaining__gt=0, expires_at__isnull=False, expires_at__lte=horizon
    ).aggregate(points=Sum("remaining"), first=Min("expires_at"))
    return Expiring(points=row["points"] or 0, first_date=row["first"])


def gifts_in_shop(*, now: datetime | None = None) -> QuerySet[Gift]:
    now = now or timezone.now()
    return (
        Gift.objects.filter(is_active=True)
        .filter(Q(available_from__isnull=True) | Q(available_from__lte=now))
        .filter(Q(available_until__isnull=True) | Q(available_until__gt=now))
        .select_related("museum")
        .order_by("position", "points")
    )


@dataclass(frozen=True)
class GiftOffer:
    gift: Gift
    missing: int

    @property
    def affordable(self) -> bool:
        return self.missing == 0


def catalogue_for(member, *, balance: int | None = None) -> list[GiftOffer]:
    """Every gift in the shop with the points the member still lacks (0: affordable)."""
    if balance is None:
        balance = balance_of(member) if member is not None and member.is_authenticated else 0
    return [GiftOffer(gift=gift, missing=max(0, gift.points - balance)) for gift in gifts_in_shop()]


def next_goals(member, *, balance: int, limit: int = 3) -> list[GiftOffer]:
    """The cheapest gifts the member cannot afford yet: "plus que 60 points pour le sac"."""
    return [offer for offer in catalogue_for(member, balance=balance) if not offer.affordable][:limit]


def redemptions_of(member) -> QuerySet[Redemption]:
    return Redemption.objects.filter(member_id=member.pk).select_related("gift", "museum").order_by("-created_at")


def ledger_mismatches() -> list[dict]:
    """Members whose cached balance differs from their entries, lots or last entry.

    Aggregates run in SQL (GROUP BY); the comparison is by member id.
    """
    balances = dict(Account.objects.values_list("member_id", "balance"))
    entries = dict(
        LedgerEntry.objects.values("member_id").annotate(total=Sum("amount")).values_list("member_id", "total")
    )
    lots = dict(
        PointsLot.objects.values("member_id").annotate(total=Sum("remaining")).values_list("member_id", "total")
    )
    # Entries of a member are written under its lock, so the highest id is the latest.
    latest = LedgerEntry.objects.filter(member_id=OuterRef("member_id")).order_by("-id").values("balance_after")[:1]
    last_after = dict(Account.objects.annotate(last=Subquery(latest)).values_list("member_id", "last"))
    mismatches = []
    for member_id in set(balances) | set(entries) | set(lots):
        balance, total, remaining = balances.get(member_id, 0), entries.get(member_id, 0), lots.get(member_id, 0)
        after = last_after.get(member_id) or 0
        if not balance == total == remaining == after:
            mismatches.append(
                {"member_id": member_id, "balance": balance, "entries": total, "lots": remaining, "last_entry": after}
            )
    return mismatches
