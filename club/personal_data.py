"""Rows of third-party apps that hold a member, declared by the composition layer."""

from club.core.personal_data import Kind, PersonalData

PROVIDERS = [
    # The admin's journal of staff actions: who changed what, kept as the audit trail.
    PersonalData("admin.LogEntry", Kind.HISTORY, ("user",)),
]
