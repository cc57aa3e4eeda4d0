"""Announcement fan-out benchmark: a broadcast through Celery against a bare send loop.

Run on PostgreSQL and Redis (not part of the test suite)::

    .venv/bin/python bench/fanout.py [--members 100000] [--keep]

It (re)creates a throw-away database, migrates it, seeds members who all
accept club news (1,000 of them fans of one museum), then measures in one run:

* the admin's "send" request: a real POST of the changelist action "send"
  (Django's test client, as a superuser), broker at Redis database 13 and no
  worker running, for an announcement to 1,000 members and for one to every
  member; median of 20 fresh announcements each (target: big / small ≤ 1.5).
* the broadcast: two Celery worker processes (``--pool=solo`` each) on Redis
  database 13; time from ``announcement_send`` until every member's email is
  in the file email backend's directory (polled).
* the bare loop: this single process renders the same emails with
  ``render_email`` on unsaved ``Notification`` objects and hands them to the
  same file backend over one connection: no Celery, no rows, no claims
  (target: broadcast ≥ 0.5 × bare loop).

Only Redis database 13 is used, and flushed. The exit status is 0 whatever the
verdict: this is a measurement, not a test.
"""

import argparse
import io
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import urlparse

import redis
from common import admin_query

ROOT = Path(__file__).resolve().parent.parent
BROKER = "redis://127.0.0.1:6379/13"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # what the file backend writes after each message
FANS, REPEATS, WORKERS = 1000, 20, 2
THROUGHPUT_TARGET, REQUEST_TARGET = 0.5, 1.5
TITLE, BODY, URL = "Nuit des musées", "Samedi, tous les musées ouverts jusqu'à minuit.", "/boutique/"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/club_fanout_bench")
    parser.add_argument("--members", type=int, default=100_000, help=f"members seeded (at least {FANS})")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()
    args.members = max(args.members, FANS)
    return args


def common_env(url: str, sink: Path) -> dict:
    """The environment of this process and of the workers: bench DB, Redis db 13, file sink."""
    return {
        "DJANGO_SETTINGS_MODULE": "club.settings",
        "DATABASE_URL": url,
        "REDIS_URL": BROKER,  # not eager: tasks are published to Redis database 13
        "EMAIL_URL": f"filemail:///{sink}",  # django-environ drops one leading slash
        "EMAIL_BACKEND": FILE_BACKEND,
    }


def setup_django(url: str, sink: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(common_env(url, sink), ALLOWED_HOSTS="testserver,localhost")
    import django
    from django.conf import settings

    warnings.filterwarnings("ignore", "No directory at", UserWarning)  # whitenoise: no collectstatic
    django.setup()
    settings.DEBUG = False  # no query log kept in memory, as in production
    assert settings.EMAIL_FILE_PATH == str(sink), settings.EMAIL_FILE_PATH
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(count: int):
    """`count` members of the scale data set, all accepting club news, the first FANS fans of one museum."""
    from django.core.management import call_command
    from django.db import connection

    from club.core.scale import SCALE_EMAIL_DOMAIN
    from club.members.models import Member
    from museums.models import Museum

    call_command("seed_scale", members=count, entries=0, news=0, stdout=io.StringIO())
    members = Member.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}")
    museum = Museum.objects.create(slug="bench", name="Bench museum", town="Rouen", address="-", postcode="76000")
    members.update(consent_news=True, favourite_museum=None)  # the audience measured: everyone consents
    fans = list(members.order_by("pk").values_list("pk", flat=True)[:FANS])
    Member.objects.filter(pk__in=fans).update(favourite_museum=museum)
    admin = Member.objects.create_superuser(email="bench-admin@exemple.fr", password=None)  # force_login
    # Active (to log in) and in the "all" audience, but without consent: a row, no email.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return museum, admin


def flush_broker() -> None:
    redis.Redis.from_url(BROKER).flushdb()  # database 13 only, never the shared data


def time_send_requests(museum, admin) -> tuple[float, float, float, float]:
    """Median admin POST and service call (ms) for 1,000 members and for everyone; no worker runs."""
    from django.test import Client

    from club.notifications import services as notifications
    from club.notifications.models import Announcement

    client = Client()
    client.force_login(admin)
    samples = {key: [] for key in ("post small", "post big", "call small", "call big")}
    targets = {"small": {"target": "museum_fans", "museum": museum}, "big": {"target": "all"}}
    for _ in range(REPEATS):
        for size, target in targets.items():
            announcement = Announcement.objects.create(title=TITLE, body=BODY, url=URL, **target)
            data = {"action": "send", "_selected_action": [announcement.pk], "index": 0}
            started = time.perf_counter()
            response = client.post("/admin/notifications/announcement/", data)
            samples[f"post {size}"].append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
            announcement.refresh_from_db()
            assert announcement.status == "sending", announcement.status
            announcement = Announcement.objects.create(title=TITLE, body=BODY, url=URL, **target)
            started = time.perf_counter()
            notifications.announcement_send(announcement=announcement)
            samples[f"call {size}"].append(time.perf_counter() - started)
    flush_broker()
    Announcement.objects.all().delete()  # never fanned out: not part of the broadcast
    medians = {key: statistics.median(values) * 1000 for key, values in samples.items()}
    for key, value in medians.items():
        print(f"  {key:<11} median {value:7.2f} ms  (min {min(samples[key]) * 1000:.2f}, n={REPEATS})")
    return medians["post big"], medians["post small"], medians["call big"], medians["call small"]


def start_workers(env: dict, logs: Path) -> list[subprocess.Popen]:
    command = [sys.executable, "-m", "celery", "-A", "club", "worker", "--pool=solo", "--loglevel=WARNING"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    workers = []
    for i in range(WORKERS):
        log = open(logs / f"worker{i}.log", "wb")  # noqa: SIM115 - closed with the process
        workers.append(
            subprocess.Popen([*command, f"--hostname=bench{i}@%h"], cwd=ROOT, env=env, stdout=log, stderr=log)
        )
    from club.celery import app

    deadline = time.monotonic() + 60
    while len(app.control.ping(timeout=1.0)) < WORKERS:
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            raise RuntimeError(f"workers not ready; see {logs}")
    return workers


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class SinkCounter:
    """Emails written so far in a file backend's directory, reading only new bytes."""

    def __init__(self, directory: Path):
        self.directory, self.offsets, self.count = directory, {}, 0

    def poll(self) -> int:
        for path in self.directory.glob("*.log"):
            with open(path, "rb") as file:
                file.seek(self.offsets.get(path, 0))
                data = file.read()
            end = data.rfind(SEPARATOR)
            if end >= 0:
                self.count += data.count(SEPARATOR, 0, end + len(SEPARATOR))
                self.offsets[path] = self.offsets.get(path, 0) + end + len(SEPARATOR)
        return self.count


def broadcast(url: str, members: int, sink: Path, logs: Path) -> float:
    """Emails/s from `announcement_send` to the last email in the sink, two workers."""
    from club.notifications import services as notifications
    from club.notifications.models import Announcement, Notification

    env = {**os.environ, **common_env(url, sink), "DEBUG": "0", "ALLOWED_HOSTS": "localhost"}
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    flush_broker()
    workers = start_workers(env, logs)
    try:
        announcement = Announcement.objects.create(title=TITLE, body=BODY, url=URL)
        counter, cpu = SinkCounter(sink), [cpu_seconds(w.pid) for w in workers]
        started = last_report = time.monotonic()
        notifications.announcement_send(announcement=announcement)  # autocommit: queued at once
        while counter.poll() < members:
            if any(w.poll() is not None for w in workers) or time.monotonic() - started > 3600:
                raise RuntimeError(f"a worker died or the broadcast hangs; see {logs}")
            if time.monotonic() - last_report > 15:
                last_report = time.monotonic()
                print(f"  {counter.count} emails after {last_report - started:.0f} s", flush=True)
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        used = [cpu_seconds(w.pid) - before for w, before in zip(workers, cpu, strict=True)]
        time.sleep(1)  # the last chunk marks the announcement done after its last email
        announcement.refresh_from_db()
        sent = Notification.objects.filter(announcement=announcement, email_status="sent").count()
        print(f"  {counter.poll()} emails in {elapsed:.2f} s; {sent} notifications marked sent; ", end="")
        print(f"announcement {announcement.status}; worker CPU {' + '.join(f'{u:.1f}' for u in used)} s")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)
        flush_broker()
    return members / elapsed


def bare_loop(sink: Path) -> tuple[float, int]:
    """Emails/s of render_email + one file-backend connection, in this process only."""
    from django.core.mail import get_connection

    from club.members.models import Member
    from club.notifications.delivery import render_email
    from club.notifications.models import Notification, NotificationKind

    members = list(Member.objects.filter(is_active=True, consent_news=True).only("pk", "email", "preferred_language"))
    started, cpu = time.monotonic(), time.process_time()
    with get_connection(FILE_BACKEND, file_path=str(sink)) as connection:
        for member in members:
            notification = Notification(member=member, kind=NotificationKind.NEWS, title=TITLE, body=BODY, url=URL)
            message = render_email(notification)
            message.connection = connection
            message.send()
    elapsed = time.monotonic() - started
    count = SinkCounter(sink).poll()
    print(f"  {count} emails in {elapsed:.2f} s (CPU {time.process_time() - cpu:.1f} s)")
    return count / elapsed, count


def report(rows) -> None:
    print(f"\n{'workload':<44} {'measured':>10} {'baseline':>10} {'ratio':>6} {'target':>7}  verdict")
    for name, measured, baseline, target, at_least in rows:
        ratio = measured / baseline
        verdict = "PASS" if (ratio >= target if at_least else ratio <= target) else "FAIL"
        bound = f"{'≥' if at_least else '≤'}{target:.2f}"
        print(f"{name:<44} {measured:>10.1f} {baseline:>10.1f} {ratio:>6.2f} {bound:>7}  {verdict}")


def run(url: str, args: argparse.Namespace, work: Path) -> None:
    from django.db import connections

    started = time.monotonic()
    museum, admin = seed(args.members)
    print(f"seeded {args.members} members ({FANS} museum fans) in {time.monotonic() - started:.1f} s")
    print(f"admin 'send' POST and announcement_send, no worker ({REPEATS} each):")
    post_big, post_small, call_big, call_small = time_send_requests(museum, admin)
    print(f"broadcast, {WORKERS} Celery workers (--pool=solo) on Redis db 13, file backend:")
    broadcast_rate = broadcast(url, args.members, work / "broadcast", work)
    print(f"  {broadcast_rate:.1f} emails/s")
    print("bare loop, this process, no Celery, no claims, same file backend:")
    bare_rate, count = bare_loop(work / "bare")
    print(f"  {bare_rate:.1f} emails/s")
    report(
        [
            ("broadcast emails/s vs bare loop", broadcast_rate, bare_rate, THROUGHPUT_TARGET, True),
            (f"admin send POST ms, {args.members} vs {FANS}", post_big, post_small, REQUEST_TARGET, False),
            (f"announcement_send ms, {args.members} vs {FANS}", call_big, call_small, REQUEST_TARGET, False),
        ]
    )
    connections.close_all()


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up (workers, database) in `finally`
    args = parse_args()
    url, dbname = args.database_url, urlparse(args.database_url).path.lstrip("/")
    admin_query(url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)', f'CREATE DATABASE "{dbname}"')
    work = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    print(f"database {dbname} created; email sink and worker logs in {work}; {os.cpu_count()} CPU(s)")
    try:
        setup_django(url, work / "broadcast")
        run(url, args, work)
    finally:  # WITH (FORCE) also ends the connections left by a failed run
        flush_broker()
        if args.keep:
            print(f"database {dbname} and {work} kept")
        else:
            admin_query(url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
