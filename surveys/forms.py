"""A survey page as a form: what each question shows, and what a POST of the page says.

`question_fields(...)` turns the questions of a page into `QuestionField`s
(choices, matrix rows, scale, the value so far, the message to show, the
condition's note) that `templates/surveys/_question.html` draws, one accessible
group or field per question. `page_answers_parse(...)` reads a POSTed page back
into the answers format of `surveys.answers` (question id as text → value), so
the draft, the page's checks and `submission_create` all speak one format.

The parser only shapes what was sent: whether an answer is right is decided by
`surveys.answers.answers_check` (the one rule, shared with the API). It keeps
what the member typed, even wrong ("abc" for a number, a choice that is not the
question's), so the page can show it back with its message. What only the form
can tell is said here: a field that names no question of this page, and a
ranking whose ranks are not each used once.

Field names: `q<id>` (the answer), `q<id>_other_<choice>` (the text of an
"Autre (précisez)" choice), `q<id>_r<row>` (a matrix row), `q<id>_rank_<choice>`
(a choice's rank).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from surveys.answers import NPS_RANGE, OTHER_TEXT_LIMIT, RATING_RANGE, SHORT_TEXT_LIMIT, Structure, shown_questions
from surveys.models import Choice, MatrixRow, Question

Kind = Question.Kind
SUMMARY = "answers"  # the key of a message about the page as a whole (shown in the summary only)
_QUESTION_FIELD = re.compile(r"^q(\d+)(?:_|$)")
_INTEGER = re.compile(r"^-?\d+$")
GROUP_KINDS = frozenset(
    {Kind.SINGLE, Kind.MULTIPLE, Kind.RATING, Kind.NPS, Kind.LIKERT, Kind.RANKING, Kind.IMAGE_CHOICE}
)


# Reading a POSTed page ------------------------------------------------------------------------


def _number_or_text(raw: str) -> int | str:
    raw = raw.strip()
    return int(raw) if _INTEGER.match(raw) else raw


def _picked_value(question: Question, raw: str, data: Mapping, choices: dict[int, Choice]) -> Any:
    """A picked choice: its id, or `{"choice", "other"}` for an "Autre (précisez)" choice."""
    value = _number_or_text(raw)
    choice = choices.get(value) if isinstance(value, int) else None
    if choice is not None and choice.is_other:
        return {"choice": value, "other": str(data.get(f"q{question.pk}_other_{choice.pk}", "")).strip()}
    return value


def _ranking(question: Question, data: Mapping, choices: dict[int, Choice]) -> tuple[Any, str]:
    """The choices from the preferred one (a list), or, when the ranks are not 1…n each once, what was typed."""
    typed = {}
    for choice_id in choices:
        raw = str(data.get(f"q{question.pk}_rank_{choice_id}", "")).strip()
        if raw:
            typed[choice_id] = _number_or_text(raw)
    if not typed:
        return None, ""
    ranks = [rank for rank in typed.values() if isinstance(rank, int)]
    if len(ranks) == len(typed) and sorted(ranks) == list(range(1, len(choices) + 1)):
        return [choice_id for choice_id, _rank in sorted(typed.items(), key=lambda item: item[1])], ""
    count = len(choices)
    message = ngettext(
        "Donnez à chaque choix un rang différent, de 1 à %(count)s.",
        "Donnez à chaque choix un rang différent, de 1 à %(count)s.",
        count,
    ) % {"count": count}
    return {str(choice_id): rank for choice_id, rank in typed.items()}, message


def _value_of(question: Question, data: Mapping, structure: Structure) -> tuple[Any, str]:
    """One question's answer as POSTed (None when unanswered), and the form's own message about it."""
    name, kind = f"q{question.pk}", question.kind
    choices = structure.choices.get(question.pk, {})
    if kind in (Kind.SINGLE, Kind.DROPDOWN, Kind.IMAGE_CHOICE):
        raw = str(data.get(name, "")).strip()
        return (_picked_value(question, raw, data, choices) if raw else None), ""
    if kind == Kind.MULTIPLE:
        raws = [str(raw).strip() for raw in data.getlist(name)] if hasattr(data, "getlist") else []
        return [_picked_value(question, raw, data, choices) for raw in raws if raw] or None, ""
    if kind in (Kind.RATING, Kind.NPS, Kind.NUMBER):
        raw = str(data.get(name, "")).strip()
        return (_number_or_text(raw) if raw else None), ""
    if kind == Kind.LIKERT:
        rows = {}
        for row_id in structure.rows.get(question.pk, {}):
            raw = str(data.get(f"{name}_r{row_id}", "")).strip()
            if raw:
                rows[str(row_id)] = _number_or_text(raw)
        return rows or None, ""
    if kind == Kind.RANKING:
        return _ranking(question, data, choices)
    # Texts and dates: as typed (a text of spaces only is no answer).
    raw = str(data.get(name, ""))
    return (raw if raw.strip() else None), ""


def page_answers_parse(
    *, data: Mapping, questions: list[Question], structure: Structure
) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers a POSTed page gives to its `questions`, and the form's messages (by question id, or SUMMARY).

    A field naming a question that is not on this page is refused as a whole
    (`SUMMARY`): the page is sent back and nothing of it is kept.
    """
    on_page = {question.pk for question in questions}
    errors: dict[str, str] = {}
    for name in data:
        match = _QUESTION_FIELD.match(str(name))
        if match and int(match.group(1)) not in on_page:
            errors[SUMMARY] = _("Des réponses envoyées ne correspondent à aucune question de cette page.")
            break
    answers: dict[str, Any] = {}
    for question in questions:
        value, message = _value_of(question, data, structure)
        if value is not None:
            answers[str(question.pk)] = value
        if message:
            errors[str(question.pk)] = message
    return answers, errors


def messages_worded(errors: dict[str, str], structure: Structure, answers: Mapping) -> dict[str, str]:
    """The messages as the page says them: a ranking left without ranks asks for a rank on each line.

    An unanswered question is refused only for being required, so the page can
    say how to answer it rather than only that it needs an answer.
    """
    unranked = {
        str(question.pk)
        for question in structure.questions
        if question.kind == Kind.RANKING and str(question.pk) not in answers
    }
    if not unranked & errors.keys():
        return errors
    ask = _("Choisissez un rang pour chaque ligne.")
    return {key: ask if key in unranked else message for key, message in errors.items()}


# Drawing a page ---------------------------------------------------------------------------------


@dataclass
class ChoiceOption:
    choice: Choice
    input_id: str
    checked: bool = False
    other_name: str = ""
    other_id: str = ""
    other_text: str = ""
    rank: int | str | None = None


@dataclass
class RowOption:
    row: MatrixRow
    name: str
    options: list[tuple[str, Choice, bool]]  # (input id, choice, checked)


@dataclass
class QuestionField:
    """Everything `surveys/_question.html` needs to draw one question, with no query."""

    question: Question
    name: str
    grouped: bool
    value: Any = None
    error: str = ""
    choices: list[ChoiceOption] = field(default_factory=list)
    rows: list[RowOption] = field(default_factory=list)
    scale: list[tuple[str, int, bool]] = field(default_factory=list)  # (input id, value, checked)
    positions: list[int] = field(default_factory=list)  # the ranks a ranking offers
    text: str = ""  # a text, number or date answer as typed
    has_other: bool = False
    other_maxlength: int = OTHER_TEXT_LIMIT
    condition_note: str = ""
    live_condition: bool = False  # its condition's question is on the same page: surveys.js shows or hides it
    hint: str = ""
    maxlength: int | None = None
    text_hidden: bool = False  # the question's text is said just above (a poll's title): read, not shown again

    @property
    def described_by(self) -> str:
        """The ids of the texts that describe the question (those drawn only)."""
        pk = self.question.pk
        ids = []
        if self.condition_note:
            ids.append(f"q{pk}-note")
        if self.question.help_text:
            ids.append(f"q{pk}-help")
        if self.hint:
            ids.append(f"q{pk}-hint")
        if self.question.kind in (Kind.NPS, Kind.RATING):
            ids.append(f"q{pk}-ends")
        if self.error:
            ids.append(f"q{pk}-error")
        return " ".join(ids)


def _picked_ids(value: Any) -> dict[int, str]:
    """Choice id → "other" text, for a single or multiple answer in the answers format."""
    items = value if isinstance(value, list) else [value]
    picked = {}
    for item in items:
        other = ""
        if isinstance(item, dict):
            other, item = str(item.get("other", "")), item.get("choice")
        if isinstance(item, int) and not isinstance(item, bool):
            picked[item] = other
        elif isinstance(item, str) and item.strip().isdigit():
            picked[int(item)] = other
    return picked


def _ranks_of(value: Any) -> dict[int, int | str]:
    if isinstance(value, list):
        return {choice_id: rank for rank, choice_id in enumerate(value, start=1) if isinstance(choice_id, int)}
    if isinstance(value, dict):
        return {int(key): rank for key, rank in value.items() if str(key).isdigit()}
    return {}


def _choice_options(question: Question, value: Any, choices: list[Choice]) -> list[ChoiceOption]:
    picked = _picked_ids(value)
    ranks = _ranks_of(value) if question.kind == Kind.RANKING else {}
    options = []
    for choice in choices:
        option = ChoiceOption(choice=choice, input_id=f"q{question.pk}-c{choice.pk}", checked=choice.pk in picked)
        if choice.is_other:
            option.other_name = f"q{question.pk}_other_{choice.pk}"
            option.other_id = f"q{question.pk}-other-{choice.pk}"
            option.other_text = picked.get(choice.pk, "")
        if question.kind == Kind.RANKING:
            option.input_id = f"q{question.pk}-rank-{choice.pk}"
            option.rank = ranks.get(choice.pk)
        options.append(option)
    if ranks:  # shown in the member's order so far; unranked choices last
        options.sort(key=lambda option: (option.rank is None, str(option.rank).zfill(4)))
    return options


def _hint(question: Question) -> tuple[str, int | None]:
    """The short rule shown under a question (at most N choices, a number's bounds, a text's length), and a
    text's length limit.

    A number's bounds and a text's length are said only when staff wrote no
    help text (which usually says them already, in their words): the field
    still holds them (min, max, maxlength) and the message of a wrong answer
    names them. The most choices and how to rank are always said.
    """
    kind = question.kind
    if kind == Kind.MULTIPLE and question.max_choices:
        count = question.max_choices
        return ngettext("Cochez au plus %(count)s réponse.", "Cochez au plus %(count)s réponses.", count) % {
            "count": count
        }, None
    if kind == Kind.RANKING:
        return _("Donnez un rang à chaque choix : 1 pour votre préféré."), None
    said = bool(str(question.help_text or "").strip())
    if kind == Kind.NUMBER:
        if said:
            return "", None
        low, high = question.min_value, question.max_value
        if low is not None and high is not None:
            return _("Un nombre entier entre %(low)s et %(high)s.") % {"low": low, "high": high}, None
        if low is not None:
            return _("Un nombre entier d'au moins %(low)s.") % {"low": low}, None
        if high is not None:
            return _("Un nombre entier d'au plus %(high)s.") % {"high": high}, None
        return _("Un nombre entier."), None
    if kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
        limit = min(question.max_length, SHORT_TEXT_LIMIT) if kind == Kind.SHORT_TEXT else question.max_length
        if said:
            return "", limit
        return ngettext("%(count)s caractère au plus.", "%(count)s caractères au plus.", limit) % {
            "count": limit
        }, limit
    return "", None


def _condition_note(question: Question, structure: Structure) -> str:
    if not question.condition_question_id:
        return ""
    condition = next((q for q in structure.questions if q.pk == question.condition_question_id), None)
    choice = structure.choices.get(question.condition_question_id, {}).get(question.condition_choice_id or 0)
    if condition is None or choice is None:
        return ""
    return _("Répondez seulement si vous avez répondu « %(choice)s » à la question « %(question)s ».") % {
        "choice": choice.label,
        "question": condition.text,
    }


def question_field(
    question: Question,
    *,
    structure: Structure,
    value: Any = None,
    error: str = "",
    live_condition: bool = False,
    show_note: bool = False,
) -> QuestionField:
    """One question ready to draw (no query: everything comes from the structure)."""
    choices = list(structure.choices.get(question.pk, {}).values())
    hint, maxlength = _hint(question)
    drawn = QuestionField(
        question=question,
        name=f"q{question.pk}",
        grouped=question.kind in GROUP_KINDS,
        value=value,
        error=error,
        hint=hint,
        maxlength=maxlength,
        live_condition=live_condition,
    )
    if show_note or live_condition:
        drawn.condition_note = _condition_note(question, structure)
    kind = question.kind
    if kind in Question.CHOICE_KINDS and kind != Kind.LIKERT:
        drawn.choices = _choice_options(question, value, choices)
        drawn.has_other = any(choice.is_other for choice in choices)
        drawn.positions = list(range(1, len(choices) + 1)) if kind == Kind.RANKING else []
    if kind == Kind.LIKERT:
        answered = value if isinstance(value, dict) else {}
        for row in structure.rows.get(question.pk, {}).values():
            picked = _picked_ids(answered.get(str(row.pk)))
            drawn.rows.append(
                RowOption(
                    row=row,
                    name=f"q{question.pk}_r{row.pk}",
                    options=[(f"q{question.pk}-r{row.pk}-c{c.pk}", c, c.pk in picked) for c in choices],
                )
            )
    if kind in (Kind.RATING, Kind.NPS):
        low, high = RATING_RANGE if kind == Kind.RATING else NPS_RANGE
        drawn.scale = [(f"q{question.pk}-v{n}", n, value == n or value == str(n)) for n in range(low, high + 1)]
    if kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT, Kind.NUMBER, Kind.DATE) and value is not None:
        drawn.text = str(value)
    return drawn


# Which questions a page draws ------------------------------------------------------------------


@dataclass
class SurveyPlan:
    """A survey's pages that hold questions, numbered 1…n, with their questions in order."""

    structure: Structure
    pages: list[tuple[str, list[Question]]]  # (page title, questions), page n at index n − 1

    @property
    def count(self) -> int:
        return len(self.pages)

    def number_of(self, question_id: int) -> int | None:
        for number, (_title, questions) in enumerate(self.pages, start=1):
            if any(question.pk == question_id for question in questions):
                return number
        return None

    def drawn(self, answers: dict) -> set[int]:
        """The questions drawn given the answers so far.

        A question whose condition is on an earlier page is drawn only when
        that condition holds (`shown_questions`); one whose condition is on its
        own page is always drawn (surveys.js shows and hides it as the member
        answers; without JavaScript a note says when to answer it), unless its
        condition's question is not drawn itself.
        """
        shown = {question.pk for question in shown_questions(self.structure, answers)}
        page_of = {question.pk: question.page_id for question in self.structure.questions}
        drawn: set[int] = set()
        for question in self.structure.questions:
            condition = question.condition_question_id
            if not condition:
                drawn.add(question.pk)
            elif page_of.get(condition) == question.page_id:
                if condition in drawn:
                    drawn.add(question.pk)
            elif question.pk in shown:
                drawn.add(question.pk)
        return drawn

    def questions_on(self, number: int, drawn: set[int]) -> list[Question]:
        return [question for question in self.pages[number - 1][1] if question.pk in drawn]

    def next_page(self, number: int, drawn: set[int], step: int = 1) -> int | None:
        """The next page (or previous, step −1) that draws a question, None when there is none."""
        number += step
        while 1 <= number <= self.count:
            if self.questions_on(number, drawn):
                return number
            number += step
        return None


def survey_plan(structure: Structure) -> SurveyPlan:
    pages: list[tuple[str, list[Question]]] = []
    current = None
    for question in structure.questions:  # ordered by page position, then position
        if question.page_id != current:
            pages.append((str(question.page.title), []))
            current = question.page_id
        pages[-1][1].append(question)
    return SurveyPlan(structure=structure, pages=pages)


def answers_kept(answers: dict, drawn: set[int]) -> dict:
    """Only the answers of drawn questions: a question an earlier answer now hides loses its answer."""
    return {key: value for key, value in answers.items() if str(key).isdigit() and int(key) in drawn}
