"""What content holds about a member: what they wrote, liked and followed (theirs), what they viewed (history).

Views, video progress and first readings are the engagement figures' ground:
kept on erasure (HISTORY, with the member pseudonymised) so that no figure
moves. Comments, likes and follows are the member's own words and choices
(PERSONAL). A comment hidden by staff also names the staff member who hid it.
"""

from club.core.personal_data import Kind, PersonalData

PROVIDERS = [
    PersonalData("content.Comment", Kind.PERSONAL, ("member", "hidden_by"), ("content__title", "body", "created_at")),
    PersonalData("content.Reaction", Kind.PERSONAL, export_fields=("content__title", "created_at")),
    PersonalData("content.Follow", Kind.PERSONAL, export_fields=("series__title", "created_at")),
    PersonalData("content.View", Kind.HISTORY, export_fields=("content__title", "day")),
    PersonalData("content.Progress", Kind.HISTORY, export_fields=("content__title", "furthest", "day")),
    PersonalData("content.Reader", Kind.HISTORY, export_fields=("content__title",)),
    PersonalData("content.SeriesReader", Kind.HISTORY, export_fields=("series__title",)),
]
