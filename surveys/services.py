"""The one write path of a response: `submission_create`.

It checks the survey is open and meant for the member, checks every answer
(`surveys.answers`, no query per question), then writes:
- for a named survey, in one transaction: the participation (the database's
  unique constraint makes a second response, even a concurrent one, fail
  whole), the submission and its answers (bulk inserts), the draft deleted, and
  the points through the ledger with the participation as reference;
- for an anonymous survey, in two transactions that share nothing, so that no
  system column (`xmin`), time stamp or id order joins them: first the
  participation, the draft deleted and the points (the member's side), then
  the submission without a member, with a random id and the day only, and its
  answers. If the process dies between the two, the member is paid and counted
  as having answered, and the response is lost: nothing is paid twice and
  nothing counted twice (the results count submissions, a second response is
  refused by the participation).
"""

from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from club.members.models import Member
from rewards.ledger.models import LedgerEntry, Reason
from rewards.ledger.services import points_award
from surveys.answers import answers_check, structure_of
from surveys.errors import AlreadyAnswered, SurveyClosed, SurveyNotForYou, SurveyNotYetOpen
from surveys.models import Answer, Draft, Participation, Submission, Survey


def survey_check_open_to(*, survey: Survey, member: Member, now: datetime) -> None:
    if now < survey.opens_at:
        raise SurveyNotYetOpen()
    if now >= survey.closes_at:
        raise SurveyClosed()
    if survey.audience == Survey.Audience.MUSEUM_FANS and not (
        member.favourite_museum_id and survey.audience_museums.filter(pk=member.favourite_museum_id).exists()
    ):
        raise SurveyNotForYou()


def _action(survey: Survey) -> str:
    return Reason.POLL_ANSWERED if survey.kind == Survey.Kind.POLL else Reason.SURVEY_ANSWERED


def _member_side(*, member: Member, survey: Survey, today, now) -> tuple[Participation, LedgerEntry | None]:
    try:
        with transaction.atomic():
            participation = Participation.objects.create(member=member, survey=survey, answered_on=today)
    except IntegrityError:
        raise AlreadyAnswered() from None
    Draft.objects.filter(member=member, survey=survey).delete()
    entry = points_award(
        member=member, action=_action(survey), reference=participation.reference, amount=survey.points,
        subject=str(survey.title), now=now,
    )  # fmt: skip
    return participation, entry


def _answers_side(*, survey: Survey, member: Member | None, rows: list[Answer], today) -> Submission:
    submission = Submission.objects.create(survey=survey, member=member, submitted_on=today)
    for row in rows:
        row.submission = submission
    Answer.objects.bulk_create(rows)
    return submission


def submission_create(
    *, member: Member, survey: Survey, answers, now: datetime | None = None
) -> tuple[Participation, LedgerEntry | None]:
    """Store a response and pay its points once; raises a DomainError and writes nothing when refused.

    Returns the participation and the ledger entry (None when the day's cap is
    reached: `rewards.ledger.selectors.award_outcome` says so to the member).
    """
    now = now or timezone.now()
    survey_check_open_to(survey=survey, member=member, now=now)
    if Participation.objects.filter(member=member, survey=survey).exists():
        raise AlreadyAnswered()
    rows = answers_check(structure_of(survey), answers)
    today = timezone.localdate(now)
    if not survey.anonymous:
        with transaction.atomic():
            participation, entry = _member_side(member=member, survey=survey, today=today, now=now)
            _answers_side(survey=survey, member=member, rows=rows, today=today)
        return participation, entry
    if connection.in_atomic_block:
        # Inside a caller's transaction both sides would share it, and its xmin would join them.
        raise RuntimeError("an anonymous response is written outside any transaction")
    with transaction.atomic():
        participation, entry = _member_side(member=member, survey=survey, today=today, now=now)
    with transaction.atomic():
        _answers_side(survey=survey, member=None, rows=rows, today=today)
    return participation, entry
