"""What events hold about a member: their tickets, their places in waiting lists, their ratings.

Tickets and waiting-list entries are seats and points (a paid ticket's spend
and refund are ledger entries that name it): HISTORY, kept exact on erasure
with the member pseudonymised, so that seats, counts and ranks never move.
They also name the staff member who cancelled a ticket, marked its attendance
or offered a seat by hand.

A rating is kept too (the activity's average and count must not move), but its
comment is the member's own words: erasure blanks it (`personal_data_erase`)
and keeps the stars. The staff member who hid a rating is named by moderation's
journal (`moderation.ModerationAction`); the rating's own pointer to them comes
from `club.moderation.Moderated` (`SET_NULL`), so it is declared with the
comment's part, not with the rows erasure keeps (those protect every member
they name). A message staff sent to a session's members is kept, naming its
author.
"""

from club.core.personal_data import Kind, PersonalData

PROVIDERS = [
    PersonalData(
        "events.Booking",
        Kind.HISTORY,
        ("member", "cancelled_by", "attended_by"),
        export_fields=(
            "session__activity__title",
            "session__starts_at",
            "seats",
            "points",
            "code",
            "status",
            "created_at",
            "cancelled_at",
            "attended_at",
        ),
    ),  # fmt: skip
    PersonalData(
        "events.WaitingEntry",
        Kind.HISTORY,
        ("member", "offered_by"),
        export_fields=(
            "session__activity__title",
            "session__starts_at",
            "seats",
            "rank",
            "status",
            "created_at",
            "offered_at",
            "offer_expires_at",
            "ended_at",
        ),
    ),  # fmt: skip
    PersonalData(
        "events.Rating",
        Kind.HISTORY,
        ("member",),
        export_fields=("activity__title", "session__starts_at", "stars", "comment", "created_at", "hidden_at"),
    ),
    # The comment's part of a rating: blanked on erasure (the row stays, see above); exported with the rating.
    PersonalData("events.Rating", Kind.PERSONAL, ("member", "hidden_by")),
    PersonalData("events.SessionMessage", Kind.HISTORY, ("author",), export_fields=("sent_at", "title", "recipients")),
]


def personal_data_erase(*, member) -> dict[str, int]:
    """Erase what events hold of the member's own words: their ratings' comments (the rows and stars stay).

    Returns the rows changed per model. Tickets and waiting-list entries are
    kept as they are (HISTORY); the member row itself is pseudonymised by the
    privacy layer.
    """
    from museums.events.models import Rating

    blanked = Rating.objects.filter(member=member).exclude(comment="").update(comment="")
    return {"events.Rating": blanked}
