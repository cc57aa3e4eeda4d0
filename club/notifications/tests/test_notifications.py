"""Notifications: inbox, preferences and consent, emails, unsubscribe, delivery once."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from club.members.models import ConsentRecord
from club.members.tests.factories import MemberFactory
from club.notifications import delivery
from club.notifications import services as notifications
from club.notifications.models import Notification, NotificationKind, NotificationPreference
from rewards.ledger import expiry as ledger_expiry
from rewards.ledger import services as ledger_services
from rewards.shop import services as shop_services
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db


def _send(member, kind=NotificationKind.SHOP, **fields):
    return notifications.notification_send(member=member, kind=kind, title=fields.pop("title", "Titre"), **fields)


def test_voucher_creates_a_notification_and_an_email_in_the_members_language(django_capture_on_commit_callbacks):
    member = MemberFactory(preferred_language="en")
    ledger_services.points_award(member=member, action="idea_planned", reference="x:1", amount=100)
    with django_capture_on_commit_callbacks(execute=True):
        redemption = shop_services.gift_redeem(member=member, gift=GiftFactory(name_en="Postcard", points=60))
    notification = Notification.objects.get(member=member)
    assert notification.kind == "shop" and "Postcard" in notification.title
    assert notification.url == reverse("shop:voucher", args=[redemption.code])
    assert notification.email_status == "sent"
    message = mail.outbox[-1]
    assert message.to == [member.email] and "Postcard" in message.subject
    assert "/desinscription/" in message.body and message.extra_headers["List-Unsubscribe-Post"]
    html = message.alternatives[0][0]
    assert "<img" not in html and 'lang="en"' in html and "View on the site" in html


def test_marketing_email_needs_consent_and_preference_but_inbox_always_gets_it(django_capture_on_commit_callbacks):
    member = MemberFactory(consent_news=False)
    with django_capture_on_commit_callbacks(execute=True):
        silent = _send(member, kind=NotificationKind.CONTENT)
    assert silent.email_status == "none" and not mail.outbox
    member.consent_news = True
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        emailed = _send(member, kind=NotificationKind.CONTENT)
    emailed.refresh_from_db()
    assert emailed.email_status == "sent" and len(mail.outbox) == 1
    notifications.preference_set(member=member, kind=NotificationKind.CONTENT, by_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        _send(member, kind=NotificationKind.CONTENT)
    assert len(mail.outbox) == 1 and Notification.objects.filter(member=member).count() == 3


def test_an_email_is_delivered_once_even_when_its_task_runs_twice(django_capture_on_commit_callbacks):
    member = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification = _send(member)
    assert delivery.notification_email_deliver(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_deleted_member_ends_the_task_quietly():
    member = MemberFactory()
    notification = _send(member)
    member.delete()
    assert delivery.notification_email_deliver(notification_id=notification.pk) is False


def test_refused_email_is_recorded_retried_then_failed(settings):
    settings.EMAIL_BACKEND = "club.notifications.tests.test_notifications.RefusingBackend"
    member = MemberFactory()
    notification = _send(member)
    for _attempt in range(delivery.MAX_EMAIL_ATTEMPTS - 1):
        with pytest.raises(delivery.EmailNotSent):
            delivery.notification_email_deliver(notification_id=notification.pk)
        notification.refresh_from_db()
        assert notification.email_status == "pending" and "refused" in notification.email_error
    assert delivery.notification_email_deliver(notification_id=notification.pk) is False
    notification.refresh_from_db()
    assert notification.email_status == "failed" and notification.email_attempts == delivery.MAX_EMAIL_ATTEMPTS


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("550 refused by the provider")


def test_sweep_queues_again_what_stayed_pending():
    member = MemberFactory()
    notification = _send(member)  # no commit in this test: the on-commit enqueue never ran
    assert notifications.notifications_sweep() == 0  # too recent
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    assert notifications.notifications_sweep() == 1
    notification.refresh_from_db()
    assert notification.email_status == "sent" and len(mail.outbox) == 1


def test_inbox_shows_unread_count_opens_items_and_marks_all_read(client):
    member = MemberFactory()
    first = _send(member, title="Premier", url=reverse("shop:shop"))
    _send(member, title="Second")
    client.force_login(member)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Premier" in page and "Second" in page and 'class="count">2' in page
    response = client.get(reverse("notifications:open", args=[first.pk]))
    assert response.url == reverse("shop:shop")
    first.refresh_from_db()
    assert first.read_at is not None
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(member=member, read_at__isnull=True).exists()


def test_someone_elses_notification_is_a_404(client):
    other = _send(MemberFactory())
    client.force_login(MemberFactory())
    assert client.get(reverse("notifications:open", args=[other.pk])).status_code == 404


def test_inbox_query_count_does_not_grow(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = MemberFactory()
    _send(member)
    client.force_login(member)
    client.get(reverse("notifications:inbox"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("notifications:inbox"))
    Notification.objects.bulk_create(Notification(member=member, kind="shop", title=f"n{i}") for i in range(300))
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("notifications:inbox"))


def test_preferences_page_saves_choices(client):
    member = MemberFactory()
    client.force_login(member)
    client.post(reverse("notifications:preferences"), {"shop": "on", "points": "on"})
    chosen = dict(NotificationPreference.objects.filter(member=member).values_list("kind", "by_email"))
    assert chosen["shop"] is True and chosen["news"] is False


def test_unsubscribe_link_works_without_login_and_withdraws_the_consent(client):
    member = MemberFactory(consent_news=True)
    token = delivery.unsubscribe_token(member_id=member.pk, kind="news")
    url = reverse("notifications:unsubscribe", args=[token])
    assert member.email in client.get(url).content.decode()
    assert NotificationPreference.objects.count() == 0  # looking changes nothing
    client.post(url)
    member.refresh_from_db()
    assert member.consent_news is False
    assert NotificationPreference.objects.get(member=member, kind="news").by_email is False
    assert ConsentRecord.objects.get(member=member).source == "unsubscribe"


def test_forged_unsubscribe_link_changes_nothing(client):
    member = MemberFactory(consent_news=True)
    token = delivery.unsubscribe_token(member_id=member.pk, kind="news")
    response = client.post(reverse("notifications:unsubscribe", args=[token[:-3] + "abc"]))
    assert response.status_code == 400 and "rien n'a été changé" in response.content.decode()
    member.refresh_from_db()
    assert member.consent_news is True and not NotificationPreference.objects.exists()


def test_expired_voucher_and_expired_points_notify_the_member(clock):
    member = MemberFactory()
    ledger_services.points_award(member=member, action="idea_planned", reference="x:1", amount=100)
    shop_services.gift_redeem(member=member, gift=GiftFactory(points=60, voucher_validity_days=1))
    clock.shift(timezone.timedelta(days=2))
    shop_services.redemptions_expire_due()
    clock.shift(timezone.timedelta(days=800))
    ledger_expiry.points_expire_due()
    titles = list(Notification.objects.filter(member=member).values_list("title", flat=True))
    assert any("a expiré" in t for t in titles) and any("points ont expiré" in t for t in titles)


def test_api_lists_notifications_with_unread_count_and_marks_read():
    from rest_framework.test import APIClient

    member = MemberFactory()
    first = _send(member, title="Un")
    _send(member, title="Deux")
    _send(MemberFactory(), title="Pas à moi")
    api = APIClient()
    api.force_authenticate(member)
    body = api.get("/api/v1/notifications/").json()
    assert body["unread"] == 2 and [n["title"] for n in body["results"]] == ["Deux", "Un"]
    assert api.post(f"/api/v1/notifications/{first.pk}/read/").json()["read_at"]
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert api.get("/api/v1/notifications/").json()["unread"] == 0


def test_api_reads_and_changes_preferences_and_refuses_unknown_kinds():
    from rest_framework.test import APIClient

    member = MemberFactory()
    api = APIClient()
    api.force_authenticate(member)
    assert api.get("/api/v1/me/notification-preferences/").json()["news"] is True
    changed = api.patch("/api/v1/me/notification-preferences/", {"news": False}, format="json").json()
    assert changed["news"] is False and changed["shop"] is True
    bad = api.patch("/api/v1/me/notification-preferences/", {"spam": False}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


def test_expired_unsubscribe_link_changes_nothing(client, monkeypatch):
    member = MemberFactory(consent_news=True)
    token = delivery.unsubscribe_token(member_id=member.pk, kind="news")
    monkeypatch.setattr(delivery, "UNSUBSCRIBE_MAX_AGE", -1)
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.consent_news is True and not NotificationPreference.objects.exists()


def test_features_broadcast_through_one_call(django_capture_on_commit_callbacks):
    MemberFactory(consent_surveys=True)
    MemberFactory(consent_surveys=False)
    with django_capture_on_commit_callbacks(execute=True):
        announcement = notifications.notification_broadcast(
            title="Nouvelle enquête : vos cartels", body="Cinq minutes pour nous aider.", target="survey_consent"
        )
    assert announcement.status == "sending"
    assert Notification.objects.filter(announcement=announcement, kind="surveys").count() == 1
    assert len(mail.outbox) == 1


def test_a_notification_is_shown_in_the_readers_language_whatever_language_it_was_sent_in(client, clock):
    member = MemberFactory(preferred_language="fr")
    ledger_services.points_award(member=member, action="idea_planned", reference="x:1", amount=500)
    gift = GiftFactory(name="Vernissage VIP", name_en="VIP opening", points=180)
    shop_services.gift_redeem(member=member, gift=gift)
    stored = Notification.objects.get(member=member, kind="shop")
    assert stored.title == "Votre bon « Vernissage VIP » est prêt"  # sent to a French member
    client.force_login(member)
    client.post(reverse("set_language"), {"language": "en"})
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "VIP opening" in inbox and "Vernissage VIP" not in inbox
    item = client.get("/api/v1/notifications/").json()["results"][0]  # the same reader, through the API
    assert "VIP opening" in item["title"] and "before 14 December 2026" in item["body"]  # dates in full, as pages


def test_preferences_say_a_consent_is_needed_only_while_it_is_missing(client):
    client.force_login(MemberFactory(consent_news=False, consent_surveys=True))
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert page.count("Nécessite le consentement") == 2  # club news and new contents; surveys are accepted
    client.force_login(MemberFactory(consent_news=True, consent_surveys=True))
    assert "Nécessite le consentement" not in client.get(reverse("notifications:preferences")).content.decode()
