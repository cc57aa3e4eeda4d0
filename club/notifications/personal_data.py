"""What the notifications app holds about a member."""

from club.core.personal_data import Kind, PersonalData

PROVIDERS = [
    PersonalData("notifications.NotificationPreference", Kind.PERSONAL, export_fields=("kind", "by_email")),
    PersonalData(
        "notifications.Notification",
        Kind.PERSONAL,
        export_fields=("created_at", "kind", "title", "body", "read_at", "email_status"),
    ),
    # Written by a staff member; kept, with its author pseudonymised if they leave.
    PersonalData("notifications.Announcement", Kind.HISTORY, ("created_by",), export_fields=("created_at", "title")),
]
