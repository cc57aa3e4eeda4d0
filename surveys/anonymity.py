"""Anonymous responses: sealed with the participation, written later among others.

The threat: a club administrator with the admin, every export, the API and a
full database dump (system columns included) must not tell which member gave
which answers. Writing the answers in a transaction of their own right after
the member's is not enough on PostgreSQL: transaction ids are sequential, so
on a quiet database the submission's `xmin` comes right after the
participation's, and rows inserted one after the other follow each other on
disk. So:

1. In the member's transaction (`submission_create`): the participation, the
   points, the draft deleted, and a `PendingResponse` holding the answers
   *sealed* (Fernet, from `cryptography`, with a key derived from
   `SECRET_KEY`): a crash can lose nothing, and what the dump shows of it is
   ciphertext.
2. Later, by a periodic job (not the request's own commit: a batch written
   right after one member's transaction would point at that member): once at
   least `2 × ANONYMITY_BATCH` responses of a survey are pending, a random
   `n − ANONYMITY_BATCH` of them are unsealed and written as submissions, in
   random order, in one transaction that deletes them from the pending table;
   when the survey has closed, whatever is left is written. Every batch
   therefore holds at least `ANONYMITY_BATCH` responses (unless the whole
   survey had fewer), which share one `xmin`, random ids, no order, and one
   day — the latest answer day of the batch, so that a day on which a single
   member answered does not point at their response.

If the process dies after (1), the response is pending and the next flush
writes it; if it dies during (2), that transaction rolls back and the
responses stay pending: nothing is lost, paid twice or counted twice.
"""

import base64
import hashlib
import json
import logging
import random
from collections.abc import Sequence
from datetime import date, datetime

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from surveys.answers import AnswerRow
from surveys.models import Answer, PendingResponse, Question, Submission, Survey
from surveys.tallies import tallies_add

logger = logging.getLogger(__name__)

ANONYMITY_BATCH = 5
_FIELDS = ("question_id", "choice_id", "row_id", "rank", "number", "text")
_random = random.SystemRandom()


def _fernet() -> MultiFernet:
    """The current secret first, then the fallbacks (a key rotation leaves pending responses readable)."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    keys = [
        Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"surveys.pending:{secret}".encode()).digest()))
        for secret in secrets
    ]
    return MultiFernet(keys)


def response_seal(*, rows: Sequence[AnswerRow | Answer], day: date) -> bytes:
    answers = [[getattr(row, name) for name in _FIELDS] + [row.date.isoformat() if row.date else None] for row in rows]
    return _fernet().encrypt(json.dumps({"day": day.isoformat(), "answers": answers}).encode())


def _unseal(sealed: bytes | memoryview, questions: dict[int, Question]) -> tuple[date, list[Answer]]:
    data = json.loads(_fernet().decrypt(bytes(sealed)))
    rows = []
    for *values, when in data["answers"]:
        fields = dict(zip(_FIELDS, values, strict=True))
        row = Answer(**fields, date=date.fromisoformat(when) if when else None)
        row.question = questions[fields["question_id"]]
        rows.append(row)
    return date.fromisoformat(data["day"]), rows


def anonymous_response_pend(*, survey: Survey, rows: Sequence[AnswerRow | Answer], day: date) -> None:
    """Keep one anonymous response sealed, in the caller's (the member's) transaction."""
    PendingResponse.objects.create(survey=survey, sealed=response_seal(rows=rows, day=day))


def _write(survey: Survey, chosen: list[PendingResponse]) -> int:
    """Unseal and write the chosen responses in random order; those that cannot be read stay pending."""
    questions = {question.pk: question for question in Question.objects.filter(page__survey=survey)}
    _random.shuffle(chosen)
    unsealed: list[tuple[date, list[Answer]]] = []
    written = []
    for pending in chosen:
        try:
            day, rows = _unseal(pending.sealed, questions)
        except (InvalidToken, KeyError, ValueError):
            # Sealed under a secret no longer known, or for a question since deleted: kept, and said.
            logger.warning("pending anonymous response %s of survey %s cannot be read", pending.pk, survey.pk)
            continue
        written.append(pending.pk)
        unsealed.append((day, rows))
    if not unsealed:
        return 0
    batch_day = max(day for day, _rows in unsealed)
    submissions, answers = [], []
    for _day, rows in unsealed:
        submission = Submission(survey=survey, member=None, submitted_on=batch_day)
        for row in rows:
            row.submission = submission
        submissions.append(submission)
        answers.extend(rows)
    Submission.objects.bulk_create(submissions)
    _random.shuffle(answers)
    Answer.objects.bulk_create(answers, batch_size=1000)
    tallies_add(survey=survey, rows=answers, day=batch_day, museum=0, language="", responses=len(submissions))
    PendingResponse.objects.filter(pk__in=written).delete()
    return len(written)


def anonymous_responses_flush(*, survey_id: int, now: datetime | None = None) -> int:
    """Write what may be written of a survey's pending responses; the number written.

    Rows another flush holds are skipped (`SKIP LOCKED`), so concurrent flushes
    never write a response twice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        survey = Survey.objects.get(pk=survey_id)
        pending = list(PendingResponse.objects.select_for_update(skip_locked=True).filter(survey_id=survey_id))
        if survey.closes_at <= now:
            chosen = pending
        elif len(pending) >= 2 * ANONYMITY_BATCH:
            chosen = _random.sample(pending, len(pending) - ANONYMITY_BATCH)
        else:
            return 0
        return _write(survey, chosen)


def anonymous_responses_flush_due(*, now: datetime | None = None) -> int:
    """The periodic job: write what may be written of every survey with pending responses."""
    now = now or timezone.now()
    survey_ids = set(PendingResponse.objects.values_list("survey_id", flat=True))
    return sum(anonymous_responses_flush(survey_id=survey_id, now=now) for survey_id in sorted(survey_ids))


def pending_count(*, survey: Survey) -> int:
    return PendingResponse.objects.filter(survey=survey).count()
