"""Shared reads of the ledger: balances, history, what expires soon, and the audit."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Lag
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from club.core.sql import Scalars, scalars_read
from club.members.models import Member
from rewards.ledger.models import Account, EarningRule, LedgerEntry, PointsLot, Reason
from rewards.ledger.periods import period_start
from rewards.ledger.registries import earning_ways, references_describe


def balance_of(*, member: Member | None) -> int:
    """The member's points (0 for a visitor who is not logged in)."""
    if member is None or not member.is_authenticated:
        return 0
    return Account.objects.filter(member_id=member.pk).values_list("balance", flat=True).first() or 0


def history_of(*, member: Member) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(member_id=member.pk).order_by("-id")


def history_page_describe(*, entries: Iterable[LedgerEntry]) -> list[LedgerEntry]:
    """One page of history with each line named in the reader's language (one query per kind)."""
    entries = list(entries)
    references_describe(entries)
    return entries


@dataclass(frozen=True)
class Expiring:
    points: int
    first_date: datetime | None


@dataclass(frozen=True)
class PointsSummary:
    balance: int
    expiring: Expiring


def points_scalars(*, now: datetime | None = None) -> Scalars:
    """The balance and what expires soon, as scalar subqueries (`club.core.sql`); the lots' partial
    index `ledger_lot_member_open` answers both aggregates."""
    horizon = (now or timezone.now()) + timedelta(days=settings.POINTS_EXPIRY_WARNING_DAYS)
    open_soon = (
        "FROM ledger_pointslot WHERE member_id = %(member)s AND remaining > 0 "
        "AND expires_at IS NOT NULL AND expires_at <= %(points_horizon)s"
    )
    return (
        {
            "points_balance": "SELECT balance FROM ledger_account WHERE member_id = %(member)s",
            "points_expiring": f"SELECT SUM(remaining) {open_soon}",
            "points_expiring_first": f"SELECT MIN(expires_at) {open_soon}",
        },
        {"points_horizon": horizon},
    )


def points_summary_from(values: dict) -> PointsSummary:
    return PointsSummary(
        balance=values["points_balance"] or 0,
        expiring=Expiring(points=values["points_expiring"] or 0, first_date=_aware(values["points_expiring_first"])),
    )


def points_summary(*, member: Member, now: datetime | None = None) -> PointsSummary:
    """The balance and what expires soon, in one statement (0 and nothing for a member who never earned).

    Written in SQL: "Mon club" reads it on every visit, and the ORM took longer
    to build this statement than the database to run it.
    """
    return points_summary_from(scalars_read(points_scalars(now=now), member_id=member.pk))


def _aware(value) -> datetime | None:
    """A timestamp read by raw SQL: PostgreSQL gives it aware, SQLite as text in UTC."""
    if value is None or isinstance(value, datetime):
        return value if value is None or timezone.is_aware(value) else timezone.make_aware(value, UTC)
    parsed = parse_datetime(str(value))
    return parsed if parsed is None or timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


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


def ledger_sequence_breaks() -> list[dict]:
    """Entries whose `balance_after` is not the previous entry's plus their own amount.

    A member's entries are written under their lock, in id order, each with the
    balance right after it: a row modified afterwards (an amount, a balance)
    breaks the chain even when the totals still agree. One SQL query (a window
    function), whatever the size of the ledger.
    """
    previous = Window(Lag("balance_after", default=Value(0)), partition_by=[F("member_id")], order_by=F("id").asc())
    breaks = (
        LedgerEntry.objects.annotate(previous=previous)
        .filter(~Q(balance_after=F("previous") + F("amount")))
        .order_by("member_id", "id")
        .values("member_id", "id", "amount", "balance_after", "previous")
    )
    return [dict(row) for row in breaks]


@dataclass(frozen=True)
class EarningLine:
    """One way to earn points, as one member sees it today."""

    action: str
    label: str
    how: object
    url_name: str
    points: int
    cap_count: int | None
    cap_period: str
    earned: int  # awards of this action within the cap's current period

    @property
    def reached(self) -> bool:
        return self.cap_count is not None and self.earned >= self.cap_count


def earning_guide(*, member: Member | None, now: datetime | None = None) -> list[EarningLine]:
    """The ways to earn that exist, with their points and caps, and what the member already earned.

    Two queries whatever the number of ways: the rules, and one aggregate of the
    member's awards per action within each cap's period.
    """
    now = now or timezone.now()
    ways = list(earning_ways())
    rules = {rule.action: rule for rule in EarningRule.objects.filter(action__in=[w.action for w in ways])}
    ways = [way for way in ways if way.action in rules and rules[way.action].is_active]
    counts: dict[str, int] = {}
    if member is not None and member.is_authenticated and ways:
        aggregates = {}
        for way in ways:
            rule = rules[way.action]
            start = period_start(rule.cap_period, now)
            window = Q(reason=way.action) & (Q(created_at__gte=start) if start else Q())
            aggregates[way.action] = Count("id", filter=window)
        counts = LedgerEntry.objects.filter(member_id=member.pk).aggregate(**aggregates)
    return [
        EarningLine(
            action=way.action,
            label=str(Reason(way.action).label),
            how=way.how,
            url_name=way.url_name,
            points=rules[way.action].points,
            cap_count=rules[way.action].cap_count,
            cap_period=rules[way.action].cap_period,
            earned=counts.get(way.action, 0),
        )
        for way in ways
    ]


@dataclass(frozen=True)
class AwardOutcome:
    """What an action paid, as the page that did it says it: the points and the balance, or why nothing.

    `capped` is true when the action's cap for its period was already reached
    (the page says "points already earned today for surveys" instead of "0");
    `repeat` when this very source had already paid (the points are not new).
    """

    action: str
    label: str
    paid: int
    balance: int
    capped: bool
    repeat: bool
    cap_count: int | None
    cap_period: str


def award_outcome(
    *, member: Member, action: str, entry: LedgerEntry | None, now: datetime | None = None
) -> AwardOutcome:
    """Explain the result of `points_award` for `member`.

    No query for an award just paid: the rule is the one `points_award`
    applied (kept on the entry), the balance the entry's `balance_after`
    (the balance right after it). Otherwise the rule comes from the awards'
    short cache; a repeat reads the balance; a reached cap also counts the
    period's awards (two queries).
    """
    from rewards.ledger.services import PAID_UNDER, _rule_for

    now = now or timezone.now()
    fresh = entry is not None and entry.paid_now
    rule = vars(entry)[PAID_UNDER] if entry is not None and PAID_UNDER in vars(entry) else _rule_for(action)
    cap_count = rule.cap_count if rule else None
    cap_period = rule.cap_period if rule else ""
    capped = False
    if entry is None and rule is not None and rule.is_active and cap_count is not None:
        start = period_start(rule.cap_period, now)
        earned = LedgerEntry.objects.filter(
            member_id=member.pk, reason=action, **({"created_at__gte": start} if start else {})
        ).count()
        capped = earned >= cap_count
    return AwardOutcome(
        action=action,
        label=str(Reason(action).label),
        paid=entry.amount if entry is not None and fresh else 0,
        balance=entry.balance_after if entry is not None and fresh else balance_of(member=member),
        capped=capped,
        repeat=entry is not None and not fresh,
        cap_count=cap_count,
        cap_period=cap_period,
    )


def earning_rule_points(*, action: str) -> int:
    """The points an action pays by default (its earning rule's; 0 when the rule is missing or off).

    Read through the same short cache as the awards, so a list of many objects
    costs no query per object.
    """
    from rewards.ledger.services import _rule_for

    rule = _rule_for(action)
    return rule.points if rule is not None and rule.is_active else 0
