"""Ledger of the benchmark data set (`--entries N` per member): entries, lots and accounts in three statements.

Every entry is an award of an earning action (amounts 5 to 40, spread over the
last 23 months, so the oldest lots expire within the warning window); each
carries its running balance (a window sum), gets its lot, and each account
its total, so `ledger_verify` holds. Spending is left to the features' parts.
"""

import argparse

from django.conf import settings

from club.core.scale import SCALE_EMAIL_DOMAIN, ScalePart, ScaleRun
from rewards.ledger.models import EARNING_ACTIONS


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--entries", type=int, default=50, help="ledger entries per member (default 50)")


def _build(run: ScaleRun) -> None:
    entries = run.options["entries"]
    if entries <= 0:
        return
    actions = sorted(str(action.value) for action in EARNING_ACTIONS if action != "signup")
    months = settings.POINTS_EXPIRY_MONTHS
    run.cursor.execute(
        """
        INSERT INTO ledger_ledgerentry
            (member_id, amount, reason, reference, subject, balance_after, note, created_at)
        SELECT member_id, amount, reason, 'scale:' || member_id || ':' || k, '',
               SUM(amount) OVER (PARTITION BY member_id ORDER BY k), '', created_at
        FROM (
            SELECT m.id AS member_id, k,
                   5 + ((m.id * 31 + k * 17) %% 8) * 5 AS amount,
                   (%(actions)s)[1 + (m.id + k) %% %(kinds)s] AS reason,
                   %(now)s - make_interval(mins => ((%(entries)s - k) * 700 * 1440 / %(entries)s + m.id %% 600)::int)
                       AS created_at
            FROM members_member m CROSS JOIN generate_series(1, %(entries)s) AS k
            WHERE m.email LIKE %(domain)s
        ) AS awards
        ORDER BY member_id, k
        """,
        {"actions": actions, "kinds": len(actions), "now": run.now, "entries": entries,
         "domain": f"%@{SCALE_EMAIL_DOMAIN}"},
    )  # fmt: skip
    written = run.cursor.rowcount
    run.cursor.execute(
        """
        INSERT INTO ledger_pointslot (member_id, entry_id, amount, remaining, expires_at, created_at)
        SELECT member_id, id, amount, amount,
               CASE WHEN %(months)s > 0 THEN created_at + make_interval(days => round(%(months)s * 365.25 / 12)::int)
               END,
               created_at
        FROM ledger_ledgerentry WHERE reference LIKE 'scale:%%'
        """,
        {"months": months},
    )
    run.cursor.execute(
        """
        INSERT INTO ledger_account (member_id, balance, updated_at)
        SELECT member_id, SUM(amount), %s FROM ledger_ledgerentry WHERE reference LIKE 'scale:%%' GROUP BY member_id
        """,
        [run.now],
    )
    run.summary.append(f"{written:,} ledger entries with their lots")


PARTS = [ScalePart(name="ledger", order=20, build=_build, add_arguments=_arguments)]
