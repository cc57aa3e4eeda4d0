"""New surveys and polls announced to their audience, and the last-day reminder, each sent once."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone, translation

from club.members.tests.factories import MemberFactory, MuseumFactory
from club.notifications.models import Announcement, Notification, NotificationPreference
from club.notifications.tasks import announcement_fanout_task
from surveys import jobs, notify
from surveys.models import Choice, Question, Survey, SurveyPage
from surveys.services import submission_create

pytestmark = pytest.mark.django_db


def _survey(*, opens_in=timedelta(hours=-1), lasts=timedelta(days=7), **fields) -> tuple[Survey, dict]:
    opens_at = timezone.now() + opens_in
    survey = Survey.objects.create(
        slug=fields.pop("slug", f"enquete-{Survey.objects.count()}"),
        title_fr=fields.pop("title_fr", "Nos cartels sont-ils clairs ?"),
        title_en=fields.pop("title_en", "Are our labels clear?"),
        opens_at=opens_at,
        closes_at=opens_at + lasts,
        **fields,
    )
    page = SurveyPage.objects.create(survey=survey, position=1)
    question = Question.objects.create(page=page, position=1, kind=Question.Kind.SINGLE, text="Lisibles ?")
    yes = Choice.objects.create(question=question, position=1, label="Oui")
    Choice.objects.create(question=question, position=2, label="Non")
    return survey, {str(question.pk): yes.pk}


def _run_job(capture) -> int:
    """The beat job as a worker runs it; the fan-out it queues after commit runs eagerly."""
    with capture(execute=True):
        return jobs.surveys_announce_due_task()


def _received(survey: Survey, moment: str) -> dict[int, int]:
    """Member id → notifications of that announcement."""
    key = notify.announcement_key(survey=survey, moment=moment)
    counts: dict[int, int] = {}
    for member_id in Notification.objects.filter(announcement__key=key).values_list("member_id", flat=True):
        counts[member_id] = counts.get(member_id, 0) + 1
    return counts


def test_an_open_survey_is_announced_once_to_its_members_who_accept_invitations(
    django_capture_on_commit_callbacks,
):
    survey, _answers = _survey(points=40)
    invited = [MemberFactory(consent_surveys=True) for _ in range(3)]
    MemberFactory(consent_surveys=False)
    MemberFactory(consent_surveys=True, is_active=False)
    MemberFactory(consent_surveys=True, verified=False)  # an address nobody confirmed gets no invitation
    assert _run_job(django_capture_on_commit_callbacks) == 1
    assert _run_job(django_capture_on_commit_callbacks) == 0
    notify.surveys_announce_due()  # and the service itself, again
    assert _received(survey, notify.OPENING) == {member.pk: 1 for member in invited}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(member.email for member in invited)
    announcement = Announcement.objects.get()
    assert announcement.status == "done" and announcement.recipients == 3 and announcement.kind == "surveys"
    assert Notification.objects.filter(kind="surveys").count() == 3


def test_running_the_job_again_after_a_lost_fan_out_sends_nothing_twice(django_capture_on_commit_callbacks):
    survey, _answers = _survey()
    members = [MemberFactory(consent_surveys=True) for _ in range(4)]
    notify.surveys_announce_due()  # committed, but its fan-out never ran (a broker outage)
    assert not Notification.objects.exists()
    assert _run_job(django_capture_on_commit_callbacks) == 0  # the key is taken: not announced again
    for _ in range(2):  # the sweep queues the stalled fan-out, maybe twice
        announcement_fanout_task(Announcement.objects.get().pk)
    assert _received(survey, notify.OPENING) == {member.pk: 1 for member in members}
    assert len(mail.outbox) == 4


def test_a_scheduled_opening_is_announced_by_the_first_run_after_its_time(clock, django_capture_on_commit_callbacks):
    survey, _answers = _survey(opens_in=timedelta(hours=3))
    member = MemberFactory(consent_surveys=True)
    assert _run_job(django_capture_on_commit_callbacks) == 0
    clock.move_to(survey.opens_at - timedelta(seconds=1))
    assert _run_job(django_capture_on_commit_callbacks) == 0
    assert not Notification.objects.exists()
    clock.move_to(survey.opens_at + timedelta(minutes=4))  # the next five-minute tick
    assert _run_job(django_capture_on_commit_callbacks) == 1
    assert _received(survey, notify.OPENING) == {member.pk: 1}


def test_a_closed_survey_is_not_announced_even_if_its_opening_was_missed(clock, django_capture_on_commit_callbacks):
    survey, _answers = _survey(opens_in=timedelta(days=-10), lasts=timedelta(days=3))
    MemberFactory(consent_surveys=True)
    assert _run_job(django_capture_on_commit_callbacks) == 0
    assert not Announcement.objects.exists()


def test_the_reminder_goes_the_day_before_closing_to_those_who_have_not_answered(
    clock, django_capture_on_commit_callbacks
):
    survey, answers = _survey(lasts=timedelta(days=5))
    answered, waiting, quiet = (MemberFactory(consent_surveys=True) for _ in range(3))
    NotificationPreference.objects.create(member=quiet, kind="surveys", by_email=False)
    MemberFactory(consent_surveys=False)
    assert _run_job(django_capture_on_commit_callbacks) == 1
    submission_create(member=answered, survey=survey, answers=answers)
    mail.outbox.clear()
    clock.move_to(survey.closes_at - notify.REMINDER_WINDOW - timedelta(minutes=1))
    assert _run_job(django_capture_on_commit_callbacks) == 0
    clock.move_to(survey.closes_at - notify.REMINDER_WINDOW)
    assert _run_job(django_capture_on_commit_callbacks) == 1
    assert _run_job(django_capture_on_commit_callbacks) == 0
    assert _received(survey, notify.REMINDER) == {waiting.pk: 1, quiet.pk: 1}
    # By email only for who accepts invitations and wants this kind by email.
    assert [message.to for message in mail.outbox] == [[waiting.email]]
    clock.move_to(survey.closes_at)
    assert _run_job(django_capture_on_commit_callbacks) == 0
    assert Announcement.objects.count() == 2


def test_a_short_survey_gets_its_opening_and_no_reminder_the_same_day(clock, django_capture_on_commit_callbacks):
    survey, _answers = _survey(opens_in=timedelta(minutes=10), lasts=timedelta(hours=20))
    MemberFactory(consent_surveys=True)
    clock.move_to(survey.opens_at)
    assert _run_job(django_capture_on_commit_callbacks) == 1
    for hours in (1, 10, 19):  # inside its last 24 hours all along, but the invitation is fresh
        clock.move_to(survey.opens_at + timedelta(hours=hours))
        assert _run_job(django_capture_on_commit_callbacks) == 0
    assert list(Announcement.objects.values_list("key", flat=True)) == [
        notify.announcement_key(survey=survey, moment=notify.OPENING)
    ]


def test_a_survey_for_a_museums_fans_is_announced_to_those_fans_only(django_capture_on_commit_callbacks):
    museum, other = MuseumFactory(), MuseumFactory()
    survey, _answers = _survey(audience=Survey.Audience.MUSEUM_FANS)
    survey.audience_museums.add(museum)
    fan = MemberFactory(consent_surveys=True, favourite_museum=museum)
    MemberFactory(consent_surveys=True, favourite_museum=other)
    MemberFactory(consent_surveys=True)
    MemberFactory(consent_surveys=False, favourite_museum=museum)
    assert _run_job(django_capture_on_commit_callbacks) == 1
    assert _received(survey, notify.OPENING) == {fan.pk: 1}
    assert [message.to for message in mail.outbox] == [[fan.email]]


def test_the_announcement_reads_in_each_language_with_points_closing_date_and_link(
    clock, django_capture_on_commit_callbacks
):
    survey, _answers = _survey(points=40, lasts=timedelta(days=7))  # closes on 21 November 2026 at 11:00
    english = MemberFactory(consent_surveys=True, preferred_language="en")
    french = MemberFactory(consent_surveys=True, preferred_language="fr")
    _run_job(django_capture_on_commit_callbacks)
    announcement = Announcement.objects.get()
    assert announcement.title_fr == "Nouvelle enquête : Nos cartels sont-ils clairs ?"
    assert announcement.body_fr == "Répondez jusqu'au 21 novembre à 11 h et gagnez 40 points."
    assert "Are our labels clear?" in announcement.title_en and "Nos cartels" not in announcement.title_en
    assert "21 November" in announcement.body_en and "40" in announcement.body_en
    assert announcement.url == reverse("surveys:detail", kwargs={"slug": survey.slug})
    assert announcement.audience_label == "les membres invités à une enquête ou un sondage"
    # Each reader sees their language, in the inbox and in the email.
    with translation.override("en"):
        assert "Are our labels clear?" in Notification.objects.get(member=english).shown_title
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "Are our labels clear?" in by_address[english.email].subject
    assert "Nos cartels sont-ils clairs ?" in by_address[french.email].subject
    assert announcement.url in by_address[french.email].body


def test_a_poll_and_an_anonymous_survey_say_what_they_are():
    poll, _answers = _survey(kind=Survey.Kind.POLL, title_fr="Quel atelier ?", title_en="Which workshop?", points=10)
    anonymous, _answers = _survey(anonymous=True, points=1)
    titles, bodies = notify.announcement_texts(survey=poll, moment=notify.OPENING)
    assert titles["fr"] == "Nouveau sondage : Quel atelier ?" and "10 points" in bodies["fr"]
    titles, bodies = notify.announcement_texts(survey=anonymous, moment=notify.OPENING)
    assert "gagnez 1 point." in bodies["fr"] and bodies["fr"].endswith("Vos réponses resteront anonymes.")
    titles, bodies = notify.announcement_texts(survey=anonymous, moment=notify.REMINDER)
    assert titles["fr"] == "Dernier jour pour répondre : Nos cartels sont-ils clairs ?"
    assert bodies["fr"].startswith("Vous n'avez pas encore répondu")


def test_a_survey_deleted_before_its_fan_out_reaches_nobody():
    survey, _answers = _survey()
    MemberFactory(consent_surveys=True)
    assert notify.invited_members({"survey": survey.pk}).count() == 1
    notify.surveys_announce_due()  # committed; the fan-out has not run yet
    survey.delete()
    announcement_fanout_task(Announcement.objects.get().pk)
    assert not Notification.objects.exists() and Announcement.objects.get().status == "done"
    assert notify.not_answered_members({"survey": survey.pk}).count() == 0


def test_the_job_reads_the_same_whatever_the_number_of_open_surveys(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    MemberFactory(consent_surveys=True)
    for _ in range(5):
        _survey()
    _run_job(django_capture_on_commit_callbacks)
    with django_assert_num_queries(2):  # the open surveys, the keys already taken
        assert notify.surveys_announce_due() == 0
    for _ in range(20):
        _survey()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.surveys_announce_due() == 20
    with django_assert_num_queries(2):
        assert notify.surveys_announce_due() == 0


def _burst_of_jobs(count: int) -> list:
    """The job run by `count` workers released at the same instant, each with its own connection."""
    barrier = threading.Barrier(count)
    results: list = []

    def run():
        try:
            barrier.wait()
            results.append(jobs.surveys_announce_due_task())  # autocommit: the fan-out runs after each commit
        except Exception as error:  # noqa: BLE001 - every outcome is collected and asserted
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a run never finished"
    return results


@pytest.fixture
def _postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent runs need PostgreSQL (set DATABASE_URL)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_job_run_by_several_workers_at_once_announces_each_survey_once(_postgres):
    surveys = [_survey()[0] for _ in range(3)]
    members = [MemberFactory(consent_surveys=True) for _ in range(12)]
    results = _burst_of_jobs(8)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 3  # each survey announced by exactly one of the runs
    assert Announcement.objects.count() == 3
    for survey in surveys:
        assert _received(survey, notify.OPENING) == {member.pk: 1 for member in members}
    assert len(mail.outbox) == 3 * 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_control_without_the_unique_key_concurrent_runs_announce_twice_and_the_test_sees_it(_postgres):
    _survey()
    MemberFactory(consent_surveys=True)
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX notifications_announcement_once_per_key")
    try:
        results = _burst_of_jobs(8)
    finally:
        Announcement.objects.all().delete()  # (their notifications go with them: SET NULL, then flushed)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE UNIQUE INDEX notifications_announcement_once_per_key "
                "ON notifications_announcement (key) WHERE NOT (key = '')"
            )
    announced = sum(r for r in results if isinstance(r, int))
    assert announced > 1, "the runs should race; if not, the burst is not concurrent"
