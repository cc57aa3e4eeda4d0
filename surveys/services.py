"""The one write path of a response: `submission_create`.

It checks the survey is open and meant for the member, checks every answer
(`surveys.answers`, no query per question), then writes:
- for a named survey, in one transaction: the participation (the database's
  unique constraint makes a second response, even a concurrent one, fail
  whole), the submission and its answers (bulk inserts), the draft deleted, and
  the points through the ledger with the participation as reference;
- for an anonymous survey, in the caller's transaction (the API's idempotency
  wrapper included): the participation, the draft deleted, the points, and the
  answers *sealed* in a pending row; a periodic job writes them as a
  submission later, among at least four others, in random order, all with one
  day (`surveys.anonymity`, which
  explains why: transaction ids and disk order would join two transactions
  written one after the other). Nothing is lost if the process dies: the
  sealed answers committed with the participation.

Each submission also adds itself to the results' counters (`surveys.tallies`)
in the transaction that writes its answers.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from club.members.models import Member
from rewards.ledger.models import LedgerEntry
from rewards.ledger.services import points_award
from surveys.anonymity import anonymous_response_pend
from surveys.answers import Structure, answers_check, draft_answers_clean, structure_of
from surveys.errors import AlreadyAnswered, SurveyClosed, SurveyNotForYou, SurveyNotYetOpen
from surveys.models import Answer, Draft, Participation, Submission, Survey
from surveys.selectors import survey_action
from surveys.tallies import tallies_add


def survey_check_open_to(*, survey: Survey, member: Member, now: datetime) -> None:
    if now < survey.opens_at:
        raise SurveyNotYetOpen()
    if now >= survey.closes_at:
        raise SurveyClosed()
    if survey.audience == Survey.Audience.MUSEUM_FANS and not (
        member.favourite_museum_id and survey.audience_museums.filter(pk=member.favourite_museum_id).exists()
    ):
        raise SurveyNotForYou()


def _member_side(*, member: Member, survey: Survey, today, now) -> tuple[Participation, LedgerEntry | None]:
    try:
        with transaction.atomic():
            participation = Participation.objects.create(member=member, survey=survey, answered_on=today)
    except IntegrityError:
        raise AlreadyAnswered() from None
    Draft.objects.filter(member=member, survey=survey).delete()
    entry = points_award(
        member=member, action=survey_action(survey=survey), reference=participation.reference, amount=survey.points,
        subject=str(survey.title), now=now,
    )  # fmt: skip
    return participation, entry


def _answers_side(*, survey: Survey, member: Member | None, rows: list[Answer], today) -> Submission:
    """The submission, its answers and the counters; `member` None for an anonymous survey."""
    museum_id = member.favourite_museum_id if member else None
    language = member.preferred_language if member else ""
    submission = Submission.objects.create(
        survey=survey, member=member, submitted_on=today, favourite_museum_id=museum_id, language=language
    )
    for row in rows:
        row.submission = submission
    Answer.objects.bulk_create(rows)
    tallies_add(survey=survey, rows=rows, day=today, museum=museum_id or 0, language=language)
    return submission


def submission_create(
    *, member: Member, survey: Survey, answers, now: datetime | None = None, structure: Structure | None = None
) -> tuple[Participation, LedgerEntry | None]:
    """Store a response and pay its points once; raises a DomainError and writes nothing when refused.

    Returns the participation and the ledger entry (None when the day's cap is
    reached: `rewards.ledger.selectors.award_outcome` says so to the member).
    `structure` (from `structure_of(survey)`) may be passed by a caller that
    stores many responses to one survey, to read it once.
    """
    now = now or timezone.now()
    survey_check_open_to(survey=survey, member=member, now=now)
    if Participation.objects.filter(member=member, survey=survey).exists():
        raise AlreadyAnswered()
    rows = answers_check(structure or structure_of(survey), answers)
    today = timezone.localdate(now)
    if not survey.anonymous:
        with transaction.atomic():
            participation, entry = _member_side(member=member, survey=survey, today=today, now=now)
            _answers_side(survey=survey, member=member, rows=rows, today=today)
        return participation, entry
    with transaction.atomic():
        participation, entry = _member_side(member=member, survey=survey, today=today, now=now)
        anonymous_response_pend(survey=survey, rows=rows, day=today)
    return participation, entry


def draft_save(*, member: Member, survey: Survey, answers: dict, page: int = 1, now: datetime | None = None) -> Draft:
    """Keep a member's answers so far (server-side, to resume on any device); checked only for shape.

    Unknown questions and oversized bodies are refused like a submission's;
    whether each answer is right is checked when the response is submitted.
    """
    now = now or timezone.now()
    survey_check_open_to(survey=survey, member=member, now=now)
    if Participation.objects.filter(member=member, survey=survey).exists():
        raise AlreadyAnswered()
    kept = draft_answers_clean(structure_of(survey), answers)
    pages = max(1, survey.pages.count())
    page = min(max(1, int(page)), pages)
    draft, _created = Draft.objects.update_or_create(
        member=member, survey=survey, defaults={"answers": kept, "page": page}
    )
    return draft


def draft_discard(*, member: Member, survey: Survey) -> None:
    Draft.objects.filter(member=member, survey=survey).delete()
