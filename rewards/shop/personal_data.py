"""What the shop holds about a member: their vouchers (money rows, HISTORY)."""

from club.core.personal_data import Kind, PersonalData

PROVIDERS = [
    PersonalData(
        "shop.Redemption",
        Kind.HISTORY,
        ("member", "collected_by", "cancelled_by"),
        export_fields=("created_at", "gift__name", "code", "status", "points", "expires_at", "collected_at"),
    ),
]
