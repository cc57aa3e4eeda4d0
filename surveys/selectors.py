"""What surveys show: who a survey is for, the surveys open to a member, their points, names for the ledger.

Selectors are read-only and keyword-only; pages, API, admin, results and
notifications use the same ones, so each rule is computed in one place.
"""

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from club.members.models import Member
from rewards.ledger.models import Reason
from rewards.ledger.selectors import earning_rule_points
from surveys.models import Draft, Participation, Survey


def participation_names(pks: list[str]) -> dict[str, str]:
    """Reference resolver: `surveys.participation:<pk>` → the survey's title in the reader's language."""
    ids = [int(pk) for pk in pks if pk.isdigit()]
    rows = Participation.objects.filter(pk__in=ids).select_related("survey")
    return {str(participation.pk): str(participation.survey.title) for participation in rows}


def survey_action(*, survey: Survey) -> str:
    """The earning action a response pays under."""
    return Reason.POLL_ANSWERED if survey.kind == Survey.Kind.POLL else Reason.SURVEY_ANSWERED


def survey_points(*, survey: Survey) -> int:
    """The points a response pays: the survey's own, or its earning rule's (no query once the rule is cached)."""
    if survey.points is not None:
        return survey.points
    return earning_rule_points(action=survey_action(survey=survey))


def survey_audience(*, survey: Survey) -> QuerySet[Member]:
    """The active members a survey is meant for (all, or the fans of its museums)."""
    members = Member.objects.filter(is_active=True)
    if survey.audience == Survey.Audience.MUSEUM_FANS:
        members = members.filter(favourite_museum__in=survey.audience_museums.all())
    return members


def surveys_meant_for(surveys: QuerySet[Survey], member: Member) -> QuerySet[Survey]:
    """Only the surveys whose audience includes the member (in SQL, no query per survey).

    A member without a favourite museum is no museum's fan: the surveys for
    all members only (filtering on a null museum would match the fans' surveys
    that name no museum).
    """
    for_all = surveys.filter(audience=Survey.Audience.ALL)
    if member.favourite_museum_id is None:
        return for_all
    return for_all | surveys.filter(audience=Survey.Audience.MUSEUM_FANS, audience_museums=member.favourite_museum_id)


def surveys_open_for(*, member: Member, kind: str | None = None, now: datetime | None = None) -> list[Survey]:
    """The surveys (or polls) open now for this member, soonest closing first, in one query.

    Each carries `answered` (the member has responded) and `has_draft`.
    """
    now = now or timezone.now()
    surveys = Survey.objects.filter(opens_at__lte=now, closes_at__gt=now)
    if kind:
        surveys = surveys.filter(kind=kind)
    annotated = (
        surveys_meant_for(surveys, member)
        .distinct()
        .annotate(
            answered=Exists(Participation.objects.filter(survey=OuterRef("pk"), member=member)),
            has_draft=Exists(Draft.objects.filter(survey=OuterRef("pk"), member=member)),
        )
        .select_related("museum")
    )
    return list(annotated.order_by("closes_at", "pk"))
