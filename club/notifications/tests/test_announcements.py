"""Announcements to many members: fan-out in chunks, once per member, consent respected."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from club.members.models import Member
from club.members.tests.factories import MemberFactory, MuseumFactory
from club.notifications import fanout
from club.notifications import selectors as notification_selectors
from club.notifications import services as notifications
from club.notifications import tasks as notification_tasks
from club.notifications.models import Announcement, Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def _members(count, **fields):
    return Member.objects.bulk_create(
        Member(email=f"annonce{i}-{fields.get('consent_news', 'x')}@exemple.fr", **fields) for i in range(count)
    )


def _announcement(**fields):
    return Announcement.objects.create(title="Nocturne jeudi", body="Entrée libre de 18 h à 22 h.", **fields)


def test_broadcast_reaches_everyone_once_and_emails_only_who_consented(
    django_capture_on_commit_callbacks, settings, monkeypatch
):
    monkeypatch.setattr(fanout, "CHUNK_SIZE", 7)
    consenting = _members(20, consent_news=True)
    _members(10, consent_news=False)
    NotificationPreference.objects.create(member=consenting[0], kind="news", by_email=False)
    announcement = _announcement()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.announcement_send(announcement=announcement)
    announcement.refresh_from_db()
    assert announcement.status == "done" and announcement.recipients == 30
    assert Notification.objects.filter(announcement=announcement).count() == 30
    assert len(mail.outbox) == 19
    assert len({m.to[0] for m in mail.outbox}) == 19
    assert notification_selectors.announcement_counts(announcement=announcement) == {
        "notifications": 30,
        "queued": 0,
        "delivered": 19,
        "failed": 0,
    }
    # Running the fan-out and every chunk again writes and sends nothing more.
    notification_tasks.announcement_fanout_task(announcement.pk)
    assert Notification.objects.filter(announcement=announcement).count() == 30 and len(mail.outbox) == 19


def test_a_redelivered_chunk_sends_what_its_dead_worker_claimed_and_others_send_nothing(monkeypatch):
    members = _members(5, consent_news=True)
    announcement = _announcement(status=Announcement.Status.SENDING, recipients=5)
    first, last = members[0].pk, members[-1].pk
    # A worker wrote the rows, claimed them as task-1, sent nothing, and died.
    rows = fanout._chunk_rows(announcement, members)
    Notification.objects.bulk_create(rows)
    Notification.objects.filter(announcement=announcement).update(email_status="sending", email_claim="task-1")
    assert fanout.announcement_chunk(announcement_id=announcement.pk, first_pk=first, last_pk=last, claim="x") == 0
    sent = fanout.announcement_chunk(announcement_id=announcement.pk, first_pk=first, last_pk=last, claim="task-1")
    assert sent == 5 and len(mail.outbox) == 5
    announcement.refresh_from_db()
    assert announcement.status == "done"


def test_targets_museum_fans_and_survey_consent():
    museum = MuseumFactory()
    fan = MemberFactory(favourite_museum=museum)
    MemberFactory()
    surveyed = MemberFactory(consent_surveys=True)
    fans = _announcement(target=Announcement.Target.MUSEUM_FANS, museum=museum)
    assert list(notification_selectors.announcement_audience(announcement=fans)) == [fan]
    surveys = _announcement(target=Announcement.Target.SURVEY_CONSENT)
    assert (
        list(notification_selectors.announcement_audience(announcement=surveys)) == [surveyed]
        and surveys.kind == "surveys"
    )


def test_scheduled_announcement_starts_when_its_time_comes(clock, django_capture_on_commit_callbacks):
    _members(3, consent_news=True)
    later = timezone.now() + timezone.timedelta(hours=2)
    announcement = _announcement(scheduled_for=later)
    notifications.announcement_send(announcement=announcement)
    assert Announcement.objects.get(pk=announcement.pk).status == "scheduled"
    clock.move_to(later - timezone.timedelta(minutes=1))
    assert notifications.announcements_start_due() == 0
    clock.move_to(later)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.announcements_start_due() == 1
    assert Announcement.objects.get(pk=announcement.pk).status == "done" and len(mail.outbox) == 3
    with pytest.raises(notifications.AnnouncementAlreadySent):
        notifications.announcement_send(announcement=announcement)


def test_admin_send_request_does_the_same_work_for_few_or_many_members(admin_client, django_assert_num_queries):
    url = reverse("admin:notifications_announcement_changelist")
    few = _announcement()
    _members(5, consent_news=True)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        admin_client.post(url, {"action": "send", "_selected_action": [few.pk]})
    _members(300, consent_news=False)
    many = _announcement()
    with django_assert_num_queries(len(small.captured_queries)):
        admin_client.post(url, {"action": "send", "_selected_action": [many.pk]})
    assert Announcement.objects.get(pk=many.pk).status == "sending"


def test_admin_lists_counts_and_previews_the_email(admin_client):
    announcement = _announcement(url="/boutique/")
    assert admin_client.get(reverse("admin:notifications_announcement_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:notifications_announcement_change", args=[announcement.pk])).status_code == 200
    )
    preview = admin_client.get(
        reverse("admin:notifications_announcement_preview", args=[announcement.pk])
    ).content.decode()
    assert "Nocturne jeudi" in preview and "/boutique/" in preview and "<img" not in preview


def test_an_announcement_cannot_change_once_it_has_started_sending(admin_client):
    announcement = _announcement()
    announcement.title = "Nocturne vendredi"
    notifications.announcement_save(announcement=announcement)
    notifications.announcement_send(announcement=announcement)
    announcement.title = "Trop tard"
    with pytest.raises(notifications.AnnouncementAlreadySent):
        notifications.announcement_save(announcement=announcement)
    announcement.refresh_from_db()
    assert announcement.title == "Nocturne vendredi" and not announcement.is_editable
    change = reverse("admin:notifications_announcement_change", args=[announcement.pk])
    admin_client.post(change, {"title": "Trop tard", "body": "x", "target": "all"})
    announcement.refresh_from_db()
    assert announcement.title == "Nocturne vendredi"


@pytest.mark.parametrize("link", ["javascript:alert(document.cookie)", "https://evil.example/", "//evil.example"])
def test_an_announcement_link_that_could_carry_an_attack_is_refused(admin_client, link):
    add = reverse("admin:notifications_announcement_add")
    response = admin_client.post(
        add, {"title_fr": "Nocturne", "body_fr": "Entrée libre.", "url": link, "target": "all"}
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors["url"]
    with pytest.raises(notifications.LinkNotAllowed):
        notifications.notification_broadcast(title="Nocturne", body="Entrée libre.", url=link)
    assert not Announcement.objects.exists()


def test_the_preview_needs_the_right_to_see_announcements_and_an_unknown_one_is_a_404(client, admin_client):
    from club.members.tests.factories import StaffFactory

    announcement = _announcement()
    preview = reverse("admin:notifications_announcement_preview", args=[announcement.pk])
    client.force_login(StaffFactory())  # staff with no permission
    assert client.get(preview).status_code == 403
    assert admin_client.get(reverse("admin:notifications_announcement_preview", args=[999999])).status_code == 404
    assert admin_client.get(reverse("ledger_adjust_points", args=[999999])).status_code == 404


def test_staff_send_from_the_announcement_page_and_preview_it_styled_in_both_languages(
    admin_client, django_capture_on_commit_callbacks
):
    _members(2, consent_news=True)
    add = reverse("admin:notifications_announcement_add")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            add,
            {
                "title_fr": "Nocturne",
                "title_en": "Late opening",
                "body_fr": "Entrée libre.",
                "body_en": "Free entry.",
                "url": "/boutique/",
                "target": "all",
                "_send": "1",
            },
        )
    announcement = Announcement.objects.get()
    assert response.status_code == 302 and announcement.status == "done"
    preview = reverse("admin:notifications_announcement_preview", args=[announcement.pk])
    french = admin_client.get(preview)
    assert "Objet :" in french.content.decode() and "[Club des visiteurs] Nocturne" in french.content.decode()
    assert "'unsafe-inline'" in french["Content-Security-Policy"].split("style-src")[1].split(";")[0]
    english = admin_client.get(preview, {"lang": "en"}).content.decode()
    assert "Late opening" in english and "Free entry." in english
    assert "'unsafe-inline'" not in admin_client.get(add)["Content-Security-Policy"]
