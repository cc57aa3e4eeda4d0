"""Points paid once on a double submit: simultaneous submissions of one member's response, on PostgreSQL.

Each thread has its own database connection (closed at the end of the thread)
and all are released at once by a barrier. The controls drop the database's
constraints (and skip the early "already answered?" read, which a burst gets
past anyway) and show that the same burst then writes and pays more than once —
so the real tests are not vacuous.
"""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.utils import timezone

from club.core.testing import threads_at_once
from club.members.tests.factories import MemberFactory
from rewards.ledger.models import LedgerEntry
from rewards.ledger.selectors import balance_of
from rewards.ledger.services import earning_rules_ensure_defaults
from surveys import services
from surveys.anonymity import anonymous_responses_flush
from surveys.errors import AlreadyAnswered
from surveys.models import Answer, Choice, Participation, PendingResponse, Question, Submission, Survey, SurveyPage
from surveys.services import submission_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 20
POINTS = 40


@pytest.fixture(autouse=True)
def _postgres(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL (set DATABASE_URL)")
    settings.POINTS_LOCK_TIMEOUT_MS = 30_000
    earning_rules_ensure_defaults()  # a previous test's flush empties the earning rules


def _survey(*, anonymous: bool) -> tuple[Survey, dict]:
    now = timezone.now()
    survey = Survey.objects.create(
        slug=f"rafale-{anonymous}", title="Nos cartels sont-ils clairs ?", anonymous=anonymous, points=POINTS,
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=7),
    )  # fmt: skip
    page = SurveyPage.objects.create(survey=survey, position=1)
    pick = Question.objects.create(page=page, position=1, kind=Question.Kind.SINGLE, text="Lisibles ?")
    yes = Choice.objects.create(question=pick, position=1, label="Oui")
    Choice.objects.create(question=pick, position=2, label="Non")
    words = Question.objects.create(page=page, position=2, kind=Question.Kind.SHORT_TEXT, text="Un mot ?")
    return survey, {str(pick.pk): yes.pk, str(words.pk): "limpides"}


def _burst(count: int, work) -> list:
    return threads_at_once(count, work)


def _submit(member_id: int, survey_id: int, answers: dict):
    """What a request does: read the member and the survey on its own connection, then submit."""
    from club.members.models import Member

    return lambda _index: submission_create(
        member=Member.objects.get(pk=member_id), survey=Survey.objects.get(pk=survey_id), answers=answers
    )


@pytest.mark.parametrize("anonymous", [False, True], ids=["named", "anonymous"])
def test_twenty_simultaneous_submissions_of_one_response_store_and_pay_it_once(anonymous):
    survey, answers = _survey(anonymous=anonymous)
    member = MemberFactory()
    results = _burst(CLIENTS, _submit(member.pk, survey.pk, answers))
    stored = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, AlreadyAnswered)]
    assert len(stored) == 1 and len(refused) == CLIENTS - 1, {type(r).__name__ for r in results}
    assert Participation.objects.filter(member=member, survey=survey).count() == 1
    entries = LedgerEntry.objects.filter(member=member)
    assert entries.count() == 1 and balance_of(member=member) == POINTS
    assert entries.get().reference == stored[0][0].reference
    if anonymous:  # sealed until it is written among others, then one submission
        assert PendingResponse.objects.filter(survey=survey).count() == 1 and not Submission.objects.exists()
        anonymous_responses_flush(survey_id=survey.pk, now=survey.closes_at)
    assert Submission.objects.filter(survey=survey).count() == 1
    assert Answer.objects.filter(submission__survey=survey).count() == 2
    call_command("ledger_verify")


DROP_PARTICIPATION_ONCE = "ALTER TABLE surveys_participation DROP CONSTRAINT surveys_participation_once"
RESTORE_PARTICIPATION_ONCE = (
    "ALTER TABLE surveys_participation ADD CONSTRAINT surveys_participation_once UNIQUE (member_id, survey_id)"
)
DROP_SUBMISSION_ONCE = "DROP INDEX surveys_submission_once"
RESTORE_SUBMISSION_ONCE = (
    "CREATE UNIQUE INDEX surveys_submission_once ON surveys_submission (survey_id, member_id) "
    "WHERE member_id IS NOT NULL"
)


class _ParticipationsUnchecked:
    """`Participation` as the services see it, less the early "already answered?" read (a burst gets past it)."""

    class objects:  # noqa: N801 - stands for the model's manager
        @staticmethod
        def filter(*args, **kwargs):
            found = Participation.objects.filter(*args, **kwargs)
            found.exists = lambda: False  # type: ignore[method-assign]
            return found

        @staticmethod
        def create(**fields):
            return Participation.objects.create(**fields)


def _control_burst(survey: Survey, member, answers: dict, *, drop: list[str], restore: list[str]) -> dict:
    """The burst with the constraints dropped; what it wrote is counted, removed, and the constraints restored."""
    with connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement)
    try:
        results = _burst(CLIENTS, _submit(member.pk, survey.pk, answers))
        return {
            "results": results,
            "participations": Participation.objects.filter(survey=survey, member=member).count(),
            "responses": Submission.objects.filter(survey=survey).count()
            + PendingResponse.objects.filter(survey=survey).count(),
            "entries": LedgerEntry.objects.filter(member=member).count(),
            "balance": balance_of(member=member),
        }
    finally:
        Submission.objects.filter(survey=survey).delete()
        PendingResponse.objects.filter(survey=survey).delete()
        Participation.objects.filter(survey=survey).delete()
        with connection.cursor() as cursor:
            for statement in restore:
                cursor.execute(statement)


def test_control_an_anonymous_burst_without_the_constraint_pays_several_times_and_the_test_sees_it(monkeypatch):
    survey, answers = _survey(anonymous=True)
    member = MemberFactory()
    monkeypatch.setattr(services, "Participation", _ParticipationsUnchecked)
    found = _control_burst(
        survey, member, answers, drop=[DROP_PARTICIPATION_ONCE], restore=[RESTORE_PARTICIPATION_ONCE]
    )
    assert found["participations"] > 1, "the burst should race without the constraint; if not, it is not concurrent"
    assert found["responses"] == found["participations"]  # counted more than once
    # Paid more than once (up to the earning rule's daily cap of 3 surveys, which then pays nothing more).
    assert found["entries"] > 1 and found["balance"] == POINTS * found["entries"]
    call_command("ledger_verify")  # every award is consistent: only the constraint stops a second one


def test_control_a_named_burst_needs_both_constraints_dropped_to_pay_several_times(monkeypatch):
    survey, answers = _survey(anonymous=False)
    monkeypatch.setattr(services, "Participation", _ParticipationsUnchecked)
    # Without the participation's constraint, the submission's (one named response per member) still
    # refuses the others whole — as a bare IntegrityError, though, not "already answered".
    found = _control_burst(
        survey, MemberFactory(), answers, drop=[DROP_PARTICIPATION_ONCE], restore=[RESTORE_PARTICIPATION_ONCE]
    )
    assert found["participations"] == 1 and found["entries"] == 1
    assert sum(isinstance(r, IntegrityError) for r in found["results"]) == CLIENTS - 1
    # Without both, the burst writes and pays more than once.
    found = _control_burst(
        survey, MemberFactory(), answers, drop=[DROP_PARTICIPATION_ONCE, DROP_SUBMISSION_ONCE],
        restore=[RESTORE_PARTICIPATION_ONCE, RESTORE_SUBMISSION_ONCE],
    )  # fmt: skip
    assert found["participations"] > 1, "the burst should race without the constraints; if not, it is not concurrent"
    assert found["responses"] == found["participations"] and found["entries"] > 1


def _hold_a_response_open(member_id: int, survey_id: int, answers: dict, written, release) -> threading.Thread:
    """A response written but not committed, on its own connection, until `release` is set."""

    def respond():
        from django.db import connections, transaction

        try:
            with transaction.atomic():
                _submit(member_id, survey_id, answers)(0)
                written.set()
                release.wait(30)
        finally:
            written.set()
            connections.close_all()

    thread = threading.Thread(target=respond)
    thread.start()
    assert written.wait(30)
    return thread


@pytest.mark.parametrize("bypassed", [False, True], ids=["the survey locked", "control: triggers bypassed"])
def test_a_choice_cannot_be_deleted_under_a_response_in_flight_that_picked_it(bypassed):
    """No foreign key holds the choice: the deletion's trigger waits for the response on the survey's row.

    The control deletes with the triggers off (`session_replication_role`):
    the deletion then passes at once and the committed answer points to nothing.
    """
    from django.db import OperationalError, transaction

    survey, answers = _survey(anonymous=False)
    pick, picked = next(iter(answers.items()))
    written, release = threading.Event(), threading.Event()
    responding = _hold_a_response_open(MemberFactory().pk, survey.pk, answers, written, release)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '300ms'")
            if bypassed:
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("DELETE FROM surveys_choice WHERE id = %s", [picked])
            else:
                with pytest.raises(OperationalError, match="lock timeout"):
                    cursor.execute("DELETE FROM surveys_choice WHERE id = %s", [picked])
                transaction.set_rollback(True)
    finally:
        release.set()
        responding.join(30)
    assert Submission.objects.filter(survey=survey).count() == 1
    if bypassed:
        assert Answer.objects.filter(choice_id=picked).exists() and not Choice.objects.filter(pk=picked).exists()
        Answer.objects.filter(submission__survey=survey).delete()  # the orphan, so the test database stays whole
        return
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_choice WHERE id = %s", [picked])  # once committed, refused
    assert Choice.objects.filter(pk=picked).exists() and int(pick) == Choice.objects.get(pk=picked).question_id


def test_a_response_waits_for_a_deletion_in_flight_and_is_then_asked_to_reload():
    """The other order: the deletion holds the survey's row; the response's trigger waits, then finds it gone."""
    from django.db import transaction

    from surveys.errors import SurveyChanged

    survey, answers = _survey(anonymous=False)
    member = MemberFactory()
    pick = next(iter(answers))
    no = Choice.objects.get(question_id=int(pick), label="Non")
    services.submission_create(member=MemberFactory(), survey=survey, answers=answers)  # the rules cached
    outcome: list = []

    def respond():
        from django.db import connections

        try:
            with transaction.atomic():
                outcome.append(_submit(member.pk, survey.pk, {**answers, pick: no.pk})(0))
        except Exception as error:  # noqa: BLE001 - asserted below
            outcome.append(error)
        finally:
            connections.close_all()

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_choice WHERE id = %s", [no.pk])  # nobody picked it: allowed, survey held
        responding = threading.Thread(target=respond)
        responding.start()
        _wait_until_a_session_waits_for_a_lock()
    responding.join(30)
    assert len(outcome) == 1 and isinstance(outcome[0], SurveyChanged), outcome
    assert not Participation.objects.filter(member=member).exists() and balance_of(member=member) == 0


def _wait_until_a_session_waits_for_a_lock() -> None:
    """Polls the server's view of its sessions until one waits for a lock (its snapshot cleared each time)."""
    import time

    deadline = time.monotonic() + 30
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the response never waited for the deletion")
