"""Announcements of features: an audience registered by name, texts in each language, once per key."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from club.members.models import Member
from club.members.tests.factories import MemberFactory
from club.notifications import services as notifications
from club.notifications.audiences import UnknownAudience, audience_register, audience_unregister
from club.notifications.models import Announcement, Notification, NotificationKind
from club.notifications.selectors import announcement_audience, announcement_keys_taken

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_audience():
    """Members whose display name starts with params["prefix"]; events (a kind that needs no consent)."""
    audience_register(
        "tests.named",
        lambda params: Member.objects.filter(display_name__startswith=params["prefix"]),
        kind=NotificationKind.EVENTS,
        label="les membres nommés",
    )
    yield "tests.named"
    audience_unregister("tests.named")


def _broadcast(key="tests.thing:1", **fields):
    return notifications.notification_broadcast(
        title={"fr": "Atelier gravure", "en": "Printmaking workshop"},
        body={"fr": "Samedi à 14 h.", "en": "Saturday at 2 pm."},
        url="/musees/",
        audience="tests.named",
        audience_params={"prefix": "Gra"},
        key=key,
        **fields,
    )


def test_a_feature_audience_is_rebuilt_from_its_name_and_parameters_and_sent_once_per_key(
    named_audience, django_capture_on_commit_callbacks
):
    engravers = [MemberFactory(display_name=f"Graveur {n}") for n in range(3)]
    MemberFactory(display_name="Peintre")
    MemberFactory(display_name="Graveur parti", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        announcement = _broadcast()
    assert announcement is not None and announcement.target == "feature" and announcement.kind == "events"
    assert set(announcement_audience(announcement=announcement)) == set(engravers)
    with django_capture_on_commit_callbacks(execute=True):
        assert _broadcast() is None  # the key is taken: nothing written, nothing sent
    assert Announcement.objects.count() == 1
    assert Notification.objects.filter(announcement=announcement).count() == 3
    # Events need no marketing consent: every member gets the email (by default).
    assert len(mail.outbox) == 3
    assert set(announcement_keys_taken(keys=["tests.thing:1", "tests.thing:2"])) == {"tests.thing:1"}
    assert announcement_keys_taken(keys=[]) == {}


def test_each_member_reads_the_announcement_in_their_language(named_audience, django_capture_on_commit_callbacks):
    english = MemberFactory(display_name="Graveuse", preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        announcement = _broadcast()
    assert (announcement.title_fr, announcement.title_en) == ("Atelier gravure", "Printmaking workshop")
    assert mail.outbox[0].subject == "[Club des visiteurs] Printmaking workshop"
    with translation.override("en"):
        assert Notification.objects.get(member=english).shown_title == "Printmaking workshop"
    with translation.override("fr"):
        assert Notification.objects.get(member=english).shown_title == "Atelier gravure"


def test_an_audience_nobody_registered_is_refused_before_anything_is_written():
    with pytest.raises(UnknownAudience):
        _broadcast()
    assert not Announcement.objects.exists()


def test_french_is_required_when_texts_come_per_language(named_audience):
    with pytest.raises(ValueError):
        notifications.notification_broadcast(
            title={"en": "Only English"}, body={"en": "…"}, audience="tests.named", audience_params={"prefix": "x"}
        )
    assert not Announcement.objects.exists()


def test_the_database_refuses_a_duplicate_key_and_a_feature_target_without_its_audience(named_audience):
    _broadcast(key="tests.thing:9")
    with pytest.raises(IntegrityError), transaction.atomic():
        Announcement.objects.create(title="Doublon", body="x", key="tests.thing:9")
    with pytest.raises(IntegrityError), transaction.atomic():
        Announcement.objects.create(title="Sans public", body="x", target="feature")
    with pytest.raises(IntegrityError), transaction.atomic():
        Announcement.objects.filter(key="tests.thing:9").update(audience="")
    # Staff announcements have no key: any number of them.
    Announcement.objects.create(title="Une", body="x")
    Announcement.objects.create(title="Deux", body="x")


def test_staff_cannot_pick_a_feature_audience_and_see_its_label_in_the_list(admin_client, named_audience):
    _broadcast()
    form = admin_client.get(reverse("admin:notifications_announcement_add")).content.decode()
    assert 'value="survey_consent"' in form and 'value="feature"' not in form
    listing = admin_client.get(reverse("admin:notifications_announcement_changelist")).content.decode()
    assert "les membres nommés" in listing
    response = admin_client.post(
        reverse("admin:notifications_announcement_add"),
        {"title_fr": "Nocturne", "body_fr": "Entrée libre.", "url": "", "target": "feature"},
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors["target"]
    assert Announcement.objects.count() == 1


def test_an_announcement_whose_feature_is_gone_still_shows_in_the_admin(admin_client, named_audience):
    announcement = _broadcast()
    audience_unregister("tests.named")
    assert announcement.audience_label == "tests.named"
    assert admin_client.get(reverse("admin:notifications_announcement_changelist")).status_code == 200
