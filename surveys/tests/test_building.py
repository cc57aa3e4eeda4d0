"""Building surveys: the structure's rules, the opening check, reordering, pictures and duplication."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from club.members.tests.factories import MemberFactory, MuseumFactory
from surveys import building
from surveys.models import (
    Choice,
    Draft,
    MatrixRow,
    Participation,
    Question,
    ResponseCount,
    Submission,
    Survey,
    SurveyPage,
    Tally,
)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
Kind = Question.Kind


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def survey_make(*, slug: str = "cartels", opens_in: timedelta = timedelta(days=7), **fields) -> Survey:
    """A survey opening later (so it may still be incomplete), with its French and English titles."""
    now = timezone.now()
    fields.setdefault("title_fr", "Nos cartels sont-ils clairs ?")
    fields.setdefault("title_en", "Are our labels clear?")
    return Survey.objects.create(
        slug=slug, opens_at=now + opens_in, closes_at=now + opens_in + timedelta(days=30), **fields
    )


def question_make(page: SurveyPage, kind: str = Kind.SINGLE, *, choices=("Oui", "Non"), **fields) -> Question:
    fields.setdefault(
        "position", (page.questions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    )
    fields.setdefault("text_fr", f"Question {fields['position']} ?")
    question = Question.objects.create(page=page, kind=kind, **fields)
    Choice.objects.bulk_create(
        [Choice(question=question, position=n, label_fr=label) for n, label in enumerate(choices, start=1)]
    )
    return question


def rich_survey(*, extra_questions: int = 3, slug: str = "cartels-2025", **fields) -> Survey:
    """Two pages: a single choice (with "Autre"), a matrix, an image choice, then questions conditioned on the first."""
    fields.setdefault("opens_in", timedelta(days=-400))
    survey = survey_make(
        slug=slug,
        introduction_fr="Dites-nous si nos cartels se lisent bien.",
        introduction_en="Tell us whether our labels read well.",
        audience=Survey.Audience.MUSEUM_FANS,
        anonymous=True,
        points=25,
        **fields,
    )
    survey.audience_museums.add(MuseumFactory(), MuseumFactory())
    first = SurveyPage.objects.create(survey=survey, position=1, title_fr="Votre visite", title_en="Your visit")
    second = SurveyPage.objects.create(survey=survey, position=2, title_fr="Les cartels")
    often = question_make(first, choices=("Oui", "Non", "Autre"), text_fr="Venez-vous souvent ?", text_en="Often?")
    Choice.objects.filter(question=often, position=1).update(label_en="Yes")
    Choice.objects.filter(question=often, position=3).update(is_other=True)
    yes = often.choices.get(position=1)
    matrix = question_make(first, Kind.LIKERT, choices=("Pas du tout", "Un peu", "Tout à fait"))
    MatrixRow.objects.bulk_create(
        [MatrixRow(question=matrix, position=n, label_fr=label) for n, label in enumerate(("Lisible", "Utile"), 1)]
    )
    pictures = question_make(first, Kind.IMAGE_CHOICE, choices=("Affiche A", "Affiche B"))
    Choice.objects.filter(question=pictures).update(
        picture="surveys/choices/a.jpg", thumbnail="surveys/choices/thumbs/a.jpg", picture_alt_fr="Une affiche"
    )
    for n in range(extra_questions):
        question_make(
            second, text_fr=f"Cartel {n} ?", text_en=f"Label {n}?", condition_question=often, condition_choice=yes
        )
    return survey


def structure(survey: Survey) -> list:
    """Everything staff built, without ids, conditions named by position: comparable between copies."""
    questions = Question.objects.filter(page__survey=survey).select_related(
        "page", "condition_question__page", "condition_choice"
    )
    return [
        (
            (q.page.position, q.page.title_fr, q.page.title_en),
            (q.position, q.kind, q.text_fr, q.text_en, q.required, q.max_choices),
            [
                (c.position, c.label_fr, c.label_en, c.is_other, c.picture.name, c.thumbnail.name, c.picture_alt_fr)
                for c in q.choices.all()
            ],
            [(r.position, r.label_fr) for r in q.rows.all()],
            (
                (q.condition_question.page.position, q.condition_question.position, q.condition_choice.position)
                if q.condition_question
                else None
            ),
        )
        for q in questions.order_by("page__position", "position")
    ]


# --- Duplicating ---------------------------------------------------------------------------


def test_a_duplicate_copies_the_whole_structure_translations_and_audience(clock):
    survey = rich_survey()
    copy = building.survey_duplicate(survey=survey, by=MemberFactory(is_staff=True))
    assert copy.pk != survey.pk
    assert structure(copy) == structure(survey)
    assert (copy.title_fr, copy.title_en) == ("Nos cartels sont-ils clairs ? (copie)", "Are our labels clear? (copy)")
    assert (copy.introduction_fr, copy.introduction_en) == (survey.introduction_fr, survey.introduction_en)
    assert set(copy.audience_museums.all()) == set(survey.audience_museums.all())
    assert (copy.kind, copy.audience, copy.anonymous, copy.points, copy.results) == (
        survey.kind,
        survey.audience,
        survey.anonymous,
        survey.points,
        survey.results,
    )
    survey.refresh_from_db()
    assert survey.title_fr == "Nos cartels sont-ils clairs ?"  # the original is untouched


def test_a_duplicate_points_its_conditions_at_its_own_questions_and_choices():
    survey = rich_survey()
    copy = building.survey_duplicate(survey=survey, by=None)
    conditioned = Question.objects.filter(page__survey=copy, condition_question__isnull=False)
    assert conditioned.count() == 3
    for question in conditioned.select_related("condition_question__page", "condition_choice__question"):
        assert question.condition_question.page.survey_id == copy.pk
        assert question.condition_choice.question_id == question.condition_question_id
        assert question.condition_choice.label_fr == "Oui"


def test_a_duplicate_copies_no_response_draft_or_counter():
    survey = rich_survey()
    member = MemberFactory()
    Participation.objects.create(member=member, survey=survey, answered_on=timezone.localdate())
    Submission.objects.create(survey=survey, submitted_on=timezone.localdate())
    Draft.objects.create(member=member, survey=survey, answers={"1": 2})
    ResponseCount.objects.create(survey=survey, day=timezone.localdate(), count=1)
    question = Question.objects.filter(page__survey=survey).first()
    Tally.objects.create(survey=survey, question=question, key="t", day=timezone.localdate(), count=1)
    copy = building.survey_duplicate(survey=survey, by=None)
    for model in (Participation, Submission, Draft, ResponseCount, Tally):
        assert not model.objects.filter(survey=copy).exists(), model


def test_a_duplicate_opens_in_the_future_whole_years_later_at_the_same_paris_time(clock):
    survey = survey_make(slug="cartels-2025")
    survey.opens_at, survey.closes_at = paris(2025, 3, 1, 9, 0), paris(2025, 3, 31, 18, 0)  # winter, then summer time
    survey.save()
    copy = building.survey_duplicate(survey=survey, by=None)  # now: 14 November 2026
    assert copy.opens_at.astimezone(PARIS) == paris(2027, 3, 1, 9, 0)
    assert copy.closes_at.astimezone(PARIS) == paris(2027, 3, 31, 18, 0)
    assert copy.slug == "cartels-2027"


def test_a_duplicate_of_an_upcoming_survey_keeps_its_dates(clock):
    survey = survey_make(slug="cartels")
    copy = building.survey_duplicate(survey=survey, by=None)
    assert (copy.opens_at, copy.closes_at) == (survey.opens_at, survey.closes_at)
    assert copy.slug.startswith("cartels-") and copy.slug != survey.slug


def test_a_duplicate_from_29_february_opens_on_the_28th(clock):
    survey = survey_make(slug="bissextile")
    survey.opens_at, survey.closes_at = paris(2024, 2, 29, 10, 0), paris(2024, 3, 10, 10, 0)
    survey.save()
    copy = building.survey_duplicate(survey=survey, by=None)
    assert copy.opens_at.astimezone(PARIS) == paris(2027, 2, 28, 10, 0)


def test_duplicate_slugs_are_unique_and_derived_from_the_original(clock):
    survey = survey_make(slug="cartels-2025")
    survey.opens_at, survey.closes_at = paris(2025, 12, 1, 9, 0), paris(2025, 12, 20, 9, 0)
    survey.save()
    slugs = [building.survey_duplicate(survey=survey, by=None).slug for _ in range(3)]
    assert slugs == ["cartels-2026", "cartels-2026-2", "cartels-2026-3"]
    long = survey_make(slug="x" * 50)
    assert len(building.survey_duplicate(survey=long, by=None).slug) <= 50


def test_a_duplicate_title_fits_its_column():
    survey = survey_make(slug="long", title_fr="T" * 200, title_en="")
    copy = building.survey_duplicate(survey=survey, by=None)
    assert copy.title_fr.endswith(" (copie)") and len(copy.title_fr) == 200
    assert copy.title_en == ""


def _duplicate_queries(extra_questions: int, slug: str) -> int:
    survey = rich_survey(extra_questions=extra_questions, slug=slug)
    with CaptureQueriesContext(connection) as queries:
        building.survey_duplicate(survey=survey, by=None)
    return len(queries)


def test_duplicating_takes_as_many_queries_for_30_questions_as_for_3():
    few, many = _duplicate_queries(3, "petite"), _duplicate_queries(30, "grande")
    assert few == many
    assert many <= 16


# --- Rules of the structure ------------------------------------------------------------------


def test_survey_problems_name_each_incomplete_question():
    survey = survey_make(kind=Survey.Kind.POLL)
    assert building.survey_problems(survey=survey) == ["Aucune question : ajoutez-en au moins une."]
    page = SurveyPage.objects.create(survey=survey, position=1)
    question_make(page, text_fr="Une seule ?", choices=("Oui",))
    question_make(page, Kind.LIKERT, text_fr="Matrice ?")
    question_make(page, Kind.IMAGE_CHOICE, text_fr="Images ?")
    question_make(page, Kind.RATING, text_fr="Note ?", choices=("Oui",))
    problems = building.survey_problems(survey=survey)
    assert problems == [
        "Un sondage n'a qu'une question (celui-ci en a 4).",
        "« Une seule ? » : Ajoutez au moins deux choix.",
        "« Matrice ? » : Une matrice a besoin d'au moins une ligne.",
        "« Images ? » : Chaque choix d'un choix parmi des images a besoin d'une image et de son texte.",
        "« Note ? » : Ce type de question n'a pas de choix : supprimez-les.",
    ]


def test_a_complete_survey_has_no_problem():
    assert building.survey_problems(survey=rich_survey()) == []


def test_choice_problems_allow_one_other_choice_for_picking_kinds_only():
    other = Choice(label_fr="Autre", is_other=True)
    plain = Choice(label_fr="Oui")
    assert building.choice_problems(kind=Kind.SINGLE, choices=[plain, other]) == []
    assert building.choice_problems(kind=Kind.SINGLE, choices=[plain, other, Choice(is_other=True)]) == [
        "Un seul choix « Autre (précisez) » par question."
    ]
    assert building.choice_problems(kind=Kind.RANKING, choices=[plain, other]) == [
        "« Autre (précisez) » s'emploie avec un choix unique, des choix multiples ou une liste déroulante."
    ]


def test_a_condition_must_look_back_within_the_same_survey_at_a_choice_of_its_question():
    survey = rich_survey()
    often = Question.objects.get(page__survey=survey, text_fr="Venez-vous souvent ?")
    yes, matrix = often.choices.get(position=1), Question.objects.get(page__survey=survey, kind=Kind.LIKERT)
    first, second = survey.pages.order_by("position")
    check = building.condition_problems
    new = Question(page=second)
    assert check(question=new, page=second, position=9, condition_question=often, condition_choice=yes) == {}
    # Before its condition's question: on an earlier page, or higher up on the same page.
    assert "condition_question" in check(
        question=new, page=first, position=1, condition_question=often, condition_choice=yes
    )
    assert check(question=often, page=first, position=1, condition_question=often, condition_choice=yes)
    # A matrix answers every row: nothing to condition on.
    assert "condition_question" in check(
        question=new, page=second, position=9, condition_question=matrix, condition_choice=matrix.choices.first()
    )
    # The answer must be one of that question's choices.
    assert "condition_choice" in check(
        question=new, page=second, position=9, condition_question=often, condition_choice=matrix.choices.first()
    )
    # Both halves or none.
    assert "condition_choice" in check(
        question=new, page=second, position=9, condition_question=often, condition_choice=None
    )
    other = rich_survey(slug="autre")
    elsewhere = Question.objects.get(page__survey=other, text_fr="Venez-vous souvent ?")
    assert "condition_question" in check(
        question=new, page=second, position=9, condition_question=elsewhere, condition_choice=elsewhere.choices.first()
    )


def test_a_question_read_by_a_condition_cannot_move_after_the_question_that_reads_it():
    survey = rich_survey(extra_questions=1)
    often = Question.objects.get(page__survey=survey, text_fr="Venez-vous souvent ?")
    second = survey.pages.get(position=2)
    assert building.dependents_problem(question=often, page=second, position=5)
    often.page, often.position = second, 5
    with pytest.raises(building.StructureInvalid):
        building.question_save(question=often)


def test_reordering_pages_that_would_put_a_condition_after_its_question_is_refused():
    survey = rich_survey()
    first, second = survey.pages.order_by("position")
    first.position, second.position = 2, 1
    with pytest.raises(building.StructureInvalid):
        building.pages_save(survey=survey, pages=[first, second])
    assert list(survey.pages.order_by("position").values_list("pk", flat=True)) == [first.pk, second.pk]


def test_swapping_two_positions_in_one_save_is_written_without_collision():
    survey = survey_make()
    a = SurveyPage.objects.create(survey=survey, position=1, title_fr="A")
    b = SurveyPage.objects.create(survey=survey, position=2, title_fr="B")
    a.position, b.position = 2, 1
    building.pages_save(survey=survey, pages=[a, b])
    assert list(survey.pages.order_by("position").values_list("title_fr", flat=True)) == ["B", "A"]
    question = question_make(b, choices=("Oui", "Non", "Peut-être"))
    yes, no, maybe = question.choices.order_by("position")
    yes.position, no.position, maybe.position = 3, 1, 2
    building.choices_save(question=question, choices=[yes, no, maybe])
    assert list(question.choices.order_by("position").values_list("label_fr", flat=True)) == ["Non", "Peut-être", "Oui"]


def test_the_anonymity_of_an_answered_survey_is_fixed():
    survey = survey_make(anonymous=True)
    survey.anonymous = False
    building.survey_save(survey=survey)  # no response yet: staff may change their mind
    Participation.objects.create(member=MemberFactory(), survey=survey, answered_on=timezone.localdate())
    survey.anonymous = True
    with pytest.raises(building.SurveyHasResponses):
        building.survey_save(survey=survey)
    survey.refresh_from_db()
    assert survey.anonymous is False


def test_nothing_answers_point_to_is_deleted_once_the_survey_has_responses():
    survey = rich_survey()
    Participation.objects.create(member=MemberFactory(), survey=survey, answered_on=timezone.localdate())
    matrix = Question.objects.get(page__survey=survey, kind=Kind.LIKERT)
    with pytest.raises(building.SurveyHasResponses):
        building.choices_save(question=matrix, choices=[], deleted=[matrix.choices.first()])
    with pytest.raises(building.SurveyHasResponses):
        building.rows_save(question=matrix, rows=[], deleted=[matrix.rows.first()])
    with pytest.raises(building.SurveyHasResponses):
        building.question_delete(question=matrix)
    assert (matrix.choices.count(), matrix.rows.count()) == (3, 2)


def test_a_choice_a_condition_reads_is_not_deleted_and_a_page_with_questions_neither():
    survey = rich_survey()
    often = Question.objects.get(page__survey=survey, text_fr="Venez-vous souvent ?")
    with pytest.raises(building.StructureInvalid):
        building.choices_save(question=often, choices=[], deleted=[often.choices.get(position=1)])
    with pytest.raises(building.StructureInvalid):
        building.pages_save(survey=survey, pages=[], deleted=[survey.pages.get(position=2)])
    assert Question.objects.filter(page__survey=survey).count() == 6


def test_a_new_picture_gets_its_thumbnail_and_a_removed_one_loses_it():
    survey = survey_make()
    question = question_make(SurveyPage.objects.create(survey=survey, position=1), Kind.IMAGE_CHOICE)
    choice = question.choices.first()
    jpeg = io.BytesIO()
    Image.new("RGB", (1200, 900), (120, 30, 40)).save(jpeg, format="JPEG")
    choice.picture = SimpleUploadedFile("affiche.jpg", jpeg.getvalue())
    building.choices_save(question=question, choices=[choice], pictures_changed=[choice])
    choice.refresh_from_db()
    assert choice.picture.name.startswith("surveys/choices/") and "affiche" not in choice.picture.name
    assert choice.thumbnail.name.startswith("surveys/choices/thumbs/")
    with choice.thumbnail.open("rb") as thumbnail, Image.open(thumbnail) as image:
        assert image.size == (800, 600)
    choice.picture = ""
    building.choices_save(question=question, choices=[choice], pictures_changed=[choice])
    choice.refresh_from_db()
    assert not choice.thumbnail


def test_the_state_is_the_same_rule_in_python_and_in_sql(clock):
    upcoming = survey_make(slug="a")
    open_now = survey_make(slug="b", opens_in=timedelta(days=-1))
    closed = survey_make(slug="c", opens_in=timedelta(days=-60))
    for survey, state in [(upcoming, "upcoming"), (open_now, "open"), (closed, "closed")]:
        assert building.survey_state(survey=survey) == state
        assert list(building.surveys_in_state(surveys=Survey.objects.all(), state=state)) == [survey]


def test_a_midnight_closing_reads_as_the_day_before_inclusive():
    survey = survey_make()
    survey.closes_at = paris(2026, 12, 1, 0, 0)
    assert building.survey_closing(survey=survey) == {"day": paris(2026, 11, 30).date(), "time": None}
    survey.closes_at = paris(2026, 12, 1, 18, 30)
    closing = building.survey_closing(survey=survey)
    assert (closing["day"].isoformat(), closing["time"].isoformat()) == ("2026-12-01", "18:30:00")
