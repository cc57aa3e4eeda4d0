"""Anonymous responses sealed with the participation and written later, at least five at a time."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from club.members.tests.factories import MemberFactory
from rewards.ledger.services import earning_rules_ensure_defaults
from surveys.anonymity import ANONYMITY_BATCH, anonymous_responses_flush, anonymous_responses_flush_due
from surveys.models import Answer, Choice, Participation, PendingResponse, Question, Submission, Survey, SurveyPage
from surveys.services import submission_create


def _anonymous_survey() -> tuple[Survey, Question, list[Choice], Question]:
    now = timezone.now()
    survey = Survey.objects.create(
        slug="accueil", title="L'accueil", anonymous=True, opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
    )  # fmt: skip
    page = SurveyPage.objects.create(survey=survey, position=1)
    pick = Question.objects.create(page=page, position=1, kind=Question.Kind.SINGLE, text="Accueil ?")
    choices = [Choice.objects.create(question=pick, position=n, label=f"C{n}") for n in (1, 2)]
    words = Question.objects.create(page=page, position=2, kind=Question.Kind.SHORT_TEXT, text="Un mot", required=False)
    return survey, pick, choices, words


def _answer(survey, pick, choices, words, n: int):
    member = MemberFactory()
    answers = {str(pick.pk): choices[n % 2].pk, str(words.pk): f"secret-mot-{n}"}
    submission_create(member=member, survey=survey, answers=answers)
    return member


@pytest.mark.django_db
def test_the_pending_row_holds_no_readable_answer():
    survey, pick, choices, words = _anonymous_survey()
    _answer(survey, pick, choices, words, 1)
    sealed = bytes(PendingResponse.objects.get().sealed)
    assert b"secret-mot-1" not in sealed and str(choices[1].pk).encode() + b"," not in sealed
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_responses_are_written_once_ten_wait_leaving_five_to_mix_with_the_next():
    survey, pick, choices, words = _anonymous_survey()
    for n in range(2 * ANONYMITY_BATCH - 1):
        _answer(survey, pick, choices, words, n)
        assert anonymous_responses_flush_due() == 0  # the periodic job: fewer than ten wait
    assert not Submission.objects.exists() and PendingResponse.objects.count() == 9
    _answer(survey, pick, choices, words, 9)
    assert anonymous_responses_flush_due() == ANONYMITY_BATCH
    assert Submission.objects.filter(member__isnull=True).count() == ANONYMITY_BATCH
    assert PendingResponse.objects.count() == ANONYMITY_BATCH
    assert Answer.objects.filter(question=words).count() == ANONYMITY_BATCH
    assert Participation.objects.filter(survey=survey).count() == 10


@pytest.mark.django_db
def test_a_batch_carries_one_day_so_a_quiet_day_points_at_nobody(clock):
    survey, pick, choices, words = _anonymous_survey()
    first_day = timezone.localdate()
    _answer(survey, pick, choices, words, 0)  # alone on its day
    clock.shift(timedelta(days=2))
    for n in range(1, 2 * ANONYMITY_BATCH):
        _answer(survey, pick, choices, words, n)
    assert anonymous_responses_flush_due() == ANONYMITY_BATCH
    assert set(Submission.objects.values_list("submitted_on", flat=True)) == {timezone.localdate()}
    assert not survey.tallies.filter(day=first_day).exists()
    assert not survey.response_counts.filter(day=first_day).exists()


@pytest.mark.django_db
def test_a_closed_survey_writes_what_is_left_and_the_counters_match_the_answers():
    survey, pick, choices, words = _anonymous_survey()
    for n in range(7):
        _answer(survey, pick, choices, words, n)
    assert anonymous_responses_flush(survey_id=survey.pk) == 0  # 7 < 10: they wait
    later = survey.closes_at + timedelta(minutes=1)
    assert anonymous_responses_flush_due(now=later) == 7
    assert not PendingResponse.objects.exists()
    assert Submission.objects.count() == 7
    tallies = {t.key: t.count for t in survey.tallies.filter(question=pick)}
    assert tallies == {f"c{choices[0].pk}": 4, f"c{choices[1].pk}": 3}  # n = 1, 3, 5 pick the second
    assert sum(survey.response_counts.values_list("count", flat=True)) == 7
    texts = set(Answer.objects.filter(question=words).values_list("text", flat=True))
    assert texts == {f"secret-mot-{n}" for n in range(7)}
    assert set(Submission.objects.values_list("submitted_on", flat=True)) == {timezone.localdate()}


@pytest.mark.django_db
def test_a_response_sealed_under_a_forgotten_secret_stays_pending_and_the_others_are_written(settings):
    survey, pick, choices, words = _anonymous_survey()
    _answer(survey, pick, choices, words, 0)
    old_secret = settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret-" + "x" * 40
    _answer(survey, pick, choices, words, 1)
    later = survey.closes_at + timedelta(minutes=1)
    assert anonymous_responses_flush(survey_id=survey.pk, now=later) == 1
    assert PendingResponse.objects.count() == 1
    settings.SECRET_KEY_FALLBACKS = [old_secret]  # a rotation keeps the old key as a fallback: readable again
    assert anonymous_responses_flush(survey_id=survey.pk, now=later) == 1
    assert Submission.objects.count() == 2 and not PendingResponse.objects.exists()


@pytest.mark.django_db
def test_a_flush_that_fails_midway_writes_nothing_and_keeps_every_response_pending(monkeypatch):
    survey, pick, choices, words = _anonymous_survey()
    for n in range(3):
        _answer(survey, pick, choices, words, n)

    def broken_counters(**kwargs):
        raise RuntimeError("the process dies here")

    monkeypatch.setattr("surveys.anonymity.tallies_add", broken_counters)
    with pytest.raises(RuntimeError):
        anonymous_responses_flush(survey_id=survey.pk, now=survey.closes_at)
    assert not Submission.objects.exists() and not Answer.objects.exists()
    assert PendingResponse.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_system_column_or_disk_order_joins_a_written_response_to_its_participation():
    if connection.vendor != "postgresql":
        pytest.skip("system columns are PostgreSQL's")
    earning_rules_ensure_defaults()  # an earlier test's flush may have emptied the earning rules
    survey, pick, choices, words = _anonymous_survey()
    for n in range(2 * ANONYMITY_BATCH):
        _answer(survey, pick, choices, words, n)  # each in its own transaction
    assert anonymous_responses_flush_due() == ANONYMITY_BATCH  # the periodic job
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text::bigint FROM surveys_participation")
        member_side = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT xmin::text::bigint FROM surveys_submission")
        submissions = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT xmin::text::bigint FROM surveys_answer")
        answers = {row[0] for row in cursor.fetchall()}
    assert len(submissions) == 1 and submissions == answers  # five responses, one transaction
    assert not submissions & member_side
    # The batch was written after all ten participations: its xmin says nothing about which five.
    assert min(submissions) > max(member_side)
    assert Submission.objects.count() == ANONYMITY_BATCH
