"""The one write path of a response: `submission_create`.

It checks the survey is open and meant for the member, checks every answer
against the survey's cached rules (`surveys.answers`, no query), then writes:
- for a named survey, in one transaction: the participation (the database's
  unique constraint makes a second response, even a concurrent one, fail
  whole), the draft deleted, the points through the ledger with the
  participation as reference, then the submission, its answers and the
  results' counters (`surveys.tallies`);
- for an anonymous survey, in the caller's transaction (the API's idempotency
  wrapper included): the participation, the draft deleted, the points, and the
  answers *sealed* in a pending row; a periodic job writes them as a
  submission later, among at least four others, in random order, all with one
  day (`surveys.anonymity`, which
  explains why: transaction ids and disk order would join two transactions
  written one after the other). Nothing is lost if the process dies: the
  sealed answers committed with the participation.

Every response is a hot write (each member answers once, many at a time), so it
costs a constant handful of round trips whatever the number of questions:
- the participation is `INSERT … ON CONFLICT DO NOTHING RETURNING id`: when
  nothing comes back the member already answered, and nothing else is written;
  on PostgreSQL the draft is deleted in the same statement;
- no savepoint: the block joins the caller's transaction with
  `atomic(savepoint=False)`. A refusal found before anything is written leaves
  that transaction usable; an error after (the points' lock timed out, the
  survey changed) rolls back the caller's whole transaction, which is what the
  outermost boundary (a page, the API's idempotency wrapper) does anyway;
- the submission, its answers (one `INSERT` of arrays on PostgreSQL, random
  ids made by the server), the counters, and the check of the foreign keys
  that PostgreSQL would otherwise defer to the commit, go in one round trip
  (one statement each on SQLite). The counters come last, so their rows stay
  locked only until the commit.

The answers are checked against rules that may be up to a minute old in
another process (`surveys.answers.survey_rules`): a choice, row or question
deleted meanwhile makes the database refuse the answer (the answers' trigger
or a foreign key), and the member is asked to reload (`SurveyChanged`, 409)
instead of an error at the commit.
"""

import uuid
from datetime import date, datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from club.members.models import Member
from rewards.ledger.models import LedgerEntry
from rewards.ledger.services import points_award
from surveys import models
from surveys.anonymity import anonymous_response_pend
from surveys.answers import (
    AnswerRow,
    AnswersInvalid,
    Structure,
    answer_rows,
    draft_answers_clean,
    rules_of,
    structures_changed,
    survey_rules,
)
from surveys.errors import AlreadyAnswered, SurveyChanged, SurveyClosed, SurveyNotForYou, SurveyNotYetOpen
from surveys.models import Draft, Participation, Survey
from surveys.selectors import survey_action
from surveys.tallies import tally_statements

_ANSWERS_PER_STATEMENT = 1000  # 9 parameters each: far below every database's limit
# Fixed table and column names. PostgreSQL: one column array per field and the submission once,
# whatever the number of answers, the random ids made by the server; SQLite: rows of values.
_ANSWERS_UNNEST = (
    "INSERT INTO surveys_answer (id, submission_id, question_id, choice_id, row_id, rank, number, date, text) "
    "SELECT gen_random_uuid(), %s, * FROM unnest("
    "%s::integer[], %s::integer[], %s::integer[], %s::smallint[], %s::integer[], %s::date[], %s::text[])"
)
_ANSWERS_VALUES = (
    "INSERT INTO surveys_answer (id, submission_id, question_id, choice_id, row_id, rank, number, date, text) "
    "VALUES {values}"
)
# PostgreSQL: the draft goes with the participation, in one statement.
_PARTICIPATION_INSERT = (
    "INSERT INTO surveys_participation (member_id, survey_id, answered_on) VALUES (%s, %s, %s) "
    "ON CONFLICT DO NOTHING RETURNING id"
)
_PARTICIPATION_AND_DRAFT = (
    "WITH participation AS ("
    "INSERT INTO surveys_participation (member_id, survey_id, answered_on) VALUES (%s, %s, %s) "
    "ON CONFLICT DO NOTHING RETURNING id), "
    "draft AS (DELETE FROM surveys_draft WHERE member_id = %s AND survey_id = %s "
    "AND EXISTS (SELECT 1 FROM participation)) "
    "SELECT id FROM participation"
)
_DRAFT_DELETE = "DELETE FROM surveys_draft WHERE member_id = %s AND survey_id = %s"
_SUBMISSION_INSERT = (
    "INSERT INTO surveys_submission (id, survey_id, member_id, submitted_on, favourite_museum_id, language) "
    "VALUES (%s, %s, %s, %s, %s, %s)"
)
# PostgreSQL's deferred foreign keys checked now (then deferred again): a vanished question fails here,
# not at the commit. (SQLite cannot make them immediate; there the answers' trigger sees it.)
_CONSTRAINTS_CHECK: tuple[str, list] = ("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED", [])
# A foreign key, or the answers' trigger (an answer belongs to its submission's survey, its choice and
# row to its question: a check violation), refusing an answer checked against rules since changed.
_ANSWER_NO_LONGER_FITS = frozenset({"23503", "23514"})


def survey_check_open_to(*, survey: Survey, member: Member, now: datetime) -> None:
    if now < survey.opens_at:
        raise SurveyNotYetOpen()
    if now >= survey.closes_at:
        raise SurveyClosed()
    if survey.audience == Survey.Audience.MUSEUM_FANS and not (
        member.favourite_museum_id and survey.audience_museums.filter(pk=member.favourite_museum_id).exists()
    ):
        raise SurveyNotForYou()


def _participation_insert(cursor, *, member: Member, survey: Survey, today: date) -> int | None:
    """The participation's id, the member's draft deleted; None (and nothing written) when they already answered."""
    day = connection.ops.adapt_datefield_value(today)
    if connection.vendor == "postgresql":
        cursor.execute(_PARTICIPATION_AND_DRAFT, [member.pk, survey.pk, day, member.pk, survey.pk])
        row = cursor.fetchone()
        return row[0] if row else None
    cursor.execute(_PARTICIPATION_INSERT, [member.pk, survey.pk, day])
    row = cursor.fetchone()
    if row is None:
        return None
    cursor.execute(_DRAFT_DELETE, [member.pk, survey.pk])
    return row[0]


def _answer_statements(submission_id, rows: list[AnswerRow]) -> list[tuple[str, list]]:
    """The answers' INSERT, each answer with a random id: one statement of arrays on PostgreSQL."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        columns = list(zip(*[(row.question_id, row.choice_id, row.row_id, row.rank, row.number, row.date, row.text)
                             for row in rows], strict=True))  # fmt: skip
        return [(_ANSWERS_UNNEST, [submission_id, *(list(column) for column in columns)])]
    adapt_date = connection.ops.adapt_datefield_value
    statements = []
    for start in range(0, len(rows), _ANSWERS_PER_STATEMENT):
        chunk = rows[start : start + _ANSWERS_PER_STATEMENT]
        params: list = []
        for row in chunk:
            params += [
                uuid.uuid4().hex, submission_id, row.question_id, row.choice_id, row.row_id, row.rank, row.number,
                adapt_date(row.date) if row.date else None, row.text,
            ]  # fmt: skip
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        statements.append((_ANSWERS_VALUES.format(values=values), params))
    return statements


def _survey_changed() -> SurveyChanged:
    structures_changed()  # the rules this response was checked against are stale: read them again
    return SurveyChanged()


def _answers_write(cursor, *, survey: Survey, member: Member, rows: list[AnswerRow], today: date) -> None:
    """The submission, its answers and the counters: one round trip on PostgreSQL.

    An answer that no longer fits the survey (its choice, row or question
    deleted since the rules were read) is refused by the database — the
    answers' trigger (migration 0006) or a foreign key, checked here rather
    than at the commit — and becomes `SurveyChanged`.
    """
    submission_uuid = uuid.uuid4()
    submission_id = submission_uuid if connection.features.has_native_uuid_field else submission_uuid.hex
    museum_id, language = member.favourite_museum_id, member.preferred_language
    day = connection.ops.adapt_datefield_value(today)
    submission = (_SUBMISSION_INSERT, [submission_id, survey.pk, member.pk, day, museum_id, language])
    answers = _answer_statements(submission_id, rows)
    counters = tally_statements(survey_id=survey.pk, rows=rows, day=today, museum=museum_id or 0, language=language)
    if connection.vendor == "postgresql":
        statements = [submission, *answers, *counters, _CONSTRAINTS_CHECK]
        try:
            cursor.execute("; ".join(sql for sql, _params in statements), [p for _sql, ps in statements for p in ps])
        except IntegrityError as error:
            if getattr(error.__cause__, "pgcode", None) in _ANSWER_NO_LONGER_FITS:
                raise _survey_changed() from error
            raise
        return
    cursor.execute(*submission)
    try:
        for sql, params in answers:
            cursor.execute(sql, params)
    except IntegrityError as error:  # SQLite: the answers' trigger (its foreign keys wait for the commit)
        raise _survey_changed() from error
    for sql, params in counters:
        cursor.execute(sql, params)


def submission_create(
    *, member: Member, survey: Survey, answers, now: datetime | None = None, structure: Structure | None = None
) -> tuple[Participation, LedgerEntry | None]:
    """Store a response and pay its points once; raises a DomainError and writes nothing when refused.

    Returns the participation and the ledger entry (None when the day's cap is
    reached: `rewards.ledger.selectors.award_outcome` says so to the member).
    `structure` (from `structure_of(survey)`) may be passed by a caller that
    has read it already; otherwise the cached rules are used.
    """
    now = now or timezone.now()
    survey_check_open_to(survey=survey, member=member, now=now)
    rules = rules_of(structure) if structure is not None else survey_rules(survey)
    try:
        rows = answer_rows(rules, answers)
    except AnswersInvalid:
        if Participation.objects.filter(member=member, survey=survey).exists():
            raise AlreadyAnswered() from None  # the kinder thing to say, as before anything is checked
        raise
    today = timezone.localdate(now)
    entry = None
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        participation_id = _participation_insert(cursor, member=member, survey=survey, today=today)
        if participation_id is not None:
            # Built through `models`: the concurrency tests' controls put a stub in this module's `Participation`.
            participation = models.Participation(id=participation_id, member=member, survey=survey, answered_on=today)
            entry = points_award(
                member=member, action=survey_action(survey=survey), reference=participation.reference,
                amount=survey.points, subject=str(survey.title), now=now,
            )  # fmt: skip
            if survey.anonymous:
                anonymous_response_pend(survey=survey, rows=rows, day=today)
            else:
                _answers_write(cursor, survey=survey, member=member, rows=rows, today=today)
    if participation_id is None:
        raise AlreadyAnswered()
    return participation, entry


def _page_number(page) -> int:
    """A page number as a client sent it; anything that is not a whole number is the first page."""
    if isinstance(page, bool):
        return 1
    if isinstance(page, int):
        return page
    text = str(page).strip() if isinstance(page, str) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else 1


def draft_save(*, member: Member, survey: Survey, answers: dict, page: int = 1, now: datetime | None = None) -> Draft:
    """Keep a member's answers so far (server-side, to resume on any device); checked only for shape.

    Unknown questions and oversized bodies are refused like a submission's;
    whether each answer is right is checked when the response is submitted.
    The page is kept within the survey's pages.
    """
    now = now or timezone.now()
    survey_check_open_to(survey=survey, member=member, now=now)
    if Participation.objects.filter(member=member, survey=survey).exists():
        raise AlreadyAnswered()
    kept = draft_answers_clean(survey_rules(survey), answers)
    pages = max(1, survey.pages.count())
    page = min(max(1, _page_number(page)), pages)
    draft, _created = Draft.objects.update_or_create(
        member=member, survey=survey, defaults={"answers": kept, "page": page}
    )
    return draft


def draft_discard(*, member: Member, survey: Survey) -> None:
    Draft.objects.filter(member=member, survey=survey).delete()
