"""`submission_create`: a response stored and paid once, or refused with nothing written."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from club.members.tests.factories import MemberFactory, MuseumFactory
from rewards.ledger.models import LedgerEntry
from rewards.ledger.selectors import balance_of
from surveys.answers import AnswersInvalid
from surveys.errors import AlreadyAnswered, SurveyClosed, SurveyNotForYou, SurveyNotYetOpen
from surveys.models import (
    Answer,
    Choice,
    Draft,
    Participation,
    PendingResponse,
    Question,
    Submission,
    Survey,
    SurveyPage,
)
from surveys.services import submission_create


def _survey(questions: int = 3, **fields) -> tuple[Survey, dict]:
    now = timezone.now()
    survey = Survey.objects.create(
        slug=fields.pop("slug", f"s{Survey.objects.count()}"), title="Cartels", opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7), **fields,
    )  # fmt: skip
    page = SurveyPage.objects.create(survey=survey, position=1)
    answers = {}
    for position in range(1, questions + 1):
        question = Question.objects.create(page=page, position=position, kind=Question.Kind.SINGLE, text=f"Q{position}")
        yes = Choice.objects.create(question=question, position=1, label="Oui")
        Choice.objects.create(question=question, position=2, label="Non")
        answers[str(question.pk)] = yes.pk
    return survey, answers


def _nothing_written(member) -> bool:
    return not (
        Participation.objects.filter(member=member).exists()
        or Submission.objects.exists()
        or Answer.objects.exists()
        or LedgerEntry.objects.filter(member=member).exists()
    )


@pytest.mark.django_db
def test_a_named_response_is_stored_and_paid_once(ledger_is_consistent):
    survey, answers = _survey()
    member = MemberFactory()
    Draft.objects.create(member=member, survey=survey, answers={"x": 1})
    participation, entry = submission_create(member=member, survey=survey, answers=answers)
    assert entry.amount == 40 and balance_of(member=member) == 40  # the earning rule's default
    submission = Submission.objects.get(survey=survey)
    assert submission.member == member and submission.answers.count() == 3
    assert not Draft.objects.filter(member=member).exists()
    with pytest.raises(AlreadyAnswered):
        submission_create(member=member, survey=survey, answers=answers)
    assert Submission.objects.count() == 1 and balance_of(member=member) == 40
    ledger_is_consistent()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("shift", "refusal"), [(timedelta(days=-30), SurveyClosed), (timedelta(days=30), SurveyNotYetOpen)]
)
def test_a_survey_not_open_refuses_and_writes_nothing(shift, refusal):
    survey, answers = _survey()
    survey.opens_at, survey.closes_at = survey.opens_at + shift, survey.closes_at + shift
    survey.save()
    member = MemberFactory()
    with pytest.raises(refusal):
        submission_create(member=member, survey=survey, answers=answers)
    assert _nothing_written(member)


@pytest.mark.django_db
def test_a_survey_for_a_museums_fans_refuses_other_members():
    survey, answers = _survey(audience=Survey.Audience.MUSEUM_FANS)
    museum = MuseumFactory()
    survey.audience_museums.add(museum)
    stranger = MemberFactory()
    with pytest.raises(SurveyNotForYou):
        submission_create(member=stranger, survey=survey, answers=answers)
    assert _nothing_written(stranger)
    fan = MemberFactory(favourite_museum=museum)
    assert submission_create(member=fan, survey=survey, answers=answers)[1].amount == 40


@pytest.mark.django_db
def test_invalid_answers_write_nothing_and_pay_nothing():
    survey, answers = _survey()
    member = MemberFactory()
    first = next(iter(answers))
    with pytest.raises(AnswersInvalid) as refused:
        submission_create(member=member, survey=survey, answers={**answers, first: 999999})
    assert set(refused.value.details["errors"]) == {first}
    assert _nothing_written(member)


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_number_of_questions():
    def queries_for(count: int) -> int:
        survey, answers = _survey(count)
        member = MemberFactory()
        with CaptureQueriesContext(connection) as queries:
            submission_create(member=member, survey=survey, answers=answers)
        return len(queries)

    queries_for(1)  # the earning rules are read once, then kept
    assert queries_for(3) == queries_for(20)


@pytest.mark.django_db
def test_an_anonymous_response_is_paid_at_once_and_its_answers_kept_sealed():
    survey, answers = _survey(anonymous=True)
    member = MemberFactory()
    participation, entry = submission_create(member=member, survey=survey, answers=answers)
    assert entry.amount == 40 and participation.answered_on == timezone.localdate()
    assert not Submission.objects.exists()  # written later, among others (surveys.anonymity)
    assert PendingResponse.objects.filter(survey=survey).count() == 1
    with pytest.raises(AlreadyAnswered):
        submission_create(member=member, survey=survey, answers=answers)
    assert PendingResponse.objects.count() == 1
