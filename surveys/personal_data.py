"""What surveys hold about a member: that they answered (HISTORY), their named answers and drafts.

An anonymous survey's answers name nobody: they are not the member's data to
export (nothing in them says whose they are).
"""

from club.core.personal_data import Kind, PersonalData

PROVIDERS = [
    PersonalData("surveys.Participation", Kind.HISTORY, export_fields=("survey__title", "answered_on")),
    PersonalData("surveys.Submission", Kind.PERSONAL, export_fields=("survey__title", "submitted_on")),
    PersonalData("surveys.Draft", Kind.PERSONAL, export_fields=("survey__title", "updated_at")),
    # A spreadsheet of responses a staff member asked for: the file is the survey's, the request theirs.
    PersonalData("surveys.Export", Kind.TECHNICAL, ("requested_by",)),
]
