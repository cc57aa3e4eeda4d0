"""What surveys tell members through the notification service: a new survey or poll, and its last day.

Each survey or poll makes two announcements, each once whatever reruns happen
(`notification_broadcast` with a key the database keeps unique, so the job
`surveys.announce_due` may run again, or twice at once, and sends nothing
twice):
- the **opening** (`surveys.survey:<pk>:opening`), once the survey is open — a
  scheduled opening is announced by the first run after its time (every five
  minutes) — and only while it has not closed; to the members of its audience
  who accept survey invitations;
- the **reminder** (`surveys.survey:<pk>:reminder`), in its last 24 hours, to
  those of them who have not answered yet; only when the opening went out at
  least 24 hours earlier. So a short survey (open for less than a day and a
  half, say) or one whose opening was announced late gets the opening alone,
  never two messages within a few hours.

The audiences are registered with the notifications (`surveys.invited` and
`surveys.not_answered`, parameters `{"survey": pk}`): every chunk of the
fan-out rebuilds them from the survey's id, so a member who answers between
the reminder's start and their chunk gets none. The inbox row needs the
survey-invitation consent too (the issue: "members who accept survey
invitations"); the email also needs the member's preference for the kind.
Texts are written in every language of the club, with the survey's title in
each (falling back to French), the closing date and time as the survey's pages
write them ("jusqu'au 21 novembre à 18 h"), and the points.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from club.members.models import Member
from club.notifications.audiences import audience_register
from club.notifications.models import Announcement, NotificationKind
from club.notifications.selectors import announcement_keys_taken
from club.notifications.services import notification_broadcast
from surveys.models import Participation, Survey
from surveys.selectors import survey_audience, survey_points
from surveys.templatetags.survey_dates import until

AUDIENCE_INVITED = "surveys.invited"
AUDIENCE_NOT_ANSWERED = "surveys.not_answered"
OPENING = "opening"
REMINDER = "reminder"
# The reminder goes in the last REMINDER_WINDOW, and never sooner than REMINDER_GAP after the opening.
REMINDER_WINDOW = timedelta(hours=24)
REMINDER_GAP = timedelta(hours=24)


def _survey_id(params: dict) -> int:
    return int(params.get("survey") or 0)


def invited_members(params: dict) -> QuerySet[Member]:
    """A survey's audience who accept survey invitations (none when the survey is gone).

    Only members whose address is verified: the others cannot open the survey
    yet, and an invitation is not sent to an address nobody has confirmed.
    """
    survey = Survey.objects.filter(pk=_survey_id(params)).first()
    if survey is None:
        return Member.objects.none()
    return survey_audience(survey=survey).filter(consent_surveys=True, email_verified_at__isnull=False)


def not_answered_members(params: dict) -> QuerySet[Member]:
    """The invited members with no participation in the survey yet."""
    answered = Participation.objects.filter(survey_id=_survey_id(params), member=OuterRef("pk"))
    return invited_members(params).exclude(Exists(answered))


def survey_audiences_register() -> None:
    """Called once from the app's `ready()`."""
    audience_register(
        AUDIENCE_INVITED,
        invited_members,
        kind=NotificationKind.SURVEYS,
        label=_("les membres invités à une enquête ou un sondage"),
    )
    audience_register(
        AUDIENCE_NOT_ANSWERED,
        not_answered_members,
        kind=NotificationKind.SURVEYS,
        label=_("les membres invités qui n'ont pas encore répondu"),
    )


def announcement_key(*, survey: Survey, moment: str) -> str:
    return f"surveys.survey:{survey.pk}:{moment}"


def _title(survey: Survey, moment: str, params: dict) -> str:
    if moment == REMINDER:
        return gettext("Dernier jour pour répondre : %(title)s") % params
    if survey.kind == Survey.Kind.POLL:
        return gettext("Nouveau sondage : %(title)s") % params
    return gettext("Nouvelle enquête : %(title)s") % params


def _body(survey: Survey, moment: str, params: dict) -> str:
    points = params["points"]
    if moment == REMINDER:
        text = (
            ngettext(
                "Vous n'avez pas encore répondu : c'est possible %(until)s, et cela rapporte %(points)s point.",
                "Vous n'avez pas encore répondu : c'est possible %(until)s, et cela rapporte %(points)s points.",
                points,
            )
            if points
            else gettext("Vous n'avez pas encore répondu : c'est possible %(until)s.")
        ) % params
    else:
        text = (
            ngettext(
                "Répondez %(until)s et gagnez %(points)s point.",
                "Répondez %(until)s et gagnez %(points)s points.",
                points,
            )
            if points
            else gettext("Répondez %(until)s.")
        ) % params
    if survey.anonymous:
        anonymous = gettext("Vos réponses resteront anonymes.")
        text = f"{text} {anonymous}"
    return text


def announcement_texts(*, survey: Survey, moment: str) -> tuple[dict[str, str], dict[str, str]]:
    """The title and body in each language of the club: ({"fr": …, "en": …}, {"fr": …, "en": …})."""
    points = survey_points(survey=survey)
    titles, bodies = {}, {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            params = {"title": str(survey.title), "points": points, "until": until(survey.closes_at)}
            titles[code] = _title(survey, moment, params)[: Announcement._meta.get_field("title").max_length]
            bodies[code] = _body(survey, moment, params)
    return titles, bodies


def survey_announce(*, survey: Survey, moment: str, now: datetime | None = None) -> Announcement | None:
    """Announce a survey's opening or reminder; None when it was announced already (by any run)."""
    titles, bodies = announcement_texts(survey=survey, moment=moment)
    return notification_broadcast(
        title=titles,
        body=bodies,
        url=reverse("surveys:detail", kwargs={"slug": survey.slug}),
        audience=AUDIENCE_INVITED if moment == OPENING else AUDIENCE_NOT_ANSWERED,
        audience_params={"survey": survey.pk},
        key=announcement_key(survey=survey, moment=moment),
        now=now,
    )


def _reminder_due(survey: Survey, opened_at: datetime, now: datetime) -> bool:
    return now >= survey.closes_at - REMINDER_WINDOW and opened_at <= now - REMINDER_GAP


def surveys_announce_due(*, now: datetime | None = None) -> int:
    """The periodic job: announce the openings and reminders that are due; how many started.

    Two queries whatever the number of surveys, then one short transaction per
    announcement (a failure leaves the others sent; the next run retries it).
    """
    now = now or timezone.now()
    open_surveys = list(Survey.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("opens_at", "pk"))
    taken = announcement_keys_taken(
        keys=[announcement_key(survey=s, moment=m) for s in open_surveys for m in (OPENING, REMINDER)]
    )
    started = 0
    for survey in open_surveys:
        opened_at = taken.get(announcement_key(survey=survey, moment=OPENING))
        if opened_at is None:
            moment = OPENING
        elif _reminder_due(survey, opened_at, now) and announcement_key(survey=survey, moment=REMINDER) not in taken:
            moment = REMINDER
        else:
            continue
        with transaction.atomic():
            started += survey_announce(survey=survey, moment=moment, now=now) is not None
    return started
