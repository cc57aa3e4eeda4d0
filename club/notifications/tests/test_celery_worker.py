"""A broadcast through a real Celery worker on Redis and PostgreSQL.

5,000 members, a worker killed in the middle (SIGKILL) and a second one started:
every consenting member still gets exactly one email, and running the
broadcast again sends nothing more. The worker shares the test database,
delivers into a table of it (delivery rows), and the broker's visibility
timeout is short so the killed worker's unacknowledged tasks come back.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from club.notifications.services import services as notifications
from club.models import Announcement, Member, Notification
from club.tests import mailsink
from club.notifications.tests.celeryutil import broker_at

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
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
        "EMAIL_BACKEND": "club.tests.mailsink.DatabaseSinkBackend",
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
        _wait_for(lambda: mailsink.counts()[0] >= CONSENTING and _open_emails(announcement) == 0, 240, "the rest")
        assert mailsink.counts() == (CONSENTING, CONSENTING)
        assert Notification.objects.filter(announcement=announcement).count() == MEMBERS

        with broker_at(broker):
            notifications._enqueue_task("announcement_fanout_task", [announcement.pk])
        time.sleep(1)
        _wait_for(lambda: redis.Redis.from_url(broker).llen("celery") == 0, 60, "the second run")
        time.sleep(3)
        assert mailsink.counts() == (CONSENTING, CONSENTING)
        announcement.refresh_from_db()
        assert announcement.status == "done"
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(30)
