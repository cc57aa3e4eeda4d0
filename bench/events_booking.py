"""Events: 400 simultaneous members book and cancel seats of one session, against the same SQL in pgbench.

Run on PostgreSQL (not part of the test suite)::

    .venv/bin/python bench/events_booking.py [--database-url URL] [--seconds 10] [--rounds 3] [--keep]
        [--no-emails] [--show-script]

It (re)creates a throw-away database, migrates it, seeds 400 members
(`seed_scale`) and one free session of 180 seats (the VIP opening's size),
then, for each of --rounds rounds:

* services: 400 threads, each with its own Django connection and its own
  member, released together by a barrier, loop for --seconds on
  `booking_create` then `booking_cancel` of that ticket (a `SessionFull`
  ends the iteration without a ticket);
* bare SQL: pgbench, 400 clients (`-j 2`), one member each, runs the same
  statements as one script: the statements `booking_create` and
  `booking_cancel` really send, captured from them once with Django's
  execute wrapper (`CaptureQueriesContext` shows the same) and written out
  with the member, the ticket and the clock as pgbench variables — the reads
  outside the transaction, `SET LOCAL lock_timeout`, the savepoint around the
  ticket's insert, the notification's preference read and insert, the
  conditional `UPDATE … seats_taken + 1 WHERE seats_taken <= capacity - 1`
  (wrapped so pgbench can see whether it took a seat: if not, `ROLLBACK`),
  then the cancellation's locked read, its update, notification and
  `UPDATE … seats_taken - 1`.

Served means booked and cancelled: an attempt that found the session full
(`SessionFull`, or the script's `UPDATE` taking no seat) is counted apart. The
ratio of a round is the services' rate ÷ pgbench's (its transactions/s times
the share of its script runs that booked); the figure is the median of the
rounds'. After every run the seat count must be exact
(`seats_taken` = the seats of live tickets). Exits 1 when the ratio is under
0.3 or a seat count is wrong, 2 when the captured statements cannot be written
out as a pgbench script.

Emails: a ticket's and a cancellation's notification email is published to
Celery after the commit (Redis database 11 here, flushed at the start and the
end; no worker runs). `--no-emails` sets the members' choice to no email
instead (the notification row is still written).
"""

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from common import admin_query
from ledger import pgbench, raise_open_files_limit, timed_burst

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.3
CLIENTS = 400
SEATS = 180
BROKER = "redis://127.0.0.1:6379/11"
# Distinctive ids, so that the captured statements' parameters naming the member or the ticket are told apart.
CAPTURE_MEMBER_ID = 7_000_001
BOOKING_IDS_FROM = 5_000_001


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/club_bench_events")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each measured run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-emails", action="store_true", help="members choose no email (nothing published)")
    parser.add_argument("--show-script", action="store_true", help="print the pgbench script")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    return parser.parse_args()


def setup_django(url: str, emails: bool) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "club.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = BROKER if emails else ""
    os.environ.setdefault("SECRET_KEY", "bench-events-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789-abcdef")
    import django
    from django.conf import settings

    django.setup()
    settings.POINTS_LOCK_TIMEOUT_MS = 60_000  # a burst waits, it never times out (the same in the script)
    settings.DEBUG = False  # no query log kept in memory, as in production
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def broker_flush() -> None:
    import redis

    redis.Redis.from_url(BROKER).flushdb()  # database 11 only, never the shared data


def execute(sql: str, params=None) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def seed(emails: bool):
    """400 members (contiguous ids), a capture member, and the session of 180 seats."""
    from django.core.management import call_command
    from django.utils import timezone

    from club.core.scale import SCALE_EMAIL_DOMAIN
    from club.members.models import Member
    from club.notifications.models import NotificationKind, NotificationPreference
    from museums.events.models import Activity, Session
    from museums.events.services import activity_save, session_save
    from museums.models import Museum

    call_command("seed_scale", members=CLIENTS, entries=0, news=0, stdout=io.StringIO())
    members = list(Member.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}").order_by("pk"))
    ids = [m.pk for m in members]
    assert ids == list(range(ids[0], ids[0] + len(ids))), "pgbench needs contiguous member ids"
    capture = Member.objects.create(
        pk=CAPTURE_MEMBER_ID, email=f"capture@{SCALE_EMAIL_DOMAIN}", preferred_language=members[0].preferred_language
    )
    if not emails:
        NotificationPreference.objects.bulk_create(
            NotificationPreference(member=m, kind=NotificationKind.EVENTS, by_email=False) for m in [*members, capture]
        )
    museum = Museum.objects.create(slug="bench-events", name="Bench", town="Rouen", address="-", postcode="76000")
    activity = activity_save(
        activity=Activity(
            museum=museum, slug="vernissage-bench", title="Vernissage", summary="Bench", price_points=0,
            cancellation_hours=24,
        )
    )  # fmt: skip
    session = session_save(
        session=Session(activity=activity, starts_at=timezone.now() + dt.timedelta(days=10), capacity=SEATS)
    )
    execute("SELECT setval('events_booking_id_seq', %s, false)", [BOOKING_IDS_FROM])
    execute("VACUUM ANALYZE")
    return members, capture, session


# --- The statements the services send, written out for pgbench ------------------------------


class Statement:
    def __init__(self, sql: str, params, in_transaction: bool):
        self.sql, self.params, self.in_transaction = sql, params, in_transaction


def captured(call) -> tuple[object, list[Statement]]:
    """Run `call()` and record every statement it sends, with its parameters and whether a transaction is open."""
    from django.db import connection

    statements: list[Statement] = []

    def record(execute, sql, params, many, context):
        statements.append(Statement(sql, params, context["connection"].in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = call()
    return result, statements


def _refuse(message: str):
    """The captured statements cannot be written out as a pgbench script: say why, exit 2."""
    print(message, file=sys.stderr)
    raise SystemExit(2)


class _Raw(str):
    """A parameter written as it is (a pgbench variable, an SQL expression)."""


def _adapt_raw():
    from psycopg2.extensions import AsIs, register_adapter

    register_adapter(_Raw, lambda value: AsIs(str(value)))


def _render(statement: Statement, replace) -> str:
    """The statement with its parameters inlined; `replace(value)` may turn a parameter into raw SQL."""
    from django.db import connection

    params = statement.params
    if params is None:  # sent as it is, without parameter formatting
        return statement.sql
    params = [replace(value) for value in params]
    with connection.cursor() as cursor:
        text = cursor.cursor.mogrify(statement.sql, params).decode()
    if "\n" in text:
        _refuse(f"a statement spans several lines; pgbench needs one a line:\n{text}")
    return text


def _script_part(statements: list[Statement], replace, *, last_takes_seat: bool) -> list[str]:
    lines, opened = [], False
    for n, statement in enumerate(statements):
        text = _render(statement, replace)
        if statement.in_transaction and not opened:
            lines.append("BEGIN;")
            opened = True
        elif not statement.in_transaction and opened:
            _refuse("two transactions in one call: the script writer expects one")
        if text.startswith('INSERT INTO "events_booking"'):
            text += r" \gset booking_"  # the ticket's id, as :booking_id
        elif last_takes_seat and n == len(statements) - 1:
            if not text.startswith('UPDATE "events_session" SET "seats_taken"'):
                _refuse(f"booking_create no longer ends with the seat taken:\n{text}")
            text = f"WITH taken AS ({text} RETURNING 1) SELECT count(*) AS took FROM taken \\gset"
        else:
            text += ";"
        lines.append(text)
    if not opened:
        _refuse("no transaction captured")
    return lines


def pgbench_script(book: list[Statement], cancel: list[Statement], *, first_member: int, booking) -> str:
    """The captured statements as a pgbench script: client n is member first + n; the ticket is :booking_id."""
    _adapt_raw()
    code = booking.code

    def replace(value):
        if isinstance(value, int) and not isinstance(value, bool):
            if value == CAPTURE_MEMBER_ID:
                return _Raw(":member")
            if value == booking.pk:
                return _Raw(":booking_id")
        if isinstance(value, dt.datetime):
            return _Raw("now()")
        if isinstance(value, str) and value == code:
            return _Raw("'P' || txid_current()")  # unique, as the service's random code
        if isinstance(value, str) and code in value:  # the ticket's address in its notification
            return value.replace(code, "PGBENCH")
        return value

    lines = [f"\\set member {first_member} + :client_id"]
    lines += _script_part(book, replace, last_takes_seat=True)
    lines += ["\\if :took", "END;"]
    lines += _script_part(cancel, replace, last_takes_seat=False)
    lines += ["END;", "\\else", "ROLLBACK;", "\\endif"]
    script = "\n".join(lines) + "\n"
    for number in (str(CAPTURE_MEMBER_ID), str(booking.pk)):
        if number in script:
            _refuse(f"{number} left in the script: a parameter was not recognised\n{script}")
    return script


def capture_script(capture, session, first_member: int) -> tuple[str, int, int]:
    """Book and cancel once as the capture member; the script, and the statements of each call."""
    from museums.events.services import booking_cancel, booking_create

    booking, book = captured(lambda: booking_create(member=capture, session=session))
    _cancelled, cancel = captured(lambda: booking_cancel(booking=booking, by=capture))
    return pgbench_script(book, cancel, first_member=first_member, booking=booking), len(book), len(cancel)


# --- The runs -----------------------------------------------------------------------------


def service_run(members, session, seconds: float):
    """400 threads book and cancel for `seconds`; (iterations served, seats booked, errors, elapsed, cores)."""
    from museums.events.errors import SessionFull
    from museums.events.services import booking_cancel, booking_create

    booked = [0] * len(members)

    def book_and_cancel(index, n):
        member = members[index]
        try:
            booking = booking_create(member=member, session=session)
        except SessionFull:
            return "full"
        booking_cancel(booking=booking, by=member)
        booked[index] += 1
        return booking

    done, errors, elapsed, cores = timed_burst(len(members), seconds, book_and_cancel)
    return done, sum(booked), errors, elapsed, cores


def seat_count(session_id: int) -> tuple[int, int, int]:
    """(seats_taken, seats of live tickets, tickets ever written) of the session."""
    taken = execute("SELECT seats_taken FROM events_session WHERE id = %s", [session_id])[0][0]
    live, written = execute(
        "SELECT coalesce(sum(seats) FILTER (WHERE status = 'booked'), 0), count(*) FROM events_booking "
        "WHERE session_id = %s",
        [session_id],
    )[0]
    return taken, live, written


def run(url: str, args: argparse.Namespace) -> int:
    started = time.monotonic()
    members, capture, session = seed(emails=not args.no_emails)
    print(f"seeded {len(members)} members and a session of {SEATS} seats in {time.monotonic() - started:.1f} s")
    script, book_count, cancel_count = capture_script(capture, session, members[0].pk)
    print(f"captured: booking_create sends {book_count} statements, booking_cancel {cancel_count}")
    if args.show_script:
        print(script)
    exact = True
    ratios, rates, bares = [], [], []
    for round_number in range(1, args.rounds + 1):
        _taken, _live, before = seat_count(session.pk)
        done, booked, errors, elapsed, cores = service_run(members, session, args.seconds)
        rate = booked / elapsed
        taken, live, after = seat_count(session.pk)
        exact &= taken == live and after - before == booked
        print(f"round {round_number}, services: {booked} booked and cancelled in {elapsed:.2f} s = {rate:.1f}/s "
              f"({done - booked} more attempts found it full; {len(members)} threads, Python used {cores:.2f} CPU "
              f"cores) errors: {dict(errors) or 'none'}; seats taken {taken} = live tickets' {live}: "
              f"{'exact' if taken == live else 'WRONG'}", flush=True)  # fmt: skip
        tps, count = pgbench(url, CLIENTS, args.seconds, script)
        taken, live, written = seat_count(session.pk)
        exact &= taken == live
        bare = tps * (written - after) / int(count)  # the runs that booked (and cancelled), per second
        print(f"round {round_number}, bare SQL: {written - after} booked and cancelled = {bare:.1f}/s ({count} "
              f"script runs, {tps:.1f} tps: {int(count) - written + after} found it full; {CLIENTS} pgbench "
              f"clients); seats taken {taken} = live tickets' {live}: {'exact' if taken == live else 'WRONG'}",
              flush=True)  # fmt: skip
        rates.append(rate)
        bares.append(bare)
        ratios.append(rate / bare)
    ratio = statistics.median(ratios)
    verdict = "PASS" if ratio >= TARGET else "MISS"
    print("\n| measure | bare SQL/s | services/s | ratio | target | verdict |\n|---|---|---|---|---|---|")
    print(f"| book-and-cancel, {CLIENTS} clients, one session of {SEATS} seats (median of {args.rounds} rounds; "
          f"rounds {', '.join(f'{r:.2f}' for r in ratios)}) | {statistics.median(bares):.1f} | "
          f"{statistics.median(rates):.1f} | {ratio:.2f} | ≥ {TARGET} | {verdict} |")  # fmt: skip
    print(f"| seat count after every run (seats_taken = live tickets' seats) | | | | exact | "
          f"{'PASS' if exact else 'FAIL'} |")  # fmt: skip
    return 0 if ratio >= TARGET and exact else 1


def main() -> int:
    args = parse_args()
    url, name = args.database_url, urlparse(args.database_url).path.lstrip("/")
    max_connections = int(admin_query(url, "SHOW max_connections")[0][0])
    if max_connections < CLIENTS + 10:
        print(f"max_connections is {max_connections}: the burst needs {CLIENTS} clients + 10.")
        return 2
    raise_open_files_limit(4 * CLIENTS + 256)
    admin_query(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    print(f"database {name} created; max_connections = {max_connections}; {os.cpu_count()} CPU(s)")
    emails = not args.no_emails
    try:
        setup_django(url, emails)
        if emails:
            broker_flush()
        return run(url, args)
    finally:
        from django.db import connections

        connections.close_all()
        if emails:
            broker_flush()
        if args.keep:
            print(f"database {name} kept")
        else:
            admin_query(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
