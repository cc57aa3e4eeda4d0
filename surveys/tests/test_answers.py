"""A response checked against its survey: every kind of question, valid and not, and conditions."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from surveys.answers import AnswersInvalid, answers_check, structure_of
from surveys.models import Choice, MatrixRow, Question, Survey, SurveyPage

pytestmark = pytest.mark.django_db
K = Question.Kind


@pytest.fixture
def survey():
    now = timezone.now()
    survey = Survey.objects.create(slug="cartels", title="Cartels", opens_at=now, closes_at=now + timedelta(days=7))
    page = SurveyPage.objects.create(survey=survey, position=1)
    questions = {}

    def ask(name, kind, *, labels=(), other=False, **fields):
        question = Question.objects.create(page=page, position=len(questions) + 1, kind=kind, text=name, **fields)
        for position, label in enumerate(labels, start=1):
            Choice.objects.create(question=question, position=position, label=label)
        if other:
            Choice.objects.create(question=question, position=len(labels) + 1, label="Autre", is_other=True)
        questions[name] = question
        return question

    clear = ask("clear", K.SINGLE, labels=["Oui", "Non"], other=True)
    ask("why", K.LONG_TEXT, required=True, max_length=50,
        condition_question=clear, condition_choice=clear.choices.get(label="Non"))  # fmt: skip
    ask("topics", K.MULTIPLE, labels=["Peinture", "Sculpture", "Photo"], max_choices=2)
    ask("museum", K.DROPDOWN, labels=["Beaux-Arts", "Secq des Tournelles"], required=False)
    ask("rating", K.RATING)
    ask("nps", K.NPS)
    matrix = ask("matrix", K.LIKERT, labels=["Pas d'accord", "D'accord"])
    for position, label in enumerate(["Taille", "Langue"], start=1):
        MatrixRow.objects.create(question=matrix, position=position, label=label)
    ask("ranking", K.RANKING, labels=["Atelier", "Visite", "Conférence"])
    ask("name", K.SHORT_TEXT, required=False)
    ask("age", K.NUMBER, min_value=15, max_value=120)
    ask("visit", K.DATE, required=False)
    ask("picture", K.IMAGE_CHOICE, labels=["Monet", "Sisley"])
    return survey, questions


def _choice(question, label):
    return question.choices.get(label=label).pk


def _valid(questions):
    q = questions
    rows = {row.label: row.pk for row in q["matrix"].rows.all()}
    return {
        str(q["clear"].pk): _choice(q["clear"], "Oui"),
        str(q["topics"].pk): [_choice(q["topics"], "Peinture"), _choice(q["topics"], "Photo")],
        str(q["rating"].pk): 4,
        str(q["nps"].pk): 0,
        str(q["matrix"].pk): {
            str(rows["Taille"]): _choice(q["matrix"], "D'accord"),
            str(rows["Langue"]): _choice(q["matrix"], "Pas d'accord"),
        },  # fmt: skip
        str(q["ranking"].pk): [_choice(q["ranking"], label) for label in ("Visite", "Atelier", "Conférence")],
        str(q["name"].pk): "  Camille  ",
        str(q["age"].pk): "42",
        str(q["visit"].pk): "2026-11-28",
        str(q["picture"].pk): _choice(q["picture"], "Sisley"),
    }


def _errors(structure, answers) -> dict:
    with pytest.raises(AnswersInvalid) as refused:
        answers_check(structure, answers)
    return refused.value.details["errors"]


def test_a_whole_valid_response_gives_its_rows_without_a_query(survey, django_assert_num_queries):
    survey, q = survey
    with django_assert_num_queries(3):
        structure = structure_of(survey)
    answers = _valid(q)
    with django_assert_num_queries(0):
        rows = answers_check(structure, answers)
    by_question = {}
    for row in rows:
        by_question.setdefault(row.question.text, []).append(row)
    assert len(by_question["topics"]) == 2 and by_question["rating"][0].number == 4
    assert [(row.choice.label, row.rank) for row in by_question["ranking"]] == [
        ("Visite", 1), ("Atelier", 2), ("Conférence", 3)
    ]  # fmt: skip
    assert by_question["name"][0].text == "Camille" and by_question["age"][0].number == 42
    assert by_question["visit"][0].date == date(2026, 11, 28) and "why" not in by_question


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("clear", 999999, "ne fait pas partie"),
        ("topics", [1, 1], "ne fait pas partie"),
        ("rating", 6, "entre 1 et 5"),
        ("rating", "quatre", "nombre entier"),
        ("nps", -1, "entre 0 et 10"),
        ("age", 12, "entre 15 et 120"),
        ("visit", "31/11/2026", "une date"),
        ("name", "x" * 201, "200 caractères"),
        ("ranking", "Atelier", "Classez"),
        ("matrix", {"999999": 1}, "ligne ne fait pas partie"),
        ("picture", True, "ne fait pas partie"),
    ],
)
def test_each_kind_refuses_what_it_cannot_hold(survey, name, value, says):
    survey, q = survey
    answers = {**_valid(q), str(q[name].pk): value}
    assert says in _errors(structure_of(survey), answers)[str(q[name].pk)]


def test_choices_counted_once_within_the_maximum_and_a_full_ranking(survey):
    survey, q = survey
    structure, valid = structure_of(survey), _valid(q)
    topics = [c.pk for c in q["topics"].choices.all()]
    assert "au plus 2" in _errors(structure, {**valid, str(q["topics"].pk): topics})[str(q["topics"].pk)]
    assert "qu'une fois" in _errors(structure, {**valid, str(q["topics"].pk): [topics[0]] * 2})[str(q["topics"].pk)]
    ranked = [c.pk for c in q["ranking"].choices.all()]
    for broken in ([ranked[0], ranked[0], ranked[1]], ranked[:2]):  # a duplicate, a gap
        assert "sans en oublier" in _errors(structure, {**valid, str(q["ranking"].pk): broken})[str(q["ranking"].pk)]
    a_choice_of_another_question = _choice(q["picture"], "Monet")
    errors = _errors(structure, {**valid, str(q["clear"].pk): a_choice_of_another_question})
    assert "ne fait pas partie" in errors[str(q["clear"].pk)]


def test_other_is_specified_and_only_other(survey):
    survey, q = survey
    structure, valid, key = structure_of(survey), _valid(q), str(q["clear"].pk)
    other = _choice(q["clear"], "Autre")
    assert "Précisez" in _errors(structure, {**valid, key: other})[key]
    assert (
        "Seul le choix" in _errors(structure, {**valid, key: {"choice": _choice(q["clear"], "Oui"), "other": "x"}})[key]
    )
    rows = answers_check(structure, {**valid, key: {"choice": other, "other": "Trop petits"}})
    assert any(row.text == "Trop petits" for row in rows)


def test_a_condition_shows_its_question_requires_it_then_and_refuses_it_otherwise(survey):
    survey, q = survey
    structure, valid = structure_of(survey), _valid(q)
    why, no = str(q["why"].pk), _choice(q["clear"], "Non")
    assert "ne s'affiche pas" in _errors(structure, {**valid, why: "Trop petits"})[why]  # answered "Oui"
    assert "demande une réponse" in _errors(structure, {**valid, str(q["clear"].pk): no})[why]
    rows = answers_check(structure, {**valid, str(q["clear"].pk): no, why: "Trop petits"})
    assert any(row.question_id == q["why"].pk and row.text == "Trop petits" for row in rows)


def test_missing_required_unknown_questions_and_floods_are_refused(survey):
    survey, q = survey
    structure, valid = structure_of(survey), _valid(q)
    del valid[str(q["rating"].pk)]
    errors = _errors(structure, {**valid, "424242": 1})
    assert "demande une réponse" in errors[str(q["rating"].pk)] and "ne fait pas partie" in errors["424242"]
    assert "Trop de réponses" in _errors(structure, {str(i): 1 for i in range(10_000)})["answers"]
    assert "illisibles" in _errors(structure, ["not", "a", "mapping"])["answers"]


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, "9" * 40, "-" + "9" * 40])
def test_a_number_without_bounds_still_fits_the_database_column(survey, value):
    survey, q = survey
    number = Question.objects.create(page=q["age"].page, position=99, kind=K.NUMBER, text="Combien ?")
    refused = _errors(structure_of(survey), {**_valid(q), str(number.pk): value})[str(number.pk)]
    assert "hors des limites" in refused
    rows = answers_check(structure_of(survey), {**_valid(q), str(number.pk): 2**31 - 1})
    assert [row.number for row in rows if row.question_id == number.pk] == [2**31 - 1]


def test_a_number_with_one_bound_is_refused_beyond_the_column_with_the_same_message(survey):
    survey, q = survey
    q["age"].max_value = None
    q["age"].save()
    assert "hors des limites" in _errors(structure_of(survey), {**_valid(q), str(q["age"].pk): 2**40})[str(q["age"].pk)]
    assert "au moins 15" in _errors(structure_of(survey), {**_valid(q), str(q["age"].pk): 3})[str(q["age"].pk)]


@pytest.mark.parametrize(
    ("name", "value"),
    [("name", "Cam\x00ille"), ("name", "\ud800"), ("clear", {"choice": "other", "other": "Trop\x00petits"})],
)
def test_text_the_database_cannot_store_is_refused(survey, name, value):
    survey, q = survey
    if isinstance(value, dict):
        value = {**value, "choice": _choice(q["clear"], "Autre")}
    assert "caractère invalide" in _errors(structure_of(survey), {**_valid(q), str(q[name].pk): value})[str(q[name].pk)]


@pytest.mark.parametrize("value", ["²", "--5", "٣", "4.0", " 4 ", "+4"])
def test_odd_digits_are_refused_like_any_text_that_is_not_a_whole_number(survey, value):
    survey, q = survey
    answers = {**_valid(q), str(q["rating"].pk): value}
    if value.strip() == "4":
        assert any(row.number == 4 for row in answers_check(structure_of(survey), answers))
        return
    assert "nombre entier" in _errors(structure_of(survey), answers)[str(q["rating"].pk)]
    # As a choice or a matrix row, the same texts pick nothing (no error of the server).
    assert (
        "ne fait pas partie"
        in _errors(structure_of(survey), {**_valid(q), str(q["clear"].pk): value})[str(q["clear"].pk)]
    )
    matrix = {**_valid(q), str(q["matrix"].pk): {value: _choice(q["matrix"], "D'accord")}}
    assert "ligne ne fait pas partie" in _errors(structure_of(survey), matrix)[str(q["matrix"].pk)]
