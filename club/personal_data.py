"""Rows of third-party apps that hold a member, declared by the composition layer."""

from club.core.personal_data import Kind, PersonalData

PROVIDERS = [
    # The admin's own journal of staff actions. Django deletes it with the account
    # (CASCADE, not ours to change); staff who moved points or sent messages stay anyway,
    # protected by those rows.
    PersonalData("admin.LogEntry", Kind.TECHNICAL, ("user",)),
]
