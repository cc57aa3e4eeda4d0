"""Storing a response fast: the cached answer rules, their invalidation, a survey changed meanwhile, the few queries.

`submission_create` checks answers against rules kept in the cache
(`surveys.answers.survey_rules`); these tests show the rules follow every
change of the structure, that rules read while a change was being written
are never reused, that a choice deleted behind a process's back is said
("reload") instead of failing at the commit, and that the write costs the
same few statements whatever the number of questions.
"""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from club.members.services import member_api_token
from club.members.tests.factories import MemberFactory
from rewards.ledger.models import LedgerEntry
from rewards.ledger.selectors import balance_of
from surveys import answers as answers_module
from surveys.answers import AnswersInvalid, survey_rules
from surveys.errors import AlreadyAnswered, SurveyChanged
from surveys.models import Answer, Choice, Draft, Participation, Question, Submission, Survey, SurveyPage, Tally
from surveys.services import draft_save, submission_create

pytestmark = pytest.mark.django_db
Kind = Question.Kind


def _survey(questions: int = 1, **fields) -> tuple[Survey, dict]:
    now = timezone.now()
    survey = Survey.objects.create(
        slug=f"s{Survey.objects.count()}", title="Cartels", opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7), **fields,
    )  # fmt: skip
    page = SurveyPage.objects.create(survey=survey, position=1)
    answers = {}
    for position in range(1, questions + 1):
        question = Question.objects.create(page=page, position=position, kind=Kind.SINGLE, text=f"Q{position}")
        yes = Choice.objects.create(question=question, position=1, label="Oui")
        Choice.objects.create(question=question, position=2, label="Non")
        answers[str(question.pk)] = yes.pk
    return survey, answers


def _write_queries(survey: Survey, answers: dict) -> int:
    member = MemberFactory()
    with CaptureQueriesContext(connection) as queries:
        submission_create(member=member, survey=survey, answers=answers)
    return len(queries)


def test_a_response_costs_the_same_few_statements_for_1_and_20_questions_once_the_rules_are_cached():
    # PostgreSQL: the participation, the points, then the submission with its answers and counters.
    budget = 3 if connection.vendor == "postgresql" else 9
    counts = []
    for size in (1, 20):
        survey, answers = _survey(size)
        submission_create(member=MemberFactory(), survey=survey, answers=answers)  # the rules read once, then kept
        counts.append(_write_queries(survey, answers))
    assert counts[0] == counts[1] == budget
    big = Survey.objects.get(slug="s1")
    assert Answer.objects.filter(submission__survey=big).count() == 40
    assert sum(Tally.objects.filter(survey=big).values_list("count", flat=True)) == 40


def test_no_savepoint_is_spent_and_a_refusal_leaves_the_callers_transaction_usable():
    survey, answers = _survey(2)
    member = MemberFactory()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        submission_create(member=member, survey=survey, answers=answers)
        with pytest.raises(AlreadyAnswered):
            submission_create(member=member, survey=survey, answers=answers)
        assert Participation.objects.filter(member=member).count() == 1  # still usable: nothing to roll back
    assert not [query for query in queries if "SAVEPOINT" in query["sql"]]
    assert LedgerEntry.objects.filter(member=member).count() == 1 and balance_of(member=member) == 40


def test_every_change_of_the_structure_is_seen_by_the_next_response():
    survey, answers = _survey(1)
    submission_create(member=MemberFactory(), survey=survey, answers=answers)
    question = Question.objects.get(page__survey=survey)
    key = str(question.pk)
    no = question.choices.get(label="Non").pk
    Choice.objects.filter(pk=no).delete()  # by the ORM (the admin): its signal drops the rules
    with pytest.raises(AnswersInvalid) as refused:
        submission_create(member=MemberFactory(), survey=survey, answers={key: no})
    assert "ne fait pas partie" in refused.value.details["errors"][key]
    number = Question.objects.create(page=question.page, position=2, kind=Kind.NUMBER, text="Âge", max_value=120)
    with pytest.raises(AnswersInvalid) as refused:
        submission_create(member=MemberFactory(), survey=survey, answers=answers)
    assert "demande une réponse" in refused.value.details["errors"][str(number.pk)]
    number.max_value = 10
    number.save()
    with pytest.raises(AnswersInvalid) as refused:
        submission_create(member=MemberFactory(), survey=survey, answers={**answers, str(number.pk): 42})
    assert "entre" not in refused.value.details["errors"][str(number.pk)]  # no lower bound: "at most 10"
    assert "10" in refused.value.details["errors"][str(number.pk)]


def test_rules_read_while_a_change_was_being_written_are_never_reused(monkeypatch, django_assert_num_queries):
    """Rules are kept under the survey row's structure version, which every change replaces in its transaction."""
    survey, _answers = _survey(1)
    real = answers_module.structure_of

    def read_during_a_change(of):
        structure = real(of)
        # Another process's change commits after this read: it replaced the version (and told its own process).
        Survey.objects.filter(pk=of.pk).update(structure_version=F("structure_version") + 1)
        return structure

    survey.refresh_from_db()
    monkeypatch.setattr(answers_module, "structure_of", read_during_a_change)
    survey_rules(survey)
    monkeypatch.setattr(answers_module, "structure_of", real)
    with django_assert_num_queries(0):  # a request that read the row before the change keeps what it read
        survey_rules(survey)
    survey.refresh_from_db()  # the next request reads the row: the new version, the structure read again
    with django_assert_num_queries(3):
        survey_rules(survey)
    with django_assert_num_queries(0):
        survey_rules(survey)


def test_any_change_to_a_structure_replaces_its_version_and_only_its_own(django_assert_num_queries):
    survey, _answers = _survey(1)
    other, _other_answers = _survey(1)
    other_version = Survey.objects.get(pk=other.pk).structure_version
    question = Question.objects.filter(page__survey=survey).first()
    versions = []
    for change in (
        lambda: Choice.objects.create(question=question, position=9, label="Peut-être"),
        lambda: Choice.objects.filter(question=question, position=9).get().delete(),
        lambda: Question.objects.create(page=survey.pages.get(), position=8, kind=Kind.SHORT_TEXT, text="Et ?"),
        lambda: SurveyPage.objects.create(survey=survey, position=2),
    ):
        change()
        versions.append(Survey.objects.get(pk=survey.pk).structure_version)
    assert versions == sorted(set(versions)) and len(versions) == 4
    assert Survey.objects.get(pk=other.pk).structure_version == other_version


def test_the_rules_are_kept_per_language_for_the_other_choices_name():
    from django.utils import translation

    survey, _answers = _survey(0)
    question = Question.objects.create(
        page=survey.pages.get(), position=1, kind=Kind.SINGLE, text="Lisibles ?", required=True
    )
    Choice.objects.create(question=question, position=1, label="Oui")
    other = Choice.objects.create(question=question, position=2, label_fr="Autre", label_en="Other", is_other=True)
    for language, label in (("fr", "Autre"), ("en", "Other"), ("fr", "Autre")):
        with translation.override(language), pytest.raises(AnswersInvalid) as refused:
            submission_create(member=MemberFactory(), survey=survey, answers={str(question.pk): other.pk})
        assert label in refused.value.details["errors"][str(question.pk)]


def _stale(survey: Survey, answers: dict, gone: str = "choice") -> dict:
    """The survey's rules cached, then a choice (or a question) nobody picked deleted behind them; answers using it."""
    extra = Question.objects.create(page=survey.pages.get(), position=9, kind=Kind.SINGLE, text="Et ?", required=False)
    extra_choice = Choice.objects.create(question=extra, position=1, label="Oui")
    survey.refresh_from_db()  # as a request reads it: the rules kept under its current structure version
    submission_create(member=MemberFactory(), survey=survey, answers=answers)  # the rules cached, `extra` unanswered
    first = next(iter(answers))
    with connection.cursor() as cursor:  # another process, with its own cache: this one's rules are not told
        if gone == "question":
            cursor.execute("DELETE FROM surveys_choice WHERE question_id = %s", [extra.pk])
            cursor.execute("DELETE FROM surveys_question WHERE id = %s", [extra.pk])
            return {**answers, str(extra.pk): extra_choice.pk}
        no = Choice.objects.get(question_id=int(first), label="Non").pk
        cursor.execute("DELETE FROM surveys_choice WHERE id = %s", [no])
    return {**answers, first: no}


@pytest.mark.parametrize("gone", ["choice", "question"])
def test_a_choice_or_question_deleted_since_the_rules_were_read_asks_to_reload_and_writes_nothing(gone):
    survey, answers = _survey(2)
    stale = _stale(survey, answers, gone)
    member = MemberFactory()
    with pytest.raises(SurveyChanged) as refused, transaction.atomic():  # the caller's boundary rolls back
        submission_create(member=member, survey=survey, answers=stale)
    assert (refused.value.code, refused.value.status) == ("survey_changed", 409)
    assert "rechargez la page" in str(refused.value.message)
    assert not Participation.objects.filter(member=member).exists() and balance_of(member=member) == 0
    assert Submission.objects.filter(survey=survey).count() == 1
    # The stale rules were dropped: the next response is told which answer to change.
    with pytest.raises(AnswersInvalid) as invalid:
        submission_create(member=member, survey=survey, answers=stale)
    key = next(iter(answers)) if gone == "choice" else list(stale)[-1]
    assert "ne fait pas partie" in invalid.value.details["errors"][key]


@pytest.mark.parametrize("headers", [{}, {"HTTP_IDEMPOTENCY_KEY": "envoi-1"}], ids=["no key", "key"])
def test_through_the_api_a_survey_changed_meanwhile_is_a_409_and_nothing_is_stored(headers):
    survey, answers = _survey(2)
    stale = _stale(survey, answers)
    member = MemberFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {member_api_token(member=member)}")
    url = f"/api/v1/surveys/{survey.pk}/responses/"
    response = client.post(url, {"answers": stale}, format="json", **headers)
    assert response.status_code == 409 and response.json()["code"] == "survey_changed"
    assert not Participation.objects.filter(member=member).exists() and balance_of(member=member) == 0
    assert client.post(url, {"answers": answers}, format="json").status_code == 201  # reloaded, answered again


def test_a_drafts_page_that_is_not_a_number_is_the_first(member):
    survey, answers = _survey(1)
    for page, kept in (("abc", 1), ("3", 1), ("", 1), (None, 1), ("²", 1), (1.5, 1), (2, 1)):
        assert draft_save(member=member, survey=survey, answers=answers, page=page).page == kept
    SurveyPage.objects.create(survey=survey, position=2)
    assert draft_save(member=member, survey=survey, answers=answers, page="2").page == 2
    assert draft_save(member=member, survey=survey, answers=answers, page=99).page == 2


def test_a_draft_with_text_the_database_cannot_store_is_refused(member):
    survey, _answers = _survey(0)
    question = Question.objects.create(page=survey.pages.get(), position=1, kind=Kind.SHORT_TEXT, text="Un mot ?")
    for value in ("a\x00b", ["\ud800"], {"other": "x\x00"}):
        with pytest.raises(AnswersInvalid) as refused:
            draft_save(member=member, survey=survey, answers={str(question.pk): value})
        assert "caractère invalide" in refused.value.details["errors"][str(question.pk)]
    assert not Draft.objects.exists()
