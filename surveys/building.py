"""Building surveys (staff): saving their structure, checking it can open, duplicating one.

Staff build surveys in the Django admin (`surveys/admin.py`); every write of a
survey's structure goes through the services here, and the admin's forms use
the same checks to show each problem next to its field:

- Positions are unique in their list (the database says so). A reordering that
  swaps two positions is written in two steps — the rows that move first step
  aside to free positions, then take their new ones — so staff can swap pages,
  questions, choices or rows in one save.
- Once a survey has responses (a `Participation` exists), its anonymity no
  longer changes and nothing answers point to is deleted (questions, choices,
  rows, pages holding questions): results and exports would lose them, and an
  anonymous survey made named would promise what it never kept.
- A condition ("show only if question X is answered Y") looks back: its
  question belongs to the same survey, comes before (an earlier page, or the
  same page higher up), is answered by picking choices, and Y is one of its
  choices. Reordering that would make a condition look ahead is refused.
- `survey_problems` lists what keeps a survey from opening (a choice question
  with fewer than two choices, a matrix without rows, an image choice without
  its picture or its text, a poll of more than one question…): the admin
  refuses to open a survey that has any, and warns about them before.
- `survey_duplicate` copies a whole survey with bulk inserts, in a constant
  number of queries whatever its size.
"""

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, Count, Max, Value, When
from django.db.models.fields.files import FieldFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from club.core.errors import DomainError
from club.core.images import thumbnail_from
from club.members.middleware import LANGUAGE_PARAMETER
from club.members.models import Member
from surveys.models import Choice, MatrixRow, Participation, Question, Survey, SurveyPage

logger = logging.getLogger(__name__)

Kind = Question.Kind
MIN_CHOICES = 2
POSITION_MAX = 999  # positions staff type; rows that step aside while reordering use higher ones
_STEP_ASIDE = 10_000
# A condition reads which choices were picked: only kinds answered by picking choices (a
# matrix's or a ranking's answer names every choice, so a condition on it means nothing).
CONDITION_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE, Kind.DROPDOWN, Kind.IMAGE_CHOICE})
# "Autre (précisez)" asks for a text next to a pick: not in a matrix scale, a ranking or a picture.
OTHER_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE, Kind.DROPDOWN})
PARIS = ZoneInfo(settings.TIME_ZONE)


class SurveyHasResponses(DomainError):
    code = "survey_has_responses"
    message = _(
        "Cette enquête a déjà des réponses : son anonymat ne change plus et ses questions, choix et lignes "
        "ne se suppriment plus."
    )
    status = 409


class StructureInvalid(DomainError):
    code = "survey_structure_invalid"
    message = _("Cette enquête ne peut pas être enregistrée ainsi.")


# --- States ------------------------------------------------------------------------------


class State(models.TextChoices):
    UPCOMING = "upcoming", _("à venir")
    OPEN = "open", _("ouverte")
    CLOSED = "closed", _("close")


def survey_state(*, survey: Survey, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if now < survey.opens_at:
        return State.UPCOMING
    return State.OPEN if now < survey.closes_at else State.CLOSED


def surveys_in_state(
    *, surveys: "models.QuerySet[Survey]", state: str, now: datetime | None = None
) -> "models.QuerySet[Survey]":
    """The same rule as `survey_state`, in SQL (the admin's filter)."""
    now = now or timezone.now()
    if state == State.UPCOMING:
        return surveys.filter(opens_at__gt=now)
    if state == State.OPEN:
        return surveys.filter(opens_at__lte=now, closes_at__gt=now)
    if state == State.CLOSED:
        return surveys.filter(closes_at__lte=now)
    return surveys


def survey_has_responses(*, survey: Survey) -> bool:
    return survey.pk is not None and Participation.objects.filter(survey_id=survey.pk).exists()


def survey_member_url(*, survey: Survey, language: str | None = None) -> str | None:
    """The address members open the survey at (what a poster's QR code holds); None while that page is missing.

    In another `language` than the site's default, it asks for that language
    (`?lang=en`, heard by `club.members.middleware`): a visitor who scans an
    English poster reads the page in English.
    """
    try:
        url = settings.SITE_URL + reverse("surveys:detail", kwargs={"slug": survey.slug})
    except NoReverseMatch:
        return None
    if language and language != settings.LANGUAGE_CODE and language in dict(settings.LANGUAGES):
        url += "?" + urlencode({LANGUAGE_PARAMETER: language})
    return url


def survey_closing(*, survey: Survey) -> dict:
    """When answers close, in Paris, as people read it: a closing at midnight is "until the day before, inclusive"."""
    local = survey.closes_at.astimezone(PARIS)
    if local.time() == time(0, 0):
        return {"day": (local - timedelta(days=1)).date(), "time": None}
    return {"day": local.date(), "time": local.time()}


# --- Rules of a question, shared by the admin's forms and the opening check -----------------


def _alt_text(choice: Choice) -> str:
    # The French text is the one required (English falls back to it).
    return (getattr(choice, f"picture_alt_{settings.LANGUAGE_CODE}", "") or "").strip()


def choice_problems(*, kind: str, choices: Sequence[Choice]) -> list[str]:
    """What is wrong with a question's choices for its kind (the choices may be unsaved)."""
    problems = []
    if kind in Question.CHOICE_KINDS and len(choices) < MIN_CHOICES:
        problems.append(gettext("Ajoutez au moins deux choix."))
    if kind not in Question.CHOICE_KINDS and choices:
        problems.append(gettext("Ce type de question n'a pas de choix : supprimez-les."))
    if kind == Kind.IMAGE_CHOICE and any(not choice.picture or not _alt_text(choice) for choice in choices):
        problems.append(gettext("Chaque choix d'un choix parmi des images a besoin d'une image et de son texte."))
    others = sum(1 for choice in choices if choice.is_other)
    if others > 1:
        problems.append(gettext("Un seul choix « Autre (précisez) » par question."))
    if others and kind in Question.CHOICE_KINDS and kind not in OTHER_KINDS:
        problems.append(
            gettext("« Autre (précisez) » s'emploie avec un choix unique, des choix multiples ou une liste déroulante.")
        )
    return problems


def row_problems(*, kind: str, rows: int) -> list[str]:
    if kind == Kind.LIKERT and rows < 1:
        return [gettext("Une matrice a besoin d'au moins une ligne.")]
    if kind != Kind.LIKERT and rows:
        return [gettext("Seule une matrice a des lignes : supprimez-les.")]
    return []


def _order(page: SurveyPage, position: int | None) -> tuple[int, int]:
    return (page.position, position or 0)


def condition_problems(
    *,
    question: Question,
    page: SurveyPage,
    position: int | None,
    condition_question: Question | None,
    condition_choice: Choice | None,
) -> dict[str, str]:
    """What is wrong with a question's condition, by form field (empty when it is right)."""
    if condition_question is None and condition_choice is None:
        return {}
    if condition_question is None:
        return {"condition_question": gettext("Choisissez aussi la question dont dépend la condition.")}
    if condition_choice is None:
        return {"condition_choice": gettext("Choisissez aussi la réponse qui affiche cette question.")}
    if condition_question.page.survey_id != page.survey_id:
        return {"condition_question": gettext("La condition porte sur une question d'une autre enquête.")}
    if question.pk is not None and condition_question.pk == question.pk:
        return {"condition_question": gettext("Une question ne peut pas dépendre d'elle-même.")}
    if _order(condition_question.page, condition_question.position) >= _order(page, position):
        return {
            "condition_question": gettext(
                "La condition doit porter sur une question posée avant celle-ci "
                "(page précédente, ou plus haut sur la même page)."
            )
        }
    if condition_question.kind not in CONDITION_KINDS:
        return {
            "condition_question": gettext(
                "Une condition porte sur une question à choix unique, à choix multiples, "
                "à liste déroulante ou à images."
            )
        }
    if condition_choice.question_id != condition_question.pk:
        return {"condition_choice": gettext("Cette réponse n'est pas un choix de la question choisie.")}
    return {}


def dependents_problem(*, question: Question, page: SurveyPage, position: int | None) -> str | None:
    """A question moved after a question whose condition reads it is refused: conditions look back."""
    if question.pk is None:
        return None
    late = [
        dependent
        for dependent in Question.objects.filter(condition_question=question).select_related("page")
        if _order(dependent.page, dependent.position) <= _order(page, position)
    ]
    if not late:
        return None
    return gettext(
        "La question « %(question)s » dépend de celle-ci et doit rester après elle : "
        "déplacez-la d'abord ou changez sa condition."
    ) % {"question": late[0].text}


def page_order_problem(*, survey: Survey, positions: dict[int, int]) -> str | None:
    """Pages renumbered (page id → new position): every condition must still look back (two queries)."""
    if survey.pk is None:
        return None
    positions = {**dict(SurveyPage.objects.filter(survey=survey).values_list("pk", "position")), **positions}
    conditioned = Question.objects.filter(page__survey=survey, condition_question__isnull=False).values_list(
        "text", "page_id", "position", "condition_question__page_id", "condition_question__position"
    )
    for text, page_id, position, before_page_id, before_position in conditioned:
        if (positions.get(before_page_id, 0), before_position) >= (positions.get(page_id, 0), position):
            return gettext(
                "Avec cet ordre des pages, la question « %(question)s » viendrait avant celle dont dépend sa condition."
            ) % {"question": text}
    return None


def survey_problems(*, survey: Survey) -> list[str]:
    """What keeps the survey from opening, in words for staff (three queries)."""
    if survey.pk is None:
        return [gettext("Aucune question : ajoutez-en au moins une.")]
    questions = list(
        Question.objects.filter(page__survey=survey)
        .annotate(row_count=Count("rows"))
        .order_by("page__position", "position")
    )
    if not questions:
        return [gettext("Aucune question : ajoutez-en au moins une.")]
    problems = []
    if survey.kind == Survey.Kind.POLL and len(questions) > 1:
        problems.append(
            gettext("Un sondage n'a qu'une question (celui-ci en a %(count)s).") % {"count": len(questions)}
        )
    choices: dict[int, list[Choice]] = {}
    for choice in Choice.objects.filter(question__page__survey=survey).order_by("question_id", "position"):
        choices.setdefault(choice.question_id, []).append(choice)
    for question in questions:
        found = choice_problems(kind=question.kind, choices=choices.get(question.pk, []))
        found += row_problems(kind=question.kind, rows=question.row_count)
        problems += [f"« {question.text} » : {problem}" for problem in found]
    return problems


# --- Saving ------------------------------------------------------------------------------


def survey_save(*, survey: Survey) -> Survey:
    """Save a survey edited by staff; its anonymity is fixed once it has responses."""
    with transaction.atomic():
        if survey.pk is not None:
            was_anonymous = Survey.objects.filter(pk=survey.pk).values_list("anonymous", flat=True).first()
            if was_anonymous is not None and was_anonymous != survey.anonymous and survey_has_responses(survey=survey):
                raise SurveyHasResponses()
        survey.save()
    return survey


def _positions_save(model: type[models.Model], items: Sequence[models.Model]) -> None:
    """Save rows of one list; those whose position changes step aside first, so swaps never collide."""
    existing = [item for item in items if item.pk is not None]
    stored = dict(model._default_manager.filter(pk__in=[i.pk for i in existing]).values_list("pk", "position"))
    moved = [item.pk for item in existing if stored.get(item.pk) != item.position]  # type: ignore[attr-defined]
    if moved:
        aside = Case(*(When(pk=pk, then=Value(_STEP_ASIDE + n)) for n, pk in enumerate(moved)))
        model._default_manager.filter(pk__in=moved).update(position=aside)
    for item in items:
        item.save()


def _refuse_deletion_with_responses(survey: Survey, deleted: Sequence[models.Model]) -> None:
    if deleted and survey_has_responses(survey=survey):
        raise SurveyHasResponses()


def pages_save(*, survey: Survey, pages: Sequence[SurveyPage], deleted: Sequence[SurveyPage] = ()) -> None:
    """Save a survey's pages; a page is deleted only once it holds no question."""
    with transaction.atomic():
        if deleted:
            if Question.objects.filter(page__in=deleted).exists():
                raise StructureInvalid(gettext("Une page qui contient des questions ne se supprime pas."))
            SurveyPage.objects.filter(pk__in=[page.pk for page in deleted]).delete()
        for page in pages:
            page.survey = survey
        _positions_save(SurveyPage, pages)
        positions = dict(SurveyPage.objects.filter(survey=survey).values_list("pk", "position"))
        problem = page_order_problem(survey=survey, positions=positions)
        if problem:
            raise StructureInvalid(problem)


def question_save(*, question: Question) -> Question:
    """Save a question edited by staff (its condition checked again, its kind fixed once answered)."""
    page = SurveyPage.objects.select_related("survey").get(pk=question.page_id)
    condition_question = (
        Question.objects.select_related("page").get(pk=question.condition_question_id)
        if question.condition_question_id
        else None
    )
    condition_choice = Choice.objects.get(pk=question.condition_choice_id) if question.condition_choice_id else None
    problems = condition_problems(
        question=question,
        page=page,
        position=question.position,
        condition_question=condition_question,
        condition_choice=condition_choice,
    )
    problem = next(iter(problems.values()), None) or dependents_problem(
        question=question, page=page, position=question.position
    )
    if problem:
        raise StructureInvalid(problem)
    with transaction.atomic():
        if question.pk is not None:
            before = Question.objects.filter(pk=question.pk).values("kind", "page__survey_id").first()
            if before and before["page__survey_id"] != page.survey_id:
                raise StructureInvalid(gettext("Une question ne passe pas d'une enquête à une autre."))
            if before and before["kind"] != question.kind and survey_has_responses(survey=page.survey):
                raise SurveyHasResponses(
                    gettext("Cette enquête a déjà des réponses : le type de ses questions ne change plus.")
                )
        _positions_save(Question, [question])
    return question


def question_delete(*, question: Question) -> None:
    """Delete a question (and the questions whose condition reads it) while its survey has no response."""
    survey = Survey.objects.get(pages=question.page_id)
    with transaction.atomic():
        _refuse_deletion_with_responses(survey, [question])
        question.delete()


def choices_save(
    *,
    question: Question,
    choices: Sequence[Choice],
    deleted: Sequence[Choice] = (),
    pictures_changed: Iterable[Choice] = (),
) -> None:
    """Save a question's choices; a new or removed picture gets its thumbnail redone."""
    survey = Survey.objects.get(pages=question.page_id)
    with transaction.atomic():
        if deleted:
            _refuse_deletion_with_responses(survey, deleted)
            used = Question.objects.filter(condition_choice__in=deleted).exclude(pk=question.pk).first()
            if used is not None:
                raise StructureInvalid(
                    gettext("Ce choix sert de condition à la question « %(question)s ».") % {"question": used.text}
                )
            Choice.objects.filter(pk__in=[choice.pk for choice in deleted]).delete()
        for choice in choices:
            choice.question = question
        _positions_save(Choice, choices)
        for choice in pictures_changed:
            choice_picture_save(choice=choice)


def choice_picture_save(*, choice: Choice) -> Choice:
    """Make the choice's thumbnail from its (already stored) picture, or drop it with the picture."""
    if choice.picture:
        with choice.picture.open("rb") as source:
            choice.thumbnail.save("thumbnail.jpg", thumbnail_from(source), save=False)
    else:
        choice.thumbnail = ""
    Choice.objects.filter(pk=choice.pk).update(thumbnail=choice.thumbnail.name or "")
    return choice


def rows_save(*, question: Question, rows: Sequence[MatrixRow], deleted: Sequence[MatrixRow] = ()) -> None:
    survey = Survey.objects.get(pages=question.page_id)
    with transaction.atomic():
        if deleted:
            _refuse_deletion_with_responses(survey, deleted)
            MatrixRow.objects.filter(pk__in=[row.pk for row in deleted]).delete()
        for row in rows:
            row.question = question
        _positions_save(MatrixRow, rows)


def next_position(*, model: type[models.Model], **parent) -> int:
    """The position after the last one of a list (1 for an empty list)."""
    last = model._default_manager.filter(**parent).aggregate(last=Max("position"))["last"]
    return min((last or 0) + 1, POSITION_MAX)


# --- Duplicating -------------------------------------------------------------------------


@dataclass
class _Copier:
    """Copies rows of one model, translations included, with one SELECT and one INSERT."""

    model: type[models.Model]
    parent: str  # the foreign key to the copied parent ("survey", "page", "question")

    def skipped(self) -> set[str]:
        # Each copied model has translated texts: the copy takes each language's column, and its
        # untranslated column follows the default language's when it is saved.
        translated = set(getattr(translator.get_options_for_model(self.model), "fields", {}))
        return translated | {self.model._meta.pk.name, self.parent}

    def copy(self, originals: Sequence[models.Model], parents: dict[int, int], **changes) -> dict[int, int]:
        """Insert copies under the copied parents; returns original id → copy id."""
        skipped = self.skipped()
        fields = [f for f in self.model._meta.concrete_fields if f.name not in skipped]
        copies = []
        for original in originals:
            values = {}
            for field in fields:
                value = getattr(original, field.attname)
                values[field.attname] = value.name if isinstance(value, FieldFile) else value
            values[f"{self.parent}_id"] = parents[getattr(original, f"{self.parent}_id")]
            values.update(changes)
            copies.append(self.model(**values))
        self.model._default_manager.bulk_create(copies)
        return {original.pk: copy.pk for original, copy in zip(originals, copies, strict=True)}


def _years_later(moment: datetime, years: int) -> datetime:
    """The same wall-clock time in Paris, `years` later (29 February becomes the 28th)."""
    local = moment.astimezone(PARIS).replace(tzinfo=None)
    try:
        shifted = local.replace(year=local.year + years)
    except ValueError:
        shifted = local.replace(year=local.year + years, day=28)
    return timezone.make_aware(shifted, PARIS)


def _years_to_future(opens_at: datetime, now: datetime) -> int:
    years = max(0, now.year - opens_at.year - 1)
    while _years_later(opens_at, years) <= now:
        years += 1
    return years


def _copy_slug(slug: str, year: int) -> str:
    """`<slug without its year>-<year>`, then `-2`, `-3`… until free (one query)."""
    max_length = Survey._meta.get_field("slug").max_length or 50
    base = re.sub(r"-\d{4}(-\d+)?$", "", slug) or "enquete"
    stem = f"{base[: max_length - len(f'-{year}') - 4].rstrip('-')}-{year}"
    taken = set(Survey.objects.filter(slug__startswith=stem).values_list("slug", flat=True))
    candidate, n = stem, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


COPY_SUFFIXES = {"fr": " (copie)", "en": " (copy)"}


def _copy_title(title: str, language: str) -> str:
    if not title:
        return title
    suffix = COPY_SUFFIXES.get(language, COPY_SUFFIXES["fr"])
    max_length = Survey._meta.get_field("title").max_length or 200
    return title[: max_length - len(suffix)] + suffix


def _survey_copy(survey: Survey, now: datetime) -> Survey:
    years = _years_to_future(survey.opens_at, now)
    opens_at = _years_later(survey.opens_at, years)
    copy = Survey(
        kind=survey.kind,
        slug=_copy_slug(survey.slug, opens_at.astimezone(PARIS).year),
        museum_id=survey.museum_id,
        opens_at=opens_at,
        closes_at=_years_later(survey.closes_at, years),
        points=survey.points,
        audience=survey.audience,
        anonymous=survey.anonymous,
        results=survey.results,
        created_at=now,
    )
    for language, _name in settings.LANGUAGES:
        for name in ("title", "introduction"):
            value = getattr(survey, f"{name}_{language}", "") or ""
            setattr(copy, f"{name}_{language}", _copy_title(value, language) if name == "title" else value)
    return copy


def survey_duplicate(*, survey: Survey, by: Member | None, now: datetime | None = None) -> Survey:
    """A copy of the survey to run again: same texts (every language), audience, pages, questions,
    choices (pictures shared), matrix rows and conditions (pointing at the copies).

    Its title says "(copie)", its slug is new, its dates move by whole years until it opens
    in the future. No response, draft or counter is copied. About a dozen queries, whatever
    the number of questions.
    """
    now = now or timezone.now()
    # The untranslated columns take the default language's texts, whoever duplicates.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        copy = _survey_copy(survey, now)
        copy.save()
        Through = Survey.audience_museums.through
        museums = Through.objects.filter(survey_id=survey.pk).values_list("museum_id", flat=True)
        Through.objects.bulk_create([Through(survey_id=copy.pk, museum_id=museum) for museum in museums])

        pages = _Copier(SurveyPage, "survey").copy(
            list(SurveyPage.objects.filter(survey=survey).order_by("position")), {survey.pk: copy.pk}
        )
        originals = list(Question.objects.filter(page__survey=survey).order_by("page__position", "position"))
        questions = _Copier(Question, "page").copy(
            originals, pages, condition_question_id=None, condition_choice_id=None
        )
        choices = _Copier(Choice, "question").copy(
            list(Choice.objects.filter(question__page__survey=survey).order_by("question_id", "position")), questions
        )
        _Copier(MatrixRow, "question").copy(
            list(MatrixRow.objects.filter(question__page__survey=survey).order_by("question_id", "position")),
            questions,
        )
        conditioned = [
            Question(
                pk=questions[original.pk],
                condition_question_id=questions[original.condition_question_id],
                condition_choice_id=choices[original.condition_choice_id],
            )
            for original in originals
            if original.condition_question_id and original.condition_choice_id
        ]
        if conditioned:
            Question.objects.bulk_update(conditioned, ["condition_question", "condition_choice"])
    logger.info("survey %s duplicated as %s by %s", survey.pk, copy.pk, getattr(by, "pk", None))
    return copy


def survey_outline(*, survey: Survey) -> list[dict]:
    """The survey's pages with their questions, for the admin's plan (two queries)."""
    questions: dict[int, list[Question]] = {}
    rows = (
        Question.objects.filter(page__survey=survey)
        .select_related("condition_question", "condition_choice")
        .annotate(choice_count=Count("choices", distinct=True), row_count=Count("rows", distinct=True))
        .order_by("position")
    )
    for question in rows:
        questions.setdefault(question.page_id, []).append(question)
    return [
        {"page": page, "questions": questions.get(page.pk, [])}
        for page in SurveyPage.objects.filter(survey=survey).order_by("position")
    ]


def condition_candidates(*, survey_id: int) -> "models.QuerySet[Question]":
    """The questions a condition may read in this survey (kinds answered by picking choices)."""
    return (
        Question.objects.filter(page__survey_id=survey_id, kind__in=CONDITION_KINDS)
        .select_related("page")
        .order_by("page__position", "position")
    )
