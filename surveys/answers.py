"""Checking a response against its survey, in Python, without a query per question.

`structure_of(survey)` reads the survey's questions, choices and matrix rows
once (three queries, whatever their number); `answers_check(structure,
answers)` checks a whole response against it and returns the `Answer` rows to
insert, or raises `AnswersInvalid` with one message per question, so a page
shows each next to its question and keeps what was typed, and the API answers
a 400 with the same details.

A response is a mapping from question id (as text, as JSON keys are) to:
- single, dropdown, image choice: a choice id, or `{"choice": id, "other": "…"}`
  for an "Autre (précisez)" choice;
- multiple choice: a list of those;
- rating (1–5), NPS (0–10), number: an integer;
- Likert matrix: `{row id: choice id}`;
- ranking: every choice id once, the preferred first;
- short and long text: a string; date: "YYYY-MM-DD".

A question is shown when it has no condition or when its condition's question
was answered with its choice; an answer to a hidden question is refused, and
"required" applies only to shown questions.
"""

import json
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from club.core.errors import DomainError
from surveys.models import Answer, Choice, MatrixRow, Question, Survey

MAX_ANSWERS = 500  # more keys than any survey has questions: refused before anything is read
SHORT_TEXT_LIMIT = 200
OTHER_TEXT_LIMIT = 200
RATING_RANGE = (1, 5)
NPS_RANGE = (0, 10)


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


class _Refused(Exception):
    def __init__(self, message):
        self.message = message


def _integer(value, low=None, high=None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        else:
            raise _Refused(_("Indiquez un nombre entier."))
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            raise _Refused(_("Indiquez un nombre entre %(low)s et %(high)s.") % {"low": low, "high": high})
        if low is not None:
            raise _Refused(_("Indiquez un nombre d'au moins %(low)s.") % {"low": low})
        raise _Refused(_("Indiquez un nombre d'au plus %(high)s.") % {"high": high})
    return value


def _text(value, limit: int) -> str:
    if not isinstance(value, str):
        raise _Refused(_("Répondez par un texte."))
    value = value.strip()
    if len(value) > limit:
        raise _Refused(_("Votre réponse dépasse %(limit)s caractères.") % {"limit": limit})
    return value


def _picked(question: Question, value, choices: dict[int, Choice]) -> tuple[Choice, str]:
    """One picked choice, with the text of an "Autre (précisez)"."""
    other = ""
    if isinstance(value, dict):
        other = value.get("other", "")
        value = value.get("choice")
    try:
        choice = choices[_integer(value)]
    except (_Refused, KeyError):
        raise _Refused(_("Ce choix ne fait pas partie de la question.")) from None
    if choice.is_other:
        other = _text(other, OTHER_TEXT_LIMIT)
        if not other:
            raise _Refused(_("Précisez votre réponse « %(choice)s ».") % {"choice": choice.label})
    elif other:
        raise _Refused(_("Seul le choix « Autre » se précise."))
    return choice, other


def _rows_for(question: Question, value, structure: Structure) -> list[Answer]:
    kind, choices = question.kind, structure.choices.get(question.pk, {})
    new = lambda **fields: Answer(question=question, **fields)  # noqa: E731 - one line per kind below
    if kind in (Question.Kind.SINGLE, Question.Kind.DROPDOWN, Question.Kind.IMAGE_CHOICE):
        choice, other = _picked(question, value, choices)
        return [new(choice=choice, text=other)]
    if kind == Question.Kind.MULTIPLE:
        if not isinstance(value, list) or not value:
            raise _Refused(_("Cochez au moins un choix."))
        picked = [_picked(question, item, choices) for item in value]
        if len({choice.pk for choice, _other in picked}) != len(picked):
            raise _Refused(_("Chaque choix ne compte qu'une fois."))
        if question.max_choices and len(picked) > question.max_choices:
            count = question.max_choices
            raise _Refused(
                ngettext("Cochez au plus %(count)s choix.", "Cochez au plus %(count)s choix.", count) % {"count": count}
            )
        return [new(choice=choice, text=other) for choice, other in picked]
    if kind == Question.Kind.RATING:
        return [new(number=_integer(value, *RATING_RANGE))]
    if kind == Question.Kind.NPS:
        return [new(number=_integer(value, *NPS_RANGE))]
    if kind == Question.Kind.NUMBER:
        return [new(number=_integer(value, question.min_value, question.max_value))]
    if kind == Question.Kind.LIKERT:
        rows = structure.rows.get(question.pk, {})
        if not isinstance(value, dict):
            raise _Refused(_("Répondez pour chaque ligne."))
        answered = {}
        for row_id, choice_id in value.items():
            row = rows.get(_integer(row_id)) if str(row_id).strip().isdigit() else None
            if row is None:
                raise _Refused(_("Cette ligne ne fait pas partie de la question."))
            answered[row] = _picked(question, choice_id, choices)[0]
        if question.required and len(answered) != len(rows):
            raise _Refused(_("Répondez pour chaque ligne."))
        return [new(row=row, choice=choice) for row, choice in answered.items()]
    if kind == Question.Kind.RANKING:
        if not isinstance(value, list):
            raise _Refused(_("Classez tous les choix."))
        ranked = [_picked(question, item, choices)[0] for item in value]
        if len({choice.pk for choice in ranked}) != len(ranked) or len(ranked) != len(choices):
            raise _Refused(_("Classez chaque choix une fois, sans en oublier."))
        return [new(choice=choice, rank=rank) for rank, choice in enumerate(ranked, start=1)]
    if kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
        limit = min(question.max_length, SHORT_TEXT_LIMIT) if kind == Question.Kind.SHORT_TEXT else question.max_length
        text = _text(value, limit)
        return [new(text=text)] if text else []
    if kind == Question.Kind.DATE:
        try:
            return [new(date=date.fromisoformat(str(value)))]
        except ValueError:
            raise _Refused(_("Indiquez une date (jour, mois, année).")) from None
    raise _Refused(_("Cette question ne peut pas recevoir de réponse."))


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def shown_questions(structure: Structure, answers: dict) -> list[Question]:
    """The questions a member sees given their answers (a condition reads the answer to an earlier question)."""
    shown: list[Question] = []
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
            if isinstance(item, int) and not isinstance(item, bool):
                ids.add(item)
            elif isinstance(item, str) and item.strip().isdigit():
                ids.add(int(item))
        picked[question.pk] = ids
    return shown


def answers_check(structure: Structure, answers) -> list[Answer]:
    """Every answer checked (no query): the rows to insert, or `AnswersInvalid` with a message per question."""
    if not isinstance(answers, dict):
        raise AnswersInvalid(details={"errors": {"answers": str(_("Les réponses sont illisibles."))}})
    if len(answers) > MAX_ANSWERS:
        raise AnswersInvalid(details={"errors": {"answers": str(_("Trop de réponses pour cette enquête."))}})
    known = {str(question.pk) for question in structure.questions}
    errors: dict[str, str] = {
        key: str(_("Cette question ne fait pas partie de l'enquête.")) for key in answers if str(key) not in known
    }
    shown = shown_questions(structure, answers)
    shown_ids = {str(question.pk) for question in shown}
    for key, value in answers.items():
        if str(key) in known and str(key) not in shown_ids and not _is_empty(value):
            errors[str(key)] = str(_("Cette question ne s'affiche pas avec vos réponses : elle reste sans réponse."))
    rows: list[Answer] = []
    for question in shown:
        value = answers.get(str(question.pk))
        if _is_empty(value):
            if question.required:
                errors[str(question.pk)] = str(_("Cette question demande une réponse."))
            continue
        try:
            rows.extend(_rows_for(question, value, structure))
        except _Refused as refusal:
            errors[str(question.pk)] = str(refusal.message)
    if errors:
        raise AnswersInvalid(details={"errors": errors})
    return rows


DRAFT_TEXT_LIMIT = 10_000


def draft_answers_clean(structure: Structure, answers) -> dict:
    """A draft's answers: only the survey's own questions, JSON values of a sane size (no query).

    Whether each answer is right is checked at submission (`answers_check`);
    a draft keeps what the member typed, even half-done.
    """
    if not isinstance(answers, dict):
        raise AnswersInvalid(details={"errors": {"answers": str(_("Les réponses sont illisibles."))}})
    if len(answers) > MAX_ANSWERS:
        raise AnswersInvalid(details={"errors": {"answers": str(_("Trop de réponses pour cette enquête."))}})
    known = {str(question.pk) for question in structure.questions}
    unknown = {
        str(key): str(_("Cette question ne fait pas partie de l'enquête.")) for key in answers if str(key) not in known
    }
    if unknown:
        raise AnswersInvalid(details={"errors": unknown})
    kept = {str(key): value for key, value in answers.items() if not _is_empty(value)}
    if len(json.dumps(kept, default=str)) > DRAFT_TEXT_LIMIT * max(1, len(known)):
        raise AnswersInvalid(details={"errors": {"answers": str(_("Trop de réponses pour cette enquête."))}})
    return kept
