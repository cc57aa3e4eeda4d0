"""The rules the database holds for surveys, whatever the code that writes them."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from club.members.tests.factories import MemberFactory
from surveys.models import Choice, Participation, Question, Submission, Survey, SurveyPage

pytestmark = pytest.mark.django_db


def _survey(**fields) -> Survey:
    now = timezone.now()
    return Survey.objects.create(
        slug=fields.pop("slug", "cartels"), title="Nos cartels sont-ils clairs ?", opens_at=now,
        closes_at=now + timedelta(days=14), **fields,
    )  # fmt: skip


def _question(survey: Survey, **fields) -> Question:
    page, _created = SurveyPage.objects.get_or_create(survey=survey, position=1)
    position = fields.pop("position", page.questions.count() + 1)
    return Question.objects.create(page=page, position=position, text="Lisible ?", **fields)


def _refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_a_survey_closes_after_it_opens():
    now = timezone.now()
    _refused(lambda: Survey.objects.create(slug="x", title="X", opens_at=now, closes_at=now))


def test_a_member_participates_and_submits_named_answers_once():
    survey, member = _survey(), MemberFactory()
    today = timezone.localdate()
    Participation.objects.create(member=member, survey=survey, answered_on=today)
    _refused(lambda: Participation.objects.create(member=member, survey=survey, answered_on=today))
    Submission.objects.create(survey=survey, member=member, submitted_on=today)
    _refused(lambda: Submission.objects.create(survey=survey, member=member, submitted_on=today))


def test_anonymous_submissions_name_nobody_and_have_random_ids():
    survey = _survey(anonymous=True)
    today = timezone.localdate()
    first, second = (Submission.objects.create(survey=survey, submitted_on=today) for _ in range(2))
    assert first.member_id is None and second.member_id is None
    assert first.pk.version == 4 and first.pk != second.pk  # random: no order to match with participations


def test_a_condition_names_its_question_and_its_answer_and_positions_are_unique():
    survey = _survey()
    asked = _question(survey, kind=Question.Kind.SINGLE)
    yes = Choice.objects.create(question=asked, position=1, label="Oui")
    _refused(lambda: Choice.objects.create(question=asked, position=1, label="Non"))
    _refused(lambda: _question(survey, kind=Question.Kind.LONG_TEXT, condition_question=asked))
    follow_up = _question(survey, kind=Question.Kind.LONG_TEXT, condition_question=asked, condition_choice=yes)
    assert follow_up.condition_choice == yes
    _refused(lambda: _question(survey, kind=Question.Kind.SHORT_TEXT, position=follow_up.position))


def test_bounds_are_ordered_and_a_maximum_of_choices_is_at_least_one():
    survey = _survey()
    _refused(lambda: _question(survey, kind=Question.Kind.NUMBER, min_value=10, max_value=1))
    _refused(lambda: _question(survey, kind=Question.Kind.MULTIPLE, max_choices=0))
    assert _question(survey, kind=Question.Kind.NUMBER, min_value=1, max_value=10).max_value == 10


def _two_surveys_with_a_response():
    from datetime import timedelta

    from django.utils import timezone

    from surveys.models import Choice, MatrixRow, Question, Submission, SurveyPage

    now = timezone.now()
    built = []
    for slug in ("une", "autre"):
        survey = Survey.objects.create(slug=slug, title=slug, opens_at=now, closes_at=now + timedelta(days=1))
        page = SurveyPage.objects.create(survey=survey, position=1)
        question = Question.objects.create(page=page, position=1, kind=Question.Kind.LIKERT, text="Q")
        choice = Choice.objects.create(question=question, position=1, label="Oui")
        row = MatrixRow.objects.create(question=question, position=1, label="Ligne")
        submission = Submission.objects.create(survey=survey, submitted_on=now.date())
        built.append((question, choice, row, submission))
    return built


@pytest.mark.django_db
@pytest.mark.parametrize("wrong", ["choice", "row", "survey"])
def test_the_database_refuses_an_answer_that_does_not_belong(wrong):
    """Bypassing the services (bulk_create writes what it is given): the trigger refuses the row."""
    from django.db import IntegrityError, transaction

    from surveys.models import Answer

    (question, choice, row, submission), (other_question, other_choice, other_row, _other) = (
        _two_surveys_with_a_response()
    )
    fields = {"submission": submission, "question": question, "choice": choice, "row": row}
    fields.update(
        {
            "choice": {"choice": other_choice},
            "row": {"row": other_row},
            "survey": {"question": other_question, "choice": other_choice, "row": other_row},
        }[wrong]
    )
    Answer.objects.create(submission=submission, question=question, choice=choice, row=row)  # the right one passes
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.bulk_create([Answer(**fields)])
    assert Answer.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["submission", "question", "choice", "row"])
def test_the_database_refuses_an_answer_pointing_to_a_row_that_does_not_exist(missing):
    """No foreign key on the answers (their trigger keeps them): a raw insert naming a missing row still fails."""
    import uuid

    from surveys.models import Answer

    (question, choice, row, submission), _other = _two_surveys_with_a_response()
    values = {"submission": submission.pk, "question": question.pk, "choice": choice.pk, "row": row.pk}
    values[missing] = uuid.uuid4() if missing == "submission" else 999_999
    fields = {f"{name}_id": value for name, value in values.items()}
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.bulk_create([Answer(**fields)])
    assert not Answer.objects.exists()


@pytest.mark.django_db
def test_rows_that_answers_point_to_are_not_deleted_nor_moved_and_a_submission_takes_its_answers_along():
    """Bypassing Django's collector (raw SQL and `.update()`): the database itself keeps the answers whole."""
    from django.db import connection

    from surveys.models import Answer, MatrixRow

    (question, choice, row, submission), (other_question, _oc, _or, other_submission) = _two_surveys_with_a_response()
    Answer.objects.create(submission=submission, question=question, choice=choice, row=row)
    page = question.page
    submission_id = Submission._meta.pk.get_db_prep_value(submission.pk, connection)  # a UUID as this database keeps it
    refusals = [
        ("DELETE FROM surveys_choice WHERE id = %s", [choice.pk]),
        ("DELETE FROM surveys_matrixrow WHERE id = %s", [row.pk]),
        ("DELETE FROM surveys_question WHERE id = %s", [question.pk]),
        ("UPDATE surveys_choice SET question_id = %s WHERE id = %s", [other_question.pk, choice.pk]),
        ("UPDATE surveys_matrixrow SET question_id = %s WHERE id = %s", [other_question.pk, row.pk]),
        ("UPDATE surveys_question SET page_id = %s WHERE id = %s", [other_question.page_id, question.pk]),
        ("UPDATE surveys_surveypage SET survey_id = %s WHERE id = %s", [other_question.page.survey_id, page.pk]),
        ("UPDATE surveys_submission SET survey_id = %s WHERE id = %s", [other_submission.survey_id, submission_id]),
    ]
    for sql, params in refusals:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    # Unanswered rows still move and go; a question moved within its own survey is not refused.
    spare = Choice.objects.create(question=question, position=2, label="Non")
    assert Choice.objects.filter(pk=spare.pk).update(question=other_question) == 1
    second_page = SurveyPage.objects.create(survey=page.survey, position=2)
    assert Question.objects.filter(pk=question.pk).update(page=second_page) == 1
    assert MatrixRow.objects.filter(pk=row.pk).update(label="Ligne 1") == 1
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_choice WHERE id = %s", [spare.pk])
        cursor.execute("DELETE FROM surveys_submission WHERE id = %s", [submission_id])
    assert not Answer.objects.exists()  # the submission's answers went with it
    with connection.cursor() as cursor:  # and nothing holds the question's rows any more
        cursor.execute("DELETE FROM surveys_matrixrow WHERE id = %s", [row.pk])
    assert not MatrixRow.objects.filter(pk=row.pk).exists()
