"""The web never waits on the broker: a closed port or a hung Redis costs < 2 s,
the notification waits in the database, and the sweep delivers it afterwards.

The machine's shared Redis is never stopped: an outage is a closed port, a hang
is a listener that accepts connections and never answers.
"""

import socket
import threading
import time
from contextlib import contextmanager

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from club.notifications.services import services as notifications
from club.models import Notification
from club.notifications.tests.celeryutil import broker_at
from club.members.tests.factories import MemberFactory
from rewards import services as rewards
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _hung_listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    accepted, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        server.close()


def _redeem_through_the_api():
    member = MemberFactory()
    rewards.points_award(member=member, action="idea_planned", reference="x:1", amount=100)
    gift = GiftFactory(points=60)
    api = APIClient()
    api.force_authenticate(member)
    started = time.monotonic()
    response = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json")
    return response, time.monotonic() - started, member


@pytest.mark.parametrize("fault", ["down", "hung"])
def test_request_succeeds_quickly_when_the_broker_fails_and_the_sweep_delivers_later(fault):
    with _hung_listener() as hung_port:
        port = _closed_port() if fault == "down" else hung_port
        with broker_at(f"redis://127.0.0.1:{port}/0"):
            response, elapsed, member = _redeem_through_the_api()
    assert response.status_code == 201
    assert elapsed < 2, f"the request waited {elapsed:.2f}s on a {fault} broker"
    notification = Notification.objects.get(member=member)
    assert notification.email_status == "pending" and not mail.outbox

    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    with broker_at(None):
        assert notifications.notifications_sweep() == 1
    notification.refresh_from_db()
    assert notification.email_status == "sent" and len(mail.outbox) == 1


def test_broadcast_queued_while_the_broker_is_down_finishes_after_recovery_without_duplicates():
    from club.models import Announcement, Member

    Member.objects.bulk_create(Member(email=f"panne{i}@exemple.fr", consent_news=True) for i in range(12))
    announcement = Announcement.objects.create(title="Fermeture exceptionnelle", body="Lundi.")
    with broker_at(f"redis://127.0.0.1:{_closed_port()}/0"):
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
