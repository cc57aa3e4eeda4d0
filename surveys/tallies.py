"""The counters kept with each submission (`Tally`, `ResponseCount`): one upsert each.

`tally_keys(rows)` turns a response's answer rows into counter keys (see
`surveys.models.Tally`); `tallies_add(...)` adds them with one
`INSERT … ON CONFLICT DO UPDATE` statement (PostgreSQL and SQLite both speak
it). Keys are sorted, so two concurrent submissions lock the counter rows in
the same order and never deadlock.
"""

from collections import Counter
from datetime import date

from django.db import connection

from surveys.models import Answer, Question, Survey

# Fixed table and column names ("key" and "count" quoted: both are SQL words).
_TALLY_UPSERT = (
    'INSERT INTO surveys_tally (survey_id, question_id, "key", day, museum, language, "count", total) '
    "VALUES {values} "
    'ON CONFLICT (question_id, "key", day, museum, language) DO UPDATE SET '
    '"count" = surveys_tally."count" + excluded."count", total = surveys_tally.total + excluded.total'
)
_COUNT_UPSERT = (
    'INSERT INTO surveys_responsecount (survey_id, day, museum, language, "count") VALUES (%s, %s, %s, %s, %s) '
    "ON CONFLICT (survey_id, day, museum, language) DO UPDATE SET "
    '"count" = surveys_responsecount."count" + excluded."count"'
)


def _key(answer: Answer, kind: str) -> str:
    if kind == Question.Kind.LIKERT:
        return f"c{answer.choice_id}:r{answer.row_id}"
    if kind == Question.Kind.RANKING:
        return f"c{answer.choice_id}:k{answer.rank}"
    if answer.choice_id is not None:
        return f"c{answer.choice_id}"
    if kind in (Question.Kind.RATING, Question.Kind.NPS):
        return f"v{answer.number}"
    if kind == Question.Kind.NUMBER:
        return "n"
    return "t"


def tally_keys(rows: list[Answer]) -> dict[tuple[int, str], tuple[int, int]]:
    """(question id, key) → (count, total) for one response's answer rows."""
    counts: Counter = Counter()
    totals: Counter = Counter()
    for answer in rows:
        key = (answer.question.pk, _key(answer, answer.question.kind))
        counts[key] += 1
        if answer.question.kind == Question.Kind.NUMBER and answer.number is not None:
            totals[key] += answer.number
    return {key: (counts[key], totals[key]) for key in counts}


def tallies_add(
    *, survey: Survey, rows: list[Answer], day: date, museum: int, language: str, responses: int = 1
) -> None:
    """Count responses of one day and group: their answers' counters and the response counter, two statements."""
    cells = sorted(tally_keys(rows).items())
    with connection.cursor() as cursor:
        if cells:
            params: list = []
            for (question_id, key), (count, total) in cells:
                params += [survey.pk, question_id, key, day, museum, language, count, total]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(cells))
            cursor.execute(_TALLY_UPSERT.format(values=values), params)
        cursor.execute(_COUNT_UPSERT, [survey.pk, day, museum, language, responses])
