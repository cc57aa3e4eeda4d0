"""The counters kept with each submission (`Tally`, `ResponseCount`): one upsert each.

`tally_keys(rows)` turns a response's answer rows into counter keys (see
`surveys.models.Tally`); `tally_statements(...)` writes the two upserts that
add them, each one `INSERT … ON CONFLICT DO UPDATE` statement (PostgreSQL and
SQLite both speak it), for `submission_create` to send with its other writes;
`tallies_add(...)` runs them. Keys are sorted, so two concurrent submissions
lock the counter rows in the same order and never deadlock.
"""

from collections import Counter
from datetime import date

from django.db import connection

from surveys.models import Answer, Question, Survey

# Fixed table and column names ("key" and "count" quoted: both are SQL words). The cells' survey,
# day, museum and language are the same for all: sent once, the VALUES rows hold the rest.
# (`WHERE true` lets SQLite tell the upsert's ON from a join's.)
_TALLY_UPSERT = (
    'INSERT INTO surveys_tally (survey_id, question_id, "key", day, museum, language, "count", total) '
    "SELECT %s, cells.column1, cells.column2, %s, %s, %s, cells.column3, cells.column4 "
    "FROM (VALUES {values}) AS cells WHERE true "
    'ON CONFLICT (question_id, "key", day, museum, language) DO UPDATE SET '
    '"count" = surveys_tally."count" + excluded."count", total = surveys_tally.total + excluded.total'
)
_COUNT_UPSERT = (
    'INSERT INTO surveys_responsecount (survey_id, day, museum, language, "count") VALUES (%s, %s, %s, %s, %s) '
    "ON CONFLICT (survey_id, day, museum, language) DO UPDATE SET "
    '"count" = surveys_responsecount."count" + excluded."count"'
)


def _key(answer, kind: str) -> str:
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


def tally_keys(rows) -> dict[tuple[int, str], tuple[int, int]]:
    """(question id, key) → (count, total) for one response's answer rows.

    Rows are `surveys.answers.AnswerRow`s (which carry their question's kind)
    or `Answer`s with their question.
    """
    counts: Counter = Counter()
    totals: Counter = Counter()
    for answer in rows:
        kind = answer.kind if not isinstance(answer, Answer) else answer.question.kind
        key = (answer.question_id, _key(answer, kind))
        counts[key] += 1
        if kind == Question.Kind.NUMBER and answer.number is not None:
            totals[key] += answer.number
    return {key: (counts[key], totals[key]) for key in counts}


def tally_statements(
    *, survey_id: int, rows, day: date, museum: int, language: str, responses: int = 1
) -> list[tuple[str, list]]:
    """The two statements that count responses of one day and group: their answers' counters, the response counter."""
    cells = sorted(tally_keys(rows).items())
    day_value = connection.ops.adapt_datefield_value(day)
    statements: list[tuple[str, list]] = []
    if cells:
        params: list = [survey_id, day_value, museum, language]
        for (question_id, key), (count, total) in cells:
            params += [question_id, key, count, total]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(cells))
        statements.append((_TALLY_UPSERT.format(values=values), params))
    statements.append((_COUNT_UPSERT, [survey_id, day_value, museum, language, responses]))
    return statements


def tallies_add(*, survey: Survey, rows, day: date, museum: int, language: str, responses: int = 1) -> None:
    """Count responses of one day and group (`tally_statements`), two statements."""
    statements = tally_statements(
        survey_id=survey.pk, rows=rows, day=day, museum=museum, language=language, responses=responses
    )
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
