"""What the staff read about a survey's responses: numbers from the counters, in a constant number of queries.

Results never re-read the answers. They add up the counters each submission
keeps (`surveys.models.Tally` per question and answer key, `ResponseCount` per
response) with one `SUM … GROUP BY` each, filtered by day, favourite museum
and language; the rows summed depend on days × museums × options, never on the
number of responses, so the page costs the same queries and about the same
time at 10 or 100,000 responses. Only free-text answers are read from the
answers themselves, a page at a time (`survey_texts`).

What each kind of question shows:
- single choice, dropdown, image choice: each choice's count and its share of
  the question's answers ("Autre (précisez)" is a choice like the others; its
  texts are listed with the free-text answers);
- multiple choice: each choice's count and the share of the group's responses
  that picked it (the counters hold picks, not who answered the question);
- rating 1–5, NPS 0–10: the distribution, the average (ratings); for NPS the
  promoters (9–10), passives (7–8), detractors (0–6) and the score
  %promoters − %detractors;
- Likert matrix: for each row, each point of the scale's count and share of
  the row's answers (a heat table);
- ranking: each choice's mean rank Σ rank × count / Σ count, best first, with
  how often it came at each rank;
- number: count and mean (the counters keep each answer's value in `total`);
  date, short and long text: count.

Percentages are numbers here; `percent_text` on a line writes one in the
reader's language (`club.core.charts.percent_text`).

Anonymity: the counters of an anonymous response hold museum 0 and no
language, so an anonymous survey filters by date only. Its responses are
written in batches (`surveys.anonymity`): until its batch is written a response
is counted in no result, so the page also says how many members answered
(their participations, which name no answer) and how many responses still
wait. For every survey, named or anonymous, a group of fewer than `MIN_GROUP`
responses (the whole survey or a filtered part) shows no answers: with the day
of each participation known, a group that small could point at its members.
One rule for both kinds keeps it simple to state and to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from club.core.charts import heat_level, percent_text
from club.members.models import Member
from surveys.answers import Structure, structure_of
from surveys.models import (
    Answer,
    Choice,
    Draft,
    Participation,
    PendingResponse,
    Question,
    ResponseCount,
    Survey,
    SurveyPage,
    Tally,
)
from surveys.selectors import survey_audience

MIN_GROUP = 5
TEXTS_PER_PAGE = 50
NPS_PROMOTERS = range(9, 11)
NPS_PASSIVES = range(7, 9)
NPS_DETRACTORS = range(0, 7)
RATING_VALUES = range(1, 6)
NPS_VALUES = range(0, 11)
SINGLE_KINDS = frozenset({Question.Kind.SINGLE, Question.Kind.DROPDOWN, Question.Kind.IMAGE_CHOICE})
TEXT_KINDS = frozenset({Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT})


@dataclass(frozen=True)
class ResultsFilter:
    """A group of responses: favourite museum (0: none), language, days from `since` to `until` included."""

    museum: int | None = None
    language: str = ""
    since: date | None = None
    until: date | None = None

    def for_survey(self, survey: Survey) -> ResultsFilter:
        """An anonymous survey's responses hold no museum and no language: only the days filter them."""
        if survey.anonymous:
            return ResultsFilter(since=self.since, until=self.until)
        return self

    @property
    def active(self) -> bool:
        return self.museum is not None or bool(self.language) or self.since is not None or self.until is not None

    def counters(self) -> Q:
        """The condition on counter rows (`Tally`, `ResponseCount`: day, museum, language)."""
        condition = Q()
        if self.museum is not None:
            condition &= Q(museum=self.museum)
        if self.language:
            condition &= Q(language=self.language)
        if self.since is not None:
            condition &= Q(day__gte=self.since)
        if self.until is not None:
            condition &= Q(day__lte=self.until)
        return condition

    def submissions(self, prefix: str = "") -> Q:
        """The same condition on submissions (`prefix` "submission__" from an answer)."""
        condition = Q()
        if self.museum == 0:
            condition &= Q(**{f"{prefix}favourite_museum__isnull": True})
        elif self.museum is not None:
            condition &= Q(**{f"{prefix}favourite_museum_id": self.museum})
        if self.language:
            condition &= Q(**{f"{prefix}language": self.language})
        if self.since is not None:
            condition &= Q(**{f"{prefix}submitted_on__gte": self.since})
        if self.until is not None:
            condition &= Q(**{f"{prefix}submitted_on__lte": self.until})
        return condition


class _Percent:
    """A line with a share of its whole, and that share as the reader's language writes it."""

    percent: float

    @property
    def percent_text(self) -> str:
        return percent_text(self.percent)


@dataclass(frozen=True)
class ChoiceLine(_Percent):
    choice_id: int
    label: str
    count: int
    percent: float
    is_other: bool = False


@dataclass(frozen=True)
class ScaleLine(_Percent):
    value: int
    count: int
    percent: float


@dataclass(frozen=True)
class Nps:
    promoters: int
    passives: int
    detractors: int
    promoters_percent: float
    passives_percent: float
    detractors_percent: float
    score: float  # %promoters − %detractors, from −100 to 100

    @property
    def percent_texts(self) -> tuple[str, str, str]:
        """The promoters', passives' and detractors' shares as the reader's language writes them."""
        return (percent_text(self.promoters_percent), percent_text(self.passives_percent),
                percent_text(self.detractors_percent))  # fmt: skip


@dataclass(frozen=True)
class MatrixCell:
    label: str  # the point of the scale
    count: int
    percent: float  # of the row's answers
    level: int  # the shade, 0–5 (club.core.charts.heat_level)

    @property
    def percent_text(self) -> str:
        return percent_text(self.percent, 0)


@dataclass(frozen=True)
class MatrixLine:
    label: str
    total: int
    cells: list[MatrixCell]


@dataclass(frozen=True)
class RankLine:
    choice_id: int
    label: str
    mean: float | None  # None: never ranked in this group
    at_rank: list[int]  # how many put it at rank 1, 2, …


@dataclass
class QuestionResults:
    question: Question
    number: int  # its place in the survey, from 1
    answered: int  # answers to it (picks for a multiple choice, the fullest row for a matrix)
    choices: list[ChoiceLine] = field(default_factory=list)
    scale: list[ScaleLine] = field(default_factory=list)
    mean: float | None = None  # ratings and numbers
    nps: Nps | None = None
    matrix_scale: list[str] = field(default_factory=list)
    matrix: list[MatrixLine] = field(default_factory=list)
    ranks: list[RankLine] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def has_texts(self) -> bool:
        """Free-text answers to list: a text question, or an "Autre (précisez)" picked at least once."""
        return self.kind in TEXT_KINDS or any(line.is_other and line.count for line in self.choices)


@dataclass
class SurveyResults:
    survey: Survey
    filters: ResultsFilter
    responses_total: int  # every response written (counted in the results)
    responses: int  # responses in the filtered group
    answered: int  # members who answered (participations): an anonymous survey's written or still waiting
    pending: int  # an anonymous survey's responses waiting to be written in a batch (in no result yet)
    audience: int  # members the survey is meant for
    drafts: int
    draft_page: float | None  # the drafts' average page
    pages: int
    questions: list[QuestionResults]

    @property
    def masked(self) -> bool:
        """Fewer than MIN_GROUP responses in the group: nothing of their answers is shown."""
        return self.responses < MIN_GROUP

    @property
    def rate(self) -> float | None:
        """Members who answered as a percentage of the audience."""
        return 100 * self.answered / self.audience if self.audience else None

    @property
    def rate_text(self) -> str:
        return percent_text(self.rate) if self.rate is not None else "—"

    @property
    def draft_completion_text(self) -> str:
        return percent_text(self.draft_completion, 0) if self.draft_completion is not None else "—"

    @property
    def draft_completion(self) -> float | None:
        """How far the drafts are, on average, as a percentage of the survey's pages."""
        if self.draft_page is None or not self.pages:
            return None
        return 100 * self.draft_page / self.pages


def _percent(part: int | float, whole: int | float) -> float:
    return 100 * part / whole if whole else 0.0


def _parse(key: str) -> tuple[str, int, int | None]:
    """A counter key (see `Tally`): ("c", choice, row-or-rank) for picks, ("v", value, None), ("n"|"t", 0, None)."""
    head, _sep, tail = key.partition(":")
    letter, number = head[:1], head[1:]
    if letter == "c":
        extra = int(tail[1:]) if tail[1:].isdigit() else None
        return "c", int(number), extra
    if letter == "v":
        return "v", int(number), None
    return letter, 0, None


class _Counts:
    """The summed counters of one question: key → (count, total)."""

    def __init__(self) -> None:
        self.picks: dict[int, int] = {}  # choice → count
        self.cells: dict[tuple[int, int], int] = {}  # (choice, row or rank) → count
        self.values: dict[int, int] = {}  # rating or NPS value → count
        self.count = 0  # "n" or "t"
        self.total = 0

    def add(self, key: str, count: int, total: int) -> None:
        letter, number, extra = _parse(key)
        if letter == "c" and extra is None:
            self.picks[number] = self.picks.get(number, 0) + count
        elif letter == "c" and extra is not None:
            self.cells[(number, extra)] = self.cells.get((number, extra), 0) + count
        elif letter == "v":
            self.values[number] = self.values.get(number, 0) + count
        else:
            self.count += count
            self.total += total


def _choice_results(item: QuestionResults, choices: list[Choice], counts: _Counts, responses: int) -> None:
    picked = [counts.picks.get(choice.pk, 0) for choice in choices]
    item.answered = sum(picked)
    base = responses if item.kind == Question.Kind.MULTIPLE else item.answered
    item.choices = [
        ChoiceLine(choice_id=choice.pk, label=str(choice.label), count=count, percent=_percent(count, base),
                   is_other=choice.is_other)
        for choice, count in zip(choices, picked, strict=True)
    ]  # fmt: skip


def _scale_results(item: QuestionResults, values: range, counts: _Counts) -> None:
    item.answered = sum(counts.values.get(value, 0) for value in values)
    item.scale = [
        ScaleLine(value=value, count=counts.values.get(value, 0), percent=_percent(counts.values.get(value, 0),
                  item.answered))
        for value in values
    ]  # fmt: skip
    weighted = sum(value * counts.values.get(value, 0) for value in values)
    item.mean = weighted / item.answered if item.answered else None


def _nps(counts: _Counts, answered: int) -> Nps:
    def among(values: range) -> int:
        return sum(counts.values.get(value, 0) for value in values)

    promoters, passives, detractors = among(NPS_PROMOTERS), among(NPS_PASSIVES), among(NPS_DETRACTORS)
    return Nps(
        promoters=promoters, passives=passives, detractors=detractors,
        promoters_percent=_percent(promoters, answered), passives_percent=_percent(passives, answered),
        detractors_percent=_percent(detractors, answered),
        score=_percent(promoters, answered) - _percent(detractors, answered),
    )  # fmt: skip


def _matrix_results(item: QuestionResults, structure: Structure, counts: _Counts) -> None:
    scale = list(structure.choices.get(item.question.pk, {}).values())
    item.matrix_scale = [str(choice.label) for choice in scale]
    for row in structure.rows.get(item.question.pk, {}).values():
        row_counts = [counts.cells.get((choice.pk, row.pk), 0) for choice in scale]
        total = sum(row_counts)
        cells = [
            MatrixCell(label=label, count=count, percent=_percent(count, total),
                       level=heat_level(count / total if total else 0))
            for label, count in zip(item.matrix_scale, row_counts, strict=True)
        ]  # fmt: skip
        item.matrix.append(MatrixLine(label=str(row.label), total=total, cells=cells))
    item.answered = max((line.total for line in item.matrix), default=0)


def _ranking_results(item: QuestionResults, choices: list[Choice], counts: _Counts) -> None:
    positions = range(1, len(choices) + 1)
    lines = []
    for choice in choices:
        at_rank = [counts.cells.get((choice.pk, rank), 0) for rank in positions]
        ranked = sum(at_rank)
        mean = sum(rank * count for rank, count in zip(positions, at_rank, strict=True)) / ranked if ranked else None
        lines.append(RankLine(choice_id=choice.pk, label=str(choice.label), mean=mean, at_rank=at_rank))
    # Best (lowest) mean rank first; never-ranked choices last, in their order.
    item.ranks = sorted(lines, key=lambda line: (line.mean is None, line.mean or 0))
    item.answered = sum(counts.cells.get((choice.pk, 1), 0) for choice in choices)  # one first choice each


def _question_results(
    question: Question, number: int, structure: Structure, counts: _Counts, responses: int
) -> QuestionResults:
    item = QuestionResults(question=question, number=number, answered=0)
    kind = question.kind
    choices = list(structure.choices.get(question.pk, {}).values())
    if kind in SINGLE_KINDS or kind == Question.Kind.MULTIPLE:
        _choice_results(item, choices, counts, responses)
    elif kind == Question.Kind.RATING:
        _scale_results(item, RATING_VALUES, counts)
    elif kind == Question.Kind.NPS:
        _scale_results(item, NPS_VALUES, counts)
        item.mean = None
        item.nps = _nps(counts, item.answered)
    elif kind == Question.Kind.LIKERT:
        _matrix_results(item, structure, counts)
    elif kind == Question.Kind.RANKING:
        _ranking_results(item, choices, counts)
    else:  # number, date, texts
        item.answered = counts.count
        if kind == Question.Kind.NUMBER and counts.count:
            item.mean = counts.total / counts.count
    return item


def survey_results(*, survey: Survey, filters: ResultsFilter | None = None) -> SurveyResults:
    """Every number of the results page, in the same queries whatever the number of responses (nine)."""
    filters = (filters or ResultsFilter()).for_survey(survey)
    structure = structure_of(survey)  # 3 queries
    group = filters.counters()
    sums = ResponseCount.objects.filter(survey=survey).aggregate(
        total=Coalesce(Sum("count"), Value(0)), group=Coalesce(Sum("count", filter=group), Value(0))
    )
    drafts = Draft.objects.filter(survey=survey).aggregate(count=Count("pk"), page=Avg("page"))
    members = _answered_and_pending(survey)
    pages = SurveyPage.objects.filter(survey=survey).count()
    audience = survey_audience(survey=survey).count()
    results = SurveyResults(
        survey=survey, filters=filters, responses_total=sums["total"], responses=sums["group"],
        answered=members["answered"], pending=members["pending"], audience=audience, drafts=drafts["count"],
        draft_page=drafts["page"], pages=pages, questions=[],
    )  # fmt: skip
    rows = list(
        Tally.objects.filter(survey=survey)
        .filter(group)
        .values("question_id", "key")
        .annotate(count=Sum("count"), total=Sum("total"))
        .order_by()
    )  # read even for a masked group, so the page's queries never depend on the responses
    if results.masked:
        return results
    counts: dict[int, _Counts] = {question.pk: _Counts() for question in structure.questions}
    for row in rows:
        if row["question_id"] in counts:
            counts[row["question_id"]].add(row["key"], row["count"], row["total"])
    results.questions = [
        _question_results(question, number, structure, counts[question.pk], results.responses)
        for number, question in enumerate(structure.questions, start=1)
    ]
    return results


def _count_of(model) -> Coalesce:
    """A correlated count of `model`'s rows for the survey of the outer query (0 when none)."""
    rows = model.objects.filter(survey=OuterRef("pk")).order_by().values("survey")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), Value(0))


def _answered_and_pending(survey: Survey) -> dict[str, int]:
    """Members who answered and responses still waiting to be written (one query)."""
    row = (
        Survey.objects.filter(pk=survey.pk)
        .values(answered=_count_of(Participation), pending=_count_of(PendingResponse))
        .first()
    )
    return {"answered": row["answered"], "pending": row["pending"]} if row else {"answered": 0, "pending": 0}


def results_group_size(*, survey: Survey, filters: ResultsFilter) -> int:
    """The responses in a filtered group (one query)."""
    filters = filters.for_survey(survey)
    return (
        ResponseCount.objects.filter(survey=survey)
        .filter(filters.counters())
        .aggregate(total=Coalesce(Sum("count"), Value(0)))["total"]
    )


def survey_texts(
    *, survey: Survey, question: Question, filters: ResultsFilter | None = None, search: str = "", page: int | str = 1
) -> Page:
    """One page of a question's free-text answers (its text, or its "Autre (précisez)" texts), newest day first.

    Two queries a page (count and rows), each row a dict with `text` and, for
    a named survey, `day`. An anonymous survey's texts come without their day,
    in the order of their random ids: nothing that could match them to a
    participation.
    """
    filters = (filters or ResultsFilter()).for_survey(survey)
    answers = Answer.objects.filter(question=question).exclude(text="").filter(filters.submissions("submission__"))
    if search.strip():
        answers = answers.filter(text__icontains=search.strip())
    if survey.anonymous:
        rows = answers.order_by("id").values("id", "text")
    else:
        rows = answers.order_by("-submission__submitted_on", "id").values(
            "id", "text", day=F("submission__submitted_on")
        )
    return Paginator(rows, TEXTS_PER_PAGE).get_page(page)


def surveys_for_results(*, staff: Member) -> QuerySet[Survey]:
    """Every survey and poll, the staff member's museums' first, newest first (one query).

    Each with `responses` (written, counted in the results), `answered` (members
    who answered) and `pending` (an anonymous survey's responses waiting to be
    written).
    """
    responses = ResponseCount.objects.filter(survey=OuterRef("pk")).order_by().values("survey").annotate(n=Sum("count"))
    mine = Exists(staff.museums.through.objects.filter(member_id=staff.pk, museum_id=OuterRef("museum_id")))
    return (
        Survey.objects.annotate(
            responses=Coalesce(Subquery(responses.values("n")), Value(0)),
            answered=_count_of(Participation),
            pending=_count_of(PendingResponse),
            mine=mine,
        )
        .select_related("museum")
        .order_by("-mine", "-opens_at", "pk")
    )
