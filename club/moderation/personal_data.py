"""What moderation holds about a member: the reports they made, and (staff) the decisions they took.

A report is what the member chose to say about someone else's message
(PERSONAL: exported, deleted on erasure). A decision is the club's journal: it
is kept, and names the staff member who took it (HISTORY).
"""

from club.core.personal_data import Kind, PersonalData

PROVIDERS = [
    PersonalData("moderation.Report", Kind.PERSONAL, export_fields=("reason", "note", "created_at")),
    PersonalData("moderation.ModerationAction", Kind.HISTORY, ("by",), export_fields=("kind", "reason", "at")),
]
