"""A broadcast through a real Celery worker on Redis and PostgreSQL.

5,000 members, a worker killed in the middle (SIGKILL) and a second one started:
every consenting member still gets exactly one email, and running the
broadcast again sends nothing more. The worker shares the test database,
delivers into a table of it (delivery rows), and the broker's visibility
timeout is short so the killed worker's unacknowledged tasks come back.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from club.celery import app
from club.members.models import Member
from club.notifications import services as notifications
from club.notifications import tasks as notification_tasks
from club.notifications.models import Announcement, Notification
from club.notifications.tests import mailsink
from club.notifications.tests.celeryutil import broker_at

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[3]
MEMBERS = 5000
CONSENTING = 4000


@pytest.fixture
def worker_env():
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL, as in CI)")
    broker = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/14"
    redis.Redis.from_url(broker).flushdb()  # a database index of our own, never the shared data
    mailsink.create_table()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "club.settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": broker,
        "EMAIL_BACKEND": "club.notifications.tests.mailsink.DatabaseSinkBackend",
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "DEBUG": "0",
        "SECRET_KEY": "worker-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "localhost",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    yield broker, env
    mailsink.drop_table()
    redis.Redis.from_url(broker).flushdb()


def _start_worker(env, name):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "club",
            "worker",
            "--pool=solo",
            f"--hostname={name}@%h",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}; delivered so far: {mailsink.counts()}")


def _tasks_done(hostname: str) -> dict[str, int]:
    """How many tasks of each name the worker has finished (its own count, over the broker)."""
    stats = app.control.inspect(destination=[hostname], timeout=2).stats() or {}
    return dict(stats.get(hostname, {}).get("total", {}))


def _idle(broker: str, hostname: str) -> bool:
    """Nothing waiting in the queue, nothing taken and unacknowledged, nothing running."""
    client = redis.Redis.from_url(broker)
    if client.llen("celery") or client.hlen("unacked"):
        return False
    active = app.control.inspect(destination=[hostname], timeout=2).active() or {}
    return active.get(hostname) == []


def _open_emails(announcement):
    return Notification.objects.filter(announcement=announcement, email_status__in=["pending", "sending"]).count()


def test_broadcast_survives_a_killed_worker_with_exactly_one_email_per_member(worker_env):
    broker, env = worker_env
    Member.objects.bulk_create(
        Member(email=f"diffusion{i}@exemple.fr", consent_news=i < CONSENTING) for i in range(MEMBERS)
    )
    announcement = Announcement.objects.create(title="Nuit des musées", body="Samedi, jusqu'à minuit.")
    first = _start_worker(env, "first")
    second = None
    try:
        with broker_at(broker):
            notifications.announcement_send(announcement=announcement)  # autocommit: queued at once
        _wait_for(lambda: mailsink.counts()[0] >= 800, 180, "the first emails")
        first.kill()
        first.wait(30)
        second = _start_worker(env, "second")
        # The last chunk holds only members without the news consent: it writes their
        # notifications after the last email may have gone, so wait for those rows too.
        _wait_for(
            lambda: (
                mailsink.counts()[0] >= CONSENTING
                and _open_emails(announcement) == 0
                and Notification.objects.filter(announcement=announcement).count() >= MEMBERS
            ),
            240,
            "the rest",
        )
        assert mailsink.counts() == (CONSENTING, CONSENTING)
        assert Notification.objects.filter(announcement=announcement).count() == MEMBERS

        # Run the fan-out again; "nothing more was sent" is checked once the worker says it
        # finished that run and all its chunks, with the queue drained and the worker idle.
        second_host = f"second@{socket.gethostname()}"
        chunks = -(-MEMBERS // 1000)
        with broker_at(broker):
            before = _tasks_done(second_host)
            notification_tasks.enqueue(notification_tasks.announcement_fanout_task, announcement.pk)

            def rerun_finished():
                done = _tasks_done(second_host)
                fanouts = done.get("notifications.announcement_fanout", 0)
                chunk_runs = done.get("notifications.announcement_chunk", 0)
                return (
                    fanouts > before.get("notifications.announcement_fanout", 0)
                    and chunk_runs >= before.get("notifications.announcement_chunk", 0) + chunks
                    and _idle(broker, second_host)
                )

            _wait_for(rerun_finished, 60, "the second run to finish")
        assert mailsink.counts() == (CONSENTING, CONSENTING)
        announcement.refresh_from_db()
        assert announcement.status == "done"
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(30)
