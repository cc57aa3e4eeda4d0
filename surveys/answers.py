"""Checking a response against its survey, in Python, without a query per question.

`structure_of(survey)` reads the survey's questions, choices and matrix rows
once (three queries, whatever their number), as model instances for the pages
and results that draw them. What checking needs of it is `SurveyRules`, plain
data (`rules_of(structure)`, no query): `survey_rules(survey)` keeps it in the
memory between requests, so storing a response reads no structure at all.
`answer_rows(rules, answers)` checks a whole response and returns the rows to
insert (`AnswerRow`, plain tuples); `answers_check(structure, answers)` does
the same for a structure already read and returns unsaved `Answer`s. Both
raise `AnswersInvalid` with one message per question, so a page shows each
next to its question and keeps what was typed, and the API answers a 400 with
the same details.

The rules are kept in each process's memory (`club.core.memo`), keyed by
survey, language (a refusal names an "Autre (précisez)" choice in the reader's
language) and the survey row's `structure_version`, which any save or deletion
of a page, question, choice or matrix row replaces in its own transaction
(signals in `surveys.apps`). A request reads the survey row anyway, so it never
uses rules older than the last committed change, and reading them costs no
round trip (a shared cache would cost one, and an unpickling, per response).
A choice deleted behind the signals (raw SQL) cannot be stored either: the
database refuses the answer and `surveys.services` says the survey changed.

A response is a mapping from question id (as text, as JSON keys are) to:
- single, dropdown, image choice: a choice id, or `{"choice": id, "other": "…"}`
  for an "Autre (précisez)" choice;
- multiple choice: a list of those;
- rating (1–5), NPS (0–10), number: an integer (a number without bounds still
  fits the database's integer column);
- Likert matrix: `{row id: choice id}`;
- ranking: every choice id once, the preferred first;
- short and long text: a string (without NUL characters); date: "YYYY-MM-DD".

A question is shown when it has no condition or when its condition's question
was answered with its choice; an answer to a hidden question is refused, and
"required" applies only to shown questions.
"""

import datetime
import json
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from club.core.errors import DomainError
from club.core.memo import Memo
from surveys.models import Answer, Choice, MatrixRow, Question, Survey

MAX_ANSWERS = 500  # more keys than any survey has questions: refused before anything is read
SHORT_TEXT_LIMIT = 200
OTHER_TEXT_LIMIT = 200
RATING_RANGE = (1, 5)
NPS_RANGE = (0, 10)
INTEGER_RANGE = (-(2**31), 2**31 - 1)  # the integer columns an answer (or an id) is stored in

INVALID_CHARACTER = _("Ce texte contient un caractère invalide.")
OUT_OF_RANGE = _("Ce nombre est hors des limites acceptées.")

Kind = Question.Kind
_PICK_ONE = frozenset({Kind.SINGLE, Kind.DROPDOWN, Kind.IMAGE_CHOICE})
_DIGITS_KEPT = 18  # a longer run of digits is beyond every range an answer or an id may have


class AnswersInvalid(DomainError):
    code = "answers_invalid"
    message = _("Certaines réponses sont à revoir.")


@dataclass
class Structure:
    survey: Survey
    questions: list[Question]
    choices: dict[int, dict[int, Choice]] = field(default_factory=dict)  # question id → choice id → choice
    rows: dict[int, dict[int, MatrixRow]] = field(default_factory=dict)  # question id → row id → row


def structure_of(survey: Survey) -> Structure:
    """The survey's questions (in order), choices and rows: three queries."""
    questions = list(
        Question.objects.filter(page__survey=survey).select_related("page").order_by("page__position", "position")
    )
    structure = Structure(survey=survey, questions=questions)
    for choice in Choice.objects.filter(question__page__survey=survey).order_by("question_id", "position"):
        structure.choices.setdefault(choice.question_id, {})[choice.pk] = choice
    for row in MatrixRow.objects.filter(question__page__survey=survey).order_by("question_id", "position"):
        structure.rows.setdefault(row.question_id, {})[row.pk] = row
    return structure


# --- The rules a response is checked against (plain data, cached) -----------------------------------------


class QuestionRules(NamedTuple):
    """What checking an answer to one question needs."""

    id: int
    kind: str
    required: bool
    max_choices: int | None
    min_value: int | None
    max_value: int | None
    max_length: int
    condition_question_id: int | None
    condition_choice_id: int | None
    choices: dict[int, str | None]  # choice id → its label when it is "Autre (précisez)", else None
    rows: frozenset[int]  # a matrix's row ids

    @property
    def pk(self) -> int:  # `shown_questions` reads questions and their rules alike
        return self.id


class SurveyRules(NamedTuple):
    survey_id: int
    questions: tuple[QuestionRules, ...]  # in the order members see them


class AnswerRow(NamedTuple):
    """One answer row to store, with its question's kind (what the counters' keys depend on)."""

    question_id: int
    kind: str
    choice_id: int | None = None
    row_id: int | None = None
    rank: int | None = None
    number: int | None = None
    date: datetime.date | None = None
    text: str = ""


def rules_of(structure: Structure) -> SurveyRules:
    """The rules of a structure already read (no query); "other" choices named in the active language."""
    return SurveyRules(
        structure.survey.pk,
        tuple(
            QuestionRules(
                question.pk,
                str(question.kind),
                question.required,
                question.max_choices,
                question.min_value,
                question.max_value,
                question.max_length,
                question.condition_question_id,
                question.condition_choice_id,
                {
                    pk: str(choice.label) if choice.is_other else None
                    for pk, choice in structure.choices.get(question.pk, {}).items()
                },
                frozenset(structure.rows.get(question.pk, {})),
            )
            for question in structure.questions
        ),
    )


_rules_here = Memo(seconds=None, max_entries=256)  # keyed by survey, structure version and language


def structures_changed() -> None:
    """Some structure changed, or was found stale: this process forgets every rules it keeps, now and at commit.

    (Other processes see the change by the survey's `structure_version`, which
    the change replaced in its own transaction.)
    """
    _rules_here.clear()
    transaction.on_commit(_rules_here.clear)


def survey_rules(survey: Survey) -> SurveyRules:
    """The survey's rules: kept in this process, or the three queries of `structure_of` once per version.

    The version is the survey row's `structure_version`, read with the row by
    the request: a change committed before that read is always seen.
    """
    key = (survey.pk, survey.structure_version, get_language() or "")
    rules = _rules_here.get(key)
    if rules is None:
        rules = rules_of(structure_of(survey))
        _rules_here.set(key, rules)
    return rules


# --- Checking ----------------------------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, message):
        self.message = message


def _as_int(value) -> int | None:
    """An integer as JSON gives it, or as a form does (ASCII digits, maybe a minus sign); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] == "-" else text
        if digits.isascii() and digits.isdigit():
            if len(digits) > _DIGITS_KEPT:
                return -(10**_DIGITS_KEPT) if text[:1] == "-" else 10**_DIGITS_KEPT
            return int(text)
    return None


def _integer(value, low=None, high=None) -> int:
    number = _as_int(value)
    if number is None:
        raise _Refused(_("Indiquez un nombre entier."))
    if not INTEGER_RANGE[0] <= number <= INTEGER_RANGE[1]:  # whatever the bounds, the column holds no more
        raise _Refused(OUT_OF_RANGE)
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            raise _Refused(_("Indiquez un nombre entre %(low)s et %(high)s.") % {"low": low, "high": high})
        if low is not None:
            raise _Refused(_("Indiquez un nombre d'au moins %(low)s.") % {"low": low})
        raise _Refused(_("Indiquez un nombre d'au plus %(high)s.") % {"high": high})
    return number


def text_storable(text: str) -> bool:
    """Text PostgreSQL can store and JSON output can encode: no NUL character, no lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(value, limit: int) -> str:
    if not isinstance(value, str):
        raise _Refused(_("Répondez par un texte."))
    if not text_storable(value):
        raise _Refused(INVALID_CHARACTER)
    value = value.strip()
    if len(value) > limit:
        raise _Refused(_("Votre réponse dépasse %(limit)s caractères.") % {"limit": limit})
    return value


def _picked(question: QuestionRules, value) -> tuple[int, str]:
    """One picked choice's id, with the text of an "Autre (précisez)"."""
    other = ""
    if isinstance(value, dict):
        other = value.get("other", "")
        value = value.get("choice")
    choice_id = _as_int(value)
    if choice_id is None or choice_id not in question.choices:
        raise _Refused(_("Ce choix ne fait pas partie de la question."))
    other_label = question.choices[choice_id]
    if other_label is not None:
        other = _text(other, OTHER_TEXT_LIMIT)
        if not other:
            raise _Refused(_("Précisez votre réponse « %(choice)s ».") % {"choice": other_label})
    elif other:
        raise _Refused(_("Seul le choix « Autre » se précise."))
    return choice_id, other


def _picked_many(question: QuestionRules, value) -> list[AnswerRow]:
    if not isinstance(value, list) or not value:
        raise _Refused(_("Cochez au moins un choix."))
    picked = [_picked(question, item) for item in value]
    if len({choice_id for choice_id, _other in picked}) != len(picked):
        raise _Refused(_("Chaque choix ne compte qu'une fois."))
    if question.max_choices and len(picked) > question.max_choices:
        count = question.max_choices
        raise _Refused(
            ngettext("Cochez au plus %(count)s choix.", "Cochez au plus %(count)s choix.", count) % {"count": count}
        )
    kind = question.kind
    return [AnswerRow(question.id, kind, choice_id, None, None, None, None, other) for choice_id, other in picked]


def _matrix(question: QuestionRules, value) -> list[AnswerRow]:
    if not isinstance(value, dict):
        raise _Refused(_("Répondez pour chaque ligne."))
    answered: dict[int, int] = {}
    for row_key, choice in value.items():
        row_id = _as_int(row_key)
        if row_id is None or row_id not in question.rows:
            raise _Refused(_("Cette ligne ne fait pas partie de la question."))
        answered[row_id] = _picked(question, choice)[0]
    if question.required and len(answered) != len(question.rows):
        raise _Refused(_("Répondez pour chaque ligne."))
    return [AnswerRow(question.id, question.kind, choice_id, row_id) for row_id, choice_id in answered.items()]


def _ranking(question: QuestionRules, value) -> list[AnswerRow]:
    if not isinstance(value, list):
        raise _Refused(_("Classez tous les choix."))
    ranked = [_picked(question, item)[0] for item in value]
    if len(set(ranked)) != len(ranked) or len(ranked) != len(question.choices):
        raise _Refused(_("Classez chaque choix une fois, sans en oublier."))
    return [AnswerRow(question.id, question.kind, choice_id, None, rank) for rank, choice_id in enumerate(ranked, 1)]


def _rows_for(question: QuestionRules, value) -> list[AnswerRow]:
    kind = question.kind
    if kind in _PICK_ONE:
        choice_id, other = _picked(question, value)
        return [AnswerRow(question.id, kind, choice_id, None, None, None, None, other)]
    if kind == Kind.MULTIPLE:
        return _picked_many(question, value)
    if kind == Kind.RATING:
        return [AnswerRow(question.id, kind, number=_integer(value, *RATING_RANGE))]
    if kind == Kind.NPS:
        return [AnswerRow(question.id, kind, number=_integer(value, *NPS_RANGE))]
    if kind == Kind.NUMBER:
        return [AnswerRow(question.id, kind, number=_integer(value, question.min_value, question.max_value))]
    if kind == Kind.LIKERT:
        return _matrix(question, value)
    if kind == Kind.RANKING:
        return _ranking(question, value)
    if kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
        limit = min(question.max_length, SHORT_TEXT_LIMIT) if kind == Kind.SHORT_TEXT else question.max_length
        text = _text(value, limit)
        return [AnswerRow(question.id, kind, text=text)] if text else []
    if kind == Kind.DATE:
        try:
            return [AnswerRow(question.id, kind, date=datetime.date.fromisoformat(str(value)))]
        except ValueError:
            raise _Refused(_("Indiquez une date (jour, mois, année).")) from None
    raise _Refused(_("Cette question ne peut pas recevoir de réponse."))


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def shown_questions(structure: Structure | SurveyRules, answers: dict) -> list:
    """The questions a member sees given their answers (a condition reads the answer to an earlier question).

    Questions of a `Structure`, or their rules of `SurveyRules`.
    """
    shown: list = []
    picked: dict[int, set[int]] = {}
    for question in structure.questions:
        if question.condition_question_id and question.condition_choice_id not in picked.get(
            question.condition_question_id, set()
        ):
            continue
        shown.append(question)
        value = answers.get(str(question.pk))
        items = value if isinstance(value, list) else [value]
        ids = set()
        for item in items:
            item = item.get("choice") if isinstance(item, dict) else item
            if (choice_id := _as_int(item)) is not None:
                ids.add(choice_id)
        picked[question.pk] = ids
    return shown


def answer_rows(rules: SurveyRules, answers) -> list[AnswerRow]:
    """Every answer checked (no query): the rows to insert, or `AnswersInvalid` with a message per question."""
    if not isinstance(answers, dict):
        raise AnswersInvalid(details={"errors": {"answers": str(_("Les réponses sont illisibles."))}})
    if len(answers) > MAX_ANSWERS:
        raise AnswersInvalid(details={"errors": {"answers": str(_("Trop de réponses pour cette enquête."))}})
    known = {str(question.id) for question in rules.questions}
    errors: dict[str, str] = {
        key: str(_("Cette question ne fait pas partie de l'enquête.")) for key in answers if str(key) not in known
    }
    shown = shown_questions(rules, answers)
    shown_ids = {str(question.id) for question in shown}
    for key, value in answers.items():
        if str(key) in known and str(key) not in shown_ids and not _is_empty(value):
            errors[str(key)] = str(_("Cette question ne s'affiche pas avec vos réponses : elle reste sans réponse."))
    rows: list[AnswerRow] = []
    for question in shown:
        value = answers.get(str(question.id))
        if _is_empty(value):
            if question.required:
                errors[str(question.id)] = str(_("Cette question demande une réponse."))
            continue
        try:
            rows.extend(_rows_for(question, value))
        except _Refused as refusal:
            errors[str(question.id)] = str(refusal.message)
    if errors:
        raise AnswersInvalid(details={"errors": errors})
    return rows


def answers_check(structure: Structure, answers) -> list[Answer]:
    """`answer_rows` for a structure already read: unsaved `Answer`s with their question, choice and row."""
    rows = answer_rows(rules_of(structure), answers)
    questions = {question.pk: question for question in structure.questions}
    choices = {pk: choice for by_id in structure.choices.values() for pk, choice in by_id.items()}
    matrix_rows = {pk: row for by_id in structure.rows.values() for pk, row in by_id.items()}
    return [
        Answer(
            question=questions[row.question_id],
            choice=choices[row.choice_id] if row.choice_id is not None else None,
            row=matrix_rows[row.row_id] if row.row_id is not None else None,
            rank=row.rank,
            number=row.number,
            date=row.date,
            text=row.text,
        )
        for row in rows
    ]


DRAFT_TEXT_LIMIT = 10_000


def _unstorable(value) -> bool:
    """Whether a draft's value holds text the database cannot store (walked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not text_storable(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def draft_answers_clean(rules: SurveyRules, answers) -> dict:
    """A draft's answers: only the survey's own questions, JSON values of a sane size (no query).

    Whether each answer is right is checked at submission (`answer_rows`);
    a draft keeps what the member typed, even half-done, unless the database
    could not store it.
    """
    if not isinstance(answers, dict):
        raise AnswersInvalid(details={"errors": {"answers": str(_("Les réponses sont illisibles."))}})
    if len(answers) > MAX_ANSWERS:
        raise AnswersInvalid(details={"errors": {"answers": str(_("Trop de réponses pour cette enquête."))}})
    known = {str(question.id) for question in rules.questions}
    unknown = {
        str(key): str(_("Cette question ne fait pas partie de l'enquête.")) for key in answers if str(key) not in known
    }
    if unknown:
        raise AnswersInvalid(details={"errors": unknown})
    kept = {str(key): value for key, value in answers.items() if not _is_empty(value)}
    unstorable = {key: str(INVALID_CHARACTER) for key, value in kept.items() if _unstorable(value)}
    if unstorable:
        raise AnswersInvalid(details={"errors": unstorable})
    if len(json.dumps(kept, default=str)) > DRAFT_TEXT_LIMIT * max(1, len(known)):
        raise AnswersInvalid(details={"errors": {"answers": str(_("Trop de réponses pour cette enquête."))}})
    return kept
