"""The ledger: the only code that moves points.

A leaf of the service graph: it imports members, notifications (to tell a
member their points expire) and core, never a feature. Features call
`points_award(...)` to pay, and the shop (or any feature that sells for points)
calls `points_account_lock`, `points_spend` and `points_refund` inside its own
transaction.

Locking: every write that moves a member's points locks that member's
`Account` row first, then (for the shop) the gift or seat row, always in that
order, under `SET LOCAL lock_timeout` on PostgreSQL (`club.core.locks`). A lock
that cannot be had in time becomes `LockTimeout` ("try again"), never a 500.
These functions use plain `atomic()` and join their caller's transaction
(`points_award` without a savepoint: see its docstring); the durable
transaction belongs to the outermost boundary (a view, a task, a command).

After an award commits, the hooks registered with
`rewards.ledger.registries.after_award_register` are called with the entry.
"""

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from club.core.locks import bounded_locks, lock_timeout_sql
from club.core.memo import Memo
from club.members.models import Member
from club.members.permissions import CLUB_ADMINISTRATION
from rewards.ledger.defaults import create_missing_rules
from rewards.ledger.errors import (
    AdjustmentAlreadyDecided,
    AdjustmentTooLarge,
    ApprovalNotAllowed,
    InsufficientPoints,
    InvalidAdjustment,
    SelfAdjustment,
    UnknownAction,
)
from rewards.ledger.models import (
    EARNING_ACTIONS,
    Account,
    Adjustment,
    EarningRule,
    LedgerEntry,
    LotConsumption,
    PointsLot,
    Reason,
)
from rewards.ledger.periods import period_start
from rewards.ledger.registries import after_award_hooks, after_award_run

# --- Locks (member first; `club.core.locks` bounds the wait) ---------------
# `lock_account` and `expire_member_lots` are the ledger's own primitives, shared with
# its expiry jobs (`rewards.ledger.expiry`); features use the public functions below.


def lock_account(member_id: int) -> Account:
    """The member's account row, locked (created on first use)."""
    account = Account.objects.select_for_update().filter(member_id=member_id).first()
    if account is None:
        Account.objects.bulk_create([Account(member_id=member_id)], ignore_conflicts=True)
        account = Account.objects.select_for_update().get(member_id=member_id)
    return account


# --- Ledger primitives (callers hold the account lock) --------------------------


def _expiry_for(now: datetime) -> datetime | None:
    months = settings.POINTS_EXPIRY_MONTHS
    if not months:
        return None
    return now + timedelta(days=round(months * 365.25 / 12))


def _write_entry(
    account: Account,
    *,
    amount: int,
    reason: str,
    reference: str,
    subject: str = "",
    note: str = "",
    by=None,
    now: datetime,
) -> LedgerEntry:
    account.balance += amount
    Account.objects.filter(pk=account.pk).update(balance=F("balance") + amount, updated_at=now)
    return LedgerEntry.objects.create(
        member_id=account.pk,
        amount=amount,
        reason=reason,
        reference=reference,
        subject=subject[:200],
        note=note,
        created_by=by,
        balance_after=account.balance,
        created_at=now,
    )


def _credit(account: Account, *, expires_at: datetime | None, now: datetime, **entry_fields) -> LedgerEntry:
    entry = _write_entry(account, now=now, **entry_fields)
    PointsLot.objects.create(
        member_id=account.pk,
        entry=entry,
        amount=entry.amount,
        remaining=entry.amount,
        expires_at=expires_at,
        created_at=now,
    )
    return entry


def expire_member_lots(account: Account, *, now: datetime) -> int:
    """Write an expiry entry for each of the member's lots whose time has come."""
    due = list(
        PointsLot.objects.filter(member_id=account.pk, remaining__gt=0, expires_at__lte=now).order_by(
            "expires_at", "id"
        )
    )
    for lot in due:
        _write_entry(
            account,
            amount=-lot.remaining,
            reason=Reason.EXPIRY,
            reference=f"ledger.pointslot:{lot.pk}",
            now=now,
        )
        lot.remaining = 0
        lot.save(update_fields=["remaining"])
    return len(due)


def _debit(account: Account, *, amount: int, now: datetime, **entry_fields) -> LedgerEntry:
    """Spend `amount` points, consuming the lots that expire first."""
    expire_member_lots(account, now=now)
    if account.balance < amount:
        raise InsufficientPoints(details={"balance": account.balance, "missing": amount - account.balance})
    entry = _write_entry(account, amount=-amount, now=now, **entry_fields)
    lots = PointsLot.objects.filter(member_id=account.pk, remaining__gt=0).order_by(
        F("expires_at").asc(nulls_last=True), "id"
    )
    consumptions, left = [], amount
    for lot in lots:
        take = min(lot.remaining, left)
        lot.remaining -= take
        lot.save(update_fields=["remaining"])
        consumptions.append(LotConsumption(entry=entry, lot=lot, amount=take))
        left -= take
        if left == 0:
            break
    LotConsumption.objects.bulk_create(consumptions)
    return entry


def _refund(account: Account, *, spend: LedgerEntry, now: datetime, **entry_fields) -> LedgerEntry:
    """Give a spend back: into its lots while they are valid, else for 30 more days."""
    refund = _write_entry(account, amount=-spend.amount, now=now, **entry_fields)
    lapsed = 0
    for consumption in spend.consumptions.select_related("lot"):
        lot = consumption.lot
        if lot.expires_at is not None and lot.expires_at <= now:
            lapsed += consumption.amount
        else:
            PointsLot.objects.filter(pk=lot.pk).update(remaining=F("remaining") + consumption.amount)
    if lapsed:
        PointsLot.objects.create(
            member_id=account.pk,
            entry=refund,
            amount=lapsed,
            remaining=lapsed,
            expires_at=now + timedelta(days=settings.POINTS_REFUND_GRACE_DAYS),
            created_at=now,
        )
    return refund


# --- Spending and refunds, for the features that sell for points ------------------


def points_account_lock(*, member_id: int) -> Account:
    """Lock the member's points account (first, in the fixed lock order) and return it.

    Call it inside the caller's transaction, before locking what is bought or
    given back.
    """
    return lock_account(member_id)


def points_spendable(*, account: Account, now: datetime) -> int:
    """The balance a purchase may use now: lots whose expiry has passed are written off first."""
    expire_member_lots(account, now=now)
    return account.balance


def points_spend(
    *, account: Account, amount: int, reason: str, reference: str, subject: str = "", now: datetime
) -> LedgerEntry:
    """Debit a locked account, consuming the lots that expire first; InsufficientPoints if short."""
    return _debit(account, amount=amount, reason=reason, reference=reference, subject=subject, now=now)


def points_refund(
    *,
    account: Account,
    spent_reason: str,
    reference: str,
    subject: str = "",
    by: Member | None = None,
    now: datetime,
) -> LedgerEntry:
    """Give back what the spend `(spent_reason, reference)` took, as a refund entry.

    Points return to their lots while those are valid; points whose expiry has
    passed meanwhile come back for `POINTS_REFUND_GRACE_DAYS`.
    """
    spend = LedgerEntry.objects.get(member_id=account.pk, reason=spent_reason, reference=reference)
    return _refund(account, spend=spend, reason=Reason.REFUND, reference=reference, subject=subject, by=by, now=now)


# --- Earning ----------------------------------------------------------------------


_RULE_CACHE_SECONDS = 60
_RULE_MEMO_SECONDS = 5
_rules_here = Memo(seconds=_RULE_MEMO_SECONDS, max_entries=64)
PAID_UNDER = "paid_under_rule"  # on an entry `points_award` has just paid: the earning rule (or None) it applied


def _rule_for(action: str) -> EarningRule | None:
    """The action's earning rule: every award reads it, staff rarely change it.

    Kept in this process for `_RULE_MEMO_SECONDS` in front of the shared cache
    (which keeps it for `_RULE_CACHE_SECONDS`): saving a rule through
    `earning_rule_save` clears both here and the shared one, so other
    processes apply it within those few seconds.
    """
    key = f"ledger:rule:{action}"
    cached = _rules_here.get(key)
    if cached is None:
        cached = cache.get(key)
        if cached is None:
            cached = EarningRule.objects.filter(action=action).first() or False
            cache.set(key, cached, _RULE_CACHE_SECONDS)
        _rules_here.set(key, cached)
    return cached or None


def earning_rule_changed(*, action: str) -> None:
    _rules_here.discard(f"ledger:rule:{action}")
    cache.delete(f"ledger:rule:{action}")


def earning_rule_save(*, rule: EarningRule) -> EarningRule:
    """Save a rule staff edited; awards in this process see it at once, others within seconds."""
    rule.save()
    earning_rule_changed(action=rule.action)
    return rule


# Fixed table and column names. The account row is the member's lock: adding to it (creating it
# on the first points) takes the lock; the entry's `balance_after` is read back from it.
_ACCOUNT_ADD = (
    "INSERT INTO ledger_account (member_id, balance, updated_at) VALUES (%s, %s, %s) "
    "ON CONFLICT (member_id) DO UPDATE SET balance = ledger_account.balance + excluded.balance, "
    "updated_at = excluded.updated_at"
)
_ENTRY_INSERT = (
    "INSERT INTO ledger_ledgerentry (member_id, amount, reason, reference, subject, balance_after, note, created_at) "
    "SELECT %s, %s, %s, %s, %s, (SELECT balance FROM ledger_account WHERE member_id = %s), '', %s WHERE {cap} "
    "ON CONFLICT (member_id, reason, reference) DO NOTHING RETURNING id, balance_after"
)
_LOT_INSERT = (
    "INSERT INTO ledger_pointslot (member_id, entry_id, amount, remaining, expires_at, created_at) "
    "VALUES (%s, %s, %s, %s, %s, %s)"
)
# PostgreSQL: the lock wait bounded, the account, then the entry and its lot, in one round trip.
_AWARD = (
    "{lock_timeout}; " + _ACCOUNT_ADD + "; WITH entry AS (" + _ENTRY_INSERT + "), "
    "lot AS (INSERT INTO ledger_pointslot (member_id, entry_id, amount, remaining, expires_at, created_at) "
    "SELECT %s, id, %s, %s, %s, %s FROM entry) "
    "SELECT id, balance_after FROM entry"
)


def _cap_condition(rule: EarningRule | None, *, member_id: int, now: datetime) -> tuple[str, list]:
    """SQL that is true while the rule's cap leaves room (counted under the account lock)."""
    if rule is None or rule.cap_count is None:
        return "1 = 1", []
    start = period_start(rule.cap_period, now)
    sql = f"(SELECT COUNT(*) FROM {LedgerEntry._meta.db_table} WHERE member_id = %s AND reason = %s"
    params: list = [member_id, rule.action]
    if start is not None:
        sql += " AND created_at >= %s"
        params.append(connection.ops.adapt_datetimefield_value(start))
    return f"{sql}) < %s", [*params, rule.cap_count]


def _award_write(cursor, *, rule, member_id, amount, reason, reference, subject, now) -> tuple[int, int] | None:
    """Add to the balance under the account's lock, then the entry and its lot while the cap leaves room and
    the source has not paid: (entry id, balance after), or None.

    On PostgreSQL in one round trip: the statements of one query string run one
    after the other, each with a snapshot of its own, so the cap is counted
    once the lock is held, as with one round trip per statement.
    """
    created = connection.ops.adapt_datetimefield_value(now)
    expires = connection.ops.adapt_datetimefield_value(_expiry_for(now))
    cap_sql, cap_params = _cap_condition(rule, member_id=member_id, now=now)
    account_params = [member_id, amount, created]
    entry_params = [member_id, amount, reason, reference, subject[:200], member_id, created, *cap_params]
    if connection.vendor == "postgresql":
        sql = _AWARD.format(lock_timeout=lock_timeout_sql(), cap=cap_sql)
        cursor.execute(sql, [*account_params, *entry_params, member_id, amount, amount, expires, created])
        row = cursor.fetchone()
        return (row[0], row[1]) if row else None
    cursor.execute(_ACCOUNT_ADD, account_params)
    cursor.execute(_ENTRY_INSERT.format(cap=cap_sql), entry_params)
    row = cursor.fetchone()
    if row is None:
        return None
    cursor.execute(_LOT_INSERT, [member_id, row[0], amount, amount, expires, created])
    return row[0], row[1]


def _account_give_back(cursor, *, member_id: int, amount: int) -> None:
    """Undo the addition of an award that paid nothing (the lock is still held: the balance is as it was)."""
    cursor.execute("UPDATE ledger_account SET balance = balance - %s WHERE member_id = %s", [amount, member_id])


def points_award(
    *,
    member: Member,
    action: str,
    reference: str,
    amount: int | None = None,
    subject: str = "",
    now: datetime | None = None,
) -> LedgerEntry | None:
    """Pay the points of an action, once per (member, action, reference).

    `amount` lets an object set its own points; the action's earning rule gives
    the default, and its cap applies to every award of that action. Returns the
    entry (the existing one when this source already paid), or None when the
    rule is off or its cap is reached.

    This is the hottest write of the club (every survey, quiz, vote and check-in
    pays through it), so on PostgreSQL it is one round trip (`_award_write`):
    the lock taken by moving the balance, then the entry and its lot inserted
    only while the cap leaves room and the unique constraint sees no earlier
    award of the source. In the rare case of a repeat or a reached cap it
    gives the balance back under the same lock (only the account's
    `updated_at` keeps the time of the attempt) rather than paying for a
    savepoint on every award. It joins the caller's transaction without a
    savepoint, so an error (a lock that timed out) rolls that whole
    transaction back: call it from within the boundary that would.
    """
    if action not in EARNING_ACTIONS:
        raise UnknownAction(details={"action": action})
    now = now or timezone.now()
    rule = _rule_for(action)
    if rule is not None and not rule.is_active:
        return None
    points = amount if amount is not None else (rule.points if rule else 0)
    if points <= 0:
        return None
    # No savepoint: an award that pays nothing gives the balance back itself, under the lock it
    # holds; an error rolls back the caller's transaction (the boundary's business) with it.
    with transaction.atomic(savepoint=False), bounded_locks(set_timeout=False), connection.cursor() as cursor:
        paid = _award_write(
            cursor,
            rule=rule,
            member_id=member.pk,
            amount=points,
            reason=action,
            reference=reference,
            subject=subject,
            now=now,
        )
        if paid is None:
            _account_give_back(cursor, member_id=member.pk, amount=points)
    if paid is None:
        return LedgerEntry.objects.filter(member_id=member.pk, reason=action, reference=reference).first()
    entry_id, balance = paid
    entry = LedgerEntry(
        id=entry_id,
        member_id=member.pk,
        amount=points,
        reason=action,
        reference=reference,
        subject=subject[:200],
        balance_after=balance,
        created_at=now,
    )
    entry.paid_now = True
    vars(entry)[PAID_UNDER] = rule  # what `award_outcome` explains it with, without reading the rule again
    if after_award_hooks():
        transaction.on_commit(partial(after_award_run, entry))
    return entry


# --- Manual adjustments ---------------------------------------------------------------

# A correction bigger than this is a typo, not a gesture (and would overflow the balance).
ADJUSTMENT_MAX_POINTS = 100_000


def _is_club_admin(user: Member) -> bool:
    return user.is_superuser or user.groups.filter(name=CLUB_ADMINISTRATION).exists()


def _apply_adjustment(adjustment: Adjustment, *, now: datetime) -> LedgerEntry:
    account = lock_account(adjustment.member_id)
    fields = {
        "reason": Reason.ADJUSTMENT,
        "reference": adjustment.reference,
        "note": adjustment.reason,
        "by": adjustment.requested_by,
    }
    if adjustment.amount > 0:
        return _credit(account, amount=adjustment.amount, expires_at=_expiry_for(now), now=now, **fields)
    return _debit(account, amount=-adjustment.amount, now=now, **fields)


def _validate_adjustment(*, member: Member, amount: int, reason: str, by: Member) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0 or not (reason or "").strip():
        raise InvalidAdjustment()
    if abs(amount) > ADJUSTMENT_MAX_POINTS:
        limit = {"limit": ADJUSTMENT_MAX_POINTS}
        raise AdjustmentTooLarge(AdjustmentTooLarge.message % limit, details=limit)
    if member.pk == by.pk:
        raise SelfAdjustment()


def _given_recently(*, member: Member, by: Member, now: datetime) -> int:
    """Points one requester moved for one member over the rolling window (applied or waiting)."""
    since = now - timedelta(days=settings.POINTS_ADJUSTMENT_WINDOW_DAYS)
    rows = Adjustment.objects.filter(
        member=member,
        requested_by=by,
        requested_at__gte=since,
        status__in=[Adjustment.Status.APPLIED, Adjustment.Status.PENDING],
    ).values_list("amount", flat=True)
    return sum(abs(amount) for amount in rows)


def points_adjust(*, member: Member, amount: int, reason: str, by: Member, now: datetime | None = None) -> Adjustment:
    """A staff correction (+/−) with a mandatory reason, never of one's own account.

    It reaches the ledger at once while what this requester has moved for this
    member over `POINTS_ADJUSTMENT_WINDOW_DAYS` (this one included) stays within
    `POINTS_ADJUSTMENT_APPROVAL_THRESHOLD`; beyond, it waits for another club
    administrator (`adjustment_approve`) — so three corrections of 500 are one
    of 1,500.
    """
    _validate_adjustment(member=member, amount=amount, reason=reason, by=by)
    now = now or timezone.now()
    with transaction.atomic(), bounded_locks():
        lock_account(member.pk)  # serialises requests for one member: the window sum is exact
        given = _given_recently(member=member, by=by, now=now)
        adjustment = Adjustment.objects.create(
            member=member, amount=amount, reason=reason.strip(), requested_by=by, requested_at=now
        )
        if given + abs(amount) <= settings.POINTS_ADJUSTMENT_APPROVAL_THRESHOLD:
            _apply_adjustment(adjustment, now=now)
            adjustment.status = Adjustment.Status.APPLIED
            adjustment.decided_by = by
            adjustment.decided_at = now
            adjustment.save(update_fields=["status", "decided_by", "decided_at"])
    return adjustment


def _decide(adjustment: Adjustment, *, by: Member, approve: bool, now: datetime | None) -> Adjustment:
    now = now or timezone.now()
    if not _is_club_admin(by) or by.pk in (adjustment.requested_by_id, adjustment.member_id):
        raise ApprovalNotAllowed()
    with transaction.atomic(), bounded_locks():
        lock_account(adjustment.member_id)
        adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
        if adjustment.status != Adjustment.Status.PENDING:
            raise AdjustmentAlreadyDecided()
        if approve:
            _apply_adjustment(adjustment, now=now)
        adjustment.status = Adjustment.Status.APPLIED if approve else Adjustment.Status.REJECTED
        adjustment.decided_by = by
        adjustment.decided_at = now
        adjustment.save(update_fields=["status", "decided_by", "decided_at"])
    return adjustment


def adjustment_approve(*, adjustment: Adjustment, by: Member, now: datetime | None = None) -> Adjustment:
    return _decide(adjustment, by=by, approve=True, now=now)


def adjustment_reject(*, adjustment: Adjustment, by: Member, now: datetime | None = None) -> Adjustment:
    return _decide(adjustment, by=by, approve=False, now=now)


def earning_rules_ensure_defaults() -> None:
    """Create the default earning rules that do not exist yet (staff edit them after)."""
    create_missing_rules(EarningRule)
