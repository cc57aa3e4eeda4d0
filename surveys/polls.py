"""Polls as members see them: the one "Mon club" shows, the quick-vote cards, their result bars.

A poll is a survey of one question. Its bars come from the counters kept with
each submission (`surveys.models.Tally`): one `SUM … GROUP BY key` for all the
polls of a page, never a read of the answers. They show once the member has
voted when the poll's results are live, and to everyone once it has closed.

An anonymous poll's votes are written in batches (`surveys.anonymity`), so its
bars lag by up to `2 × ANONYMITY_BATCH − 1` votes while it is open; the card
says so.

Once the bars show, a named poll marks the member's own pick ("votre choix"),
read from their submission. An anonymous poll never does: its answers are not
stored with the member, so nothing is looked up and nothing could be found.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from club.core.sql import prepared_fetchone
from club.members.models import Member
from museums.models import Museum
from surveys.anonymity import ANONYMITY_BATCH
from surveys.answers import NPS_RANGE, RATING_RANGE, Structure
from surveys.forms import QuestionField, question_field
from surveys.models import Answer, Choice, MatrixRow, Question, Survey, Tally
from surveys.selectors import survey_points

Kind = Question.Kind
ANONYMOUS_LAG = 2 * ANONYMITY_BATCH - 1  # the most votes an open anonymous poll's bars may lack


@dataclass(frozen=True)
class PollBar:
    label: str
    count: int
    percent: int
    element_id: str  # the bar's id on the page
    mine: bool = False  # the member's own pick (a named poll only)


@dataclass
class PollCard:
    """A poll ready to draw: the vote form, or the bars, or when the results come."""

    poll: Survey
    question: Question | None
    structure: Structure
    answered: bool
    is_open: bool
    points: int
    results_visible: bool
    bars: list[PollBar] = field(default_factory=list)
    votes: int = 0
    error: str = ""
    value: object = None

    @property
    def can_vote(self) -> bool:
        return self.is_open and not self.answered and self.question is not None

    @property
    def question_field(self) -> QuestionField | None:
        if self.question is None:
            return None
        drawn = question_field(self.question, structure=self.structure, value=self.value, error=self.error)
        drawn.text_hidden = self.repeats_title  # said once, by the card's title (still the group's name)
        return drawn

    @property
    def repeats_title(self) -> bool:
        """The question says what the poll's title says: drawn once, not twice."""
        if self.question is None:
            return False
        return " ".join(str(self.question.text).split()).casefold() == " ".join(str(self.poll.title).split()).casefold()

    @property
    def lags(self) -> bool:
        """An open anonymous poll: the last votes are counted later, a few at a time."""
        return self.poll.anonymous and self.is_open

    @property
    def anonymous_lag(self) -> int:
        return ANONYMOUS_LAG


def percent(count: int, total: int) -> int:
    """A share in whole percents, halves rounded up (1 of 8 is 13 %), 0 when nothing was counted."""
    return (200 * count + total) // (2 * total) if total else 0


def poll_results_visible(*, poll: Survey, answered: bool, now: datetime) -> bool:
    """Bars show after one's vote when results are live, and to everyone once the poll has closed."""
    if now >= poll.closes_at:
        return True
    return answered and poll.results == Survey.Results.LIVE


def _bars(question: Question, choices: dict[int, Choice]) -> list[tuple[str, str]]:
    """(label, counter key) of each bar: a value of a scale ("v4"), or a choice ("c12")."""
    if question.kind in (Kind.RATING, Kind.NPS):
        low, high = RATING_RANGE if question.kind == Kind.RATING else NPS_RANGE
        return [(str(value), f"v{value}") for value in range(low, high + 1)]
    if question.kind in Question.CHOICE_KINDS and question.kind not in (Kind.LIKERT, Kind.RANKING):
        return [(str(choice.label), f"c{choice.pk}") for choice in choices.values()]
    return []


def poll_cards(
    *, polls: list[Survey], answered: set[int], now: datetime | None = None, member: Member | None = None
) -> list[PollCard]:
    """The cards of these polls (`answered`: the ids the member voted in): three queries, whatever their number.

    The questions, their choices (and a matrix's rows, only when a poll has
    one), and the counters of the polls whose bars show; and one more, for the
    `member`'s own picks, only when a named poll they voted in shows its bars.
    Without `member`, a poll's `viewer` (set by `poll_for_dashboard`) is the member.
    """
    if not polls:
        return []
    now = now or timezone.now()
    first: dict[int, Question] = {}
    questions = Question.objects.filter(page__survey__in=polls).select_related("page")
    for asked in questions.order_by("page__survey_id", "page__position", "position"):
        first.setdefault(asked.page.survey_id, asked)
    ids = [asked.pk for asked in first.values()]
    choices: dict[int, dict[int, Choice]] = {}
    for choice in Choice.objects.filter(question_id__in=ids).order_by("question_id", "position"):
        choices.setdefault(choice.question_id, {})[choice.pk] = choice
    rows: dict[int, dict[int, MatrixRow]] = {}
    if any(asked.kind == Kind.LIKERT for asked in first.values()):
        for row in MatrixRow.objects.filter(question_id__in=ids).order_by("question_id", "position"):
            rows.setdefault(row.question_id, {})[row.pk] = row
    cards = []
    for poll in polls:
        question = first.get(poll.pk)
        structure = Structure(survey=poll, questions=[question] if question else [], choices=choices, rows=rows)
        cards.append(
            PollCard(
                poll=poll,
                question=question,
                structure=structure,
                answered=poll.pk in answered,
                is_open=poll.is_open(now),
                points=survey_points(survey=poll),
                results_visible=question is not None
                and poll_results_visible(poll=poll, answered=poll.pk in answered, now=now),
            )
        )
    _count(cards, _picks(cards, member))
    return cards


def _picks(cards: list[PollCard], member: Member | None) -> dict[int, set[str]]:
    """The counter keys of the member's own picks, by question: named polls they voted in, whose bars show."""
    viewers: set[int] = (
        {member.pk} if member is not None else {card.poll.viewer for card in cards if hasattr(card.poll, "viewer")}
    )
    named = [
        card.question.pk
        for card in cards
        if card.question is not None and card.answered and card.results_visible and not card.poll.anonymous
    ]
    if len(viewers) != 1 or not named:
        return {}
    # Only submissions that name the member: an anonymous one never does.
    rows = Answer.objects.filter(
        submission__member_id=viewers.pop(), submission__survey__anonymous=False, question_id__in=named
    ).values_list("question_id", "choice_id", "number")
    picks: dict[int, set[str]] = {}
    for question_id, choice_id, number in rows:
        key = f"c{choice_id}" if choice_id is not None else f"v{number}"
        picks.setdefault(question_id, set()).add(key)
    return picks


def _count(cards: list[PollCard], picks: dict[int, set[str]]) -> None:
    """The bars of the cards whose results show, from one aggregate over their counters."""
    shown = [card for card in cards if card.results_visible and card.question is not None]
    if not shown:
        return
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Tally.objects.filter(question_id__in=[card.question.pk for card in shown if card.question])
        .values("question_id", "key")
        .annotate(total=Sum("count"))
    )
    for row in rows:
        counts.setdefault(row["question_id"], {})[row["key"]] = row["total"] or 0
    for card in shown:
        question = card.question
        assert question is not None
        counted = counts.get(question.pk, {})
        mine = picks.get(question.pk, set())
        bars = _bars(question, card.structure.choices.get(question.pk, {}))
        total = sum(counted.get(key, 0) for _label, key in bars)
        card.votes = total
        card.bars = [
            PollBar(
                label=label,
                count=counted.get(key, 0),
                percent=percent(counted.get(key, 0), total),
                element_id=f"poll-{question.pk}-bar-{n}",
                mine=key in mine,
            )
            for n, (label, key) in enumerate(bars, start=1)
        ]


def _dashboard_poll_sql() -> tuple[str, list[str], list[str]]:
    """The statement of `poll_for_dashboard` and the columns it reads, built once (fixed names)."""
    survey_columns = [str(column.column) for column in Survey._meta.concrete_fields]
    museum_columns = [str(column.column) for column in Museum._meta.concrete_fields]
    select = ", ".join(
        [f's."{column}"' for column in survey_columns] + [f'm."{column}"' for column in museum_columns]
    )  # fmt: skip
    sql = (
        f"SELECT {select}, "  # noqa: S608 - fixed column names from the models
        "(SELECT p.answered_on FROM surveys_participation p WHERE p.survey_id = s.id AND p.member_id = %(member)s), "
        'COALESCE((SELECT SUM(t."count") FROM surveys_tally t WHERE t.survey_id = s.id), 0) '
        "FROM surveys_survey s LEFT JOIN museums_museum m ON m.id = s.museum_id "
        "WHERE s.kind = %(kind)s AND s.opens_at <= %(now)s AND s.closes_at > %(now)s "
        "AND (s.audience = %(all)s OR (s.audience = %(fans)s AND EXISTS ("
        "SELECT 1 FROM surveys_survey_audience_museums a WHERE a.survey_id = s.id AND a.museum_id = %(favourite)s))) "
        "AND NOT EXISTS (SELECT 1 FROM surveys_participation p WHERE p.survey_id = s.id AND p.member_id = %(member)s "
        "AND p.answered_on <> %(today)s) "
        "ORDER BY s.closes_at, s.id LIMIT 1"
    )
    return sql, survey_columns, museum_columns


_DASHBOARD_POLL = _dashboard_poll_sql()


def poll_for_dashboard(*, member: Member, now: datetime | None = None) -> Survey | None:
    """The one poll "Mon club" shows, in one query; None when there is none.

    The soonest closing open poll meant for the member, among those they have
    not answered and the one they answered today (so that, back on "Mon club"
    after voting, they see its bars). It carries `answered_on` (None when not
    answered) and `votes` (how many were counted so far), which "Mon club"
    puts in its page cache's fingerprint, and `viewer` (the member's id), so
    its card marks their own pick when the poll is named. Written in SQL: the
    ORM took ten times longer to write this statement than the database to run
    it, on the club's most visited page. Its audience rule is
    `surveys.selectors.surveys_meant_for`'s (a test holds them equal).
    """
    now = now or timezone.now()
    sql, survey_columns, museum_columns = _DASHBOARD_POLL
    params: dict[str, Any] = {
        "member": member.pk, "kind": Survey.Kind.POLL, "now": now, "all": Survey.Audience.ALL,
        "fans": Survey.Audience.MUSEUM_FANS, "favourite": member.favourite_museum_id or 0,
        "today": connection.ops.adapt_datefield_value(timezone.localdate(now)),
    }  # fmt: skip
    if connection.vendor != "postgresql":  # SQLite keeps datetimes as text
        params["now"] = connection.ops.adapt_datetimefield_value(now)
    row = prepared_fetchone(sql, params)
    if row is None:
        return None
    split = len(survey_columns)
    survey_fields = [model_field.attname for model_field in Survey._meta.concrete_fields]
    poll = Survey.from_db(connection.alias, survey_fields, _converted(Survey, row[:split]))
    if row[split] is not None:
        museum_fields = [model_field.attname for model_field in Museum._meta.concrete_fields]
        museum_row = row[split : split + len(museum_columns)]
        poll.museum = Museum.from_db(connection.alias, museum_fields, _converted(Museum, museum_row))
    else:
        poll.museum = None
    answered_on = row[-2]
    if isinstance(answered_on, str):
        answered_on = date.fromisoformat(answered_on)
    poll.answered_on = answered_on  # type: ignore[attr-defined]
    poll.votes = int(row[-1] or 0)  # type: ignore[attr-defined]
    poll.viewer = member.pk  # type: ignore[attr-defined]
    return poll


def _converted(model, values) -> list:
    """Database values as the model's fields hold them (SQLite's text dates and times, JSON, booleans)."""
    out = []
    for model_field, value in zip(model._meta.concrete_fields, values, strict=True):
        column = model_field.get_col(model._meta.db_table)
        for converter in connection.ops.get_db_converters(column) + model_field.get_db_converters(connection):
            value = converter(value, column, connection)
        out.append(value)
    return out
