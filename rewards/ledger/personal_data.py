"""What the ledger holds about a member: money rows, kept exact for ever (HISTORY)."""

from club.core.personal_data import Kind, PersonalData

PROVIDERS = [
    PersonalData("ledger.Account", Kind.HISTORY, export_fields=("balance", "updated_at")),
    PersonalData(
        "ledger.LedgerEntry",
        Kind.HISTORY,
        ("member", "created_by"),
        export_fields=("created_at", "amount", "reason", "subject", "balance_after"),
    ),
    PersonalData("ledger.PointsLot", Kind.HISTORY, export_fields=("created_at", "amount", "remaining", "expires_at")),
    PersonalData(
        "ledger.Adjustment",
        Kind.HISTORY,
        ("member", "requested_by", "decided_by"),
        export_fields=("requested_at", "amount", "reason", "status", "decided_at"),
    ),
]
