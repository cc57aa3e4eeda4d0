"""The web never waits on the broker: a closed port or a hung Redis costs at most the
broker socket timeout (plus a stated margin, `club.core.testing.broker_wait_bound`),
the notification waits in the database, and the sweep delivers it afterwards.

The machine's shared Redis is never stopped: an outage is a closed port, a hang
is a listener that accepts connections and never answers.
"""

import time

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from club.core.testing import broker_wait_bound, closed_port, hung_listener
from club.members.tests.factories import MemberFactory
from club.notifications import services as notifications
from club.notifications.models import Notification
from club.notifications.tests.celeryutil import broker_at
from rewards.ledger import services as ledger_services
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _redeem_through_the_api():
    member = MemberFactory()
    ledger_services.points_award(member=member, action="idea_planned", reference="x:1", amount=100)
    gift = GiftFactory(points=60)
    api = APIClient()
    api.force_authenticate(member)
    started = time.monotonic()
    response = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json")
    return response, time.monotonic() - started, member


@pytest.mark.parametrize("fault", ["down", "hung"])
def test_request_succeeds_quickly_when_the_broker_fails_and_the_sweep_delivers_later(fault):
    with hung_listener() as hung_port:
        port = closed_port() if fault == "down" else hung_port
        with broker_at(f"redis://127.0.0.1:{port}/0"):
            response, elapsed, member = _redeem_through_the_api()
    assert response.status_code == 201
    bound = broker_wait_bound()
    assert elapsed < bound, f"the request waited {elapsed:.2f}s (bound {bound:.2f}s) on a {fault} broker"
    notification = Notification.objects.get(member=member)
    assert notification.email_status == "pending" and not mail.outbox

    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    with broker_at(None):
        assert notifications.notifications_sweep() == 1
    notification.refresh_from_db()
    assert notification.email_status == "sent" and len(mail.outbox) == 1


def test_broadcast_queued_while_the_broker_is_down_finishes_after_recovery_without_duplicates():
    from club.members.models import Member
    from club.notifications.models import Announcement

    Member.objects.bulk_create(Member(email=f"panne{i}@exemple.fr", consent_news=True) for i in range(12))
    announcement = Announcement.objects.create(title="Fermeture exceptionnelle", body="Lundi.")
    with broker_at(f"redis://127.0.0.1:{closed_port()}/0"):
        notifications.announcement_send(announcement=announcement)
    announcement.refresh_from_db()
    assert announcement.status == "sending" and not Notification.objects.exists()

    Announcement.objects.filter(pk=announcement.pk).update(started_at=timezone.now() - timezone.timedelta(minutes=5))
    with broker_at(None):
        notifications.notifications_sweep()
        notifications.notifications_sweep()
    announcement.refresh_from_db()
    assert announcement.status == "done"
    assert Notification.objects.filter(announcement=announcement).count() == 12 and len(mail.outbox) == 12
