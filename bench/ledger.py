"""Ledger benchmark: the rewards services against the same writes in bare SQL.

Run on PostgreSQL (not part of the test suite)::

    .venv/bin/python bench/ledger.py [--database-url URL] [--seconds N] [--members N] [--keep]

It (re)creates a throw-away database, migrates it, seeds members with points
through ``points_award``, then measures in the same run:

* awards/s: 8 threads, each with its own Django connection, calling
  ``points_award`` on members spread over the population; next to pgbench,
  8 clients, running the same writes as one transaction (balance update,
  ledger entry, points lot).
* redemptions/s of one hot gift: 400 threads (one member each) released
  together by a barrier, calling ``gift_redeem`` in a loop; next to pgbench,
  400 clients, running the same writes in the service's lock order (balance
  update, stock update, voucher, ledger entry, lot update, lot consumption).

Absolute rates drift by ±30 % on shared machines, so the verdict is the ratio
service / bare SQL measured minutes apart in the same run (target ≥ 0.25).
Finally ``ledger_verify`` shows that the ledger stayed consistent. The exit
status is 0 whatever the verdict: this is a measurement, not a test.
"""

import argparse
import io
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

from common import admin_query

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.25
AWARD_WORKERS = 8
HOT_CLIENTS = 400
GIFT_PRICE = 10
SEED_POINTS = 1_000_000  # every member can redeem the hot gift 100 000 times
GIFT_STOCK = 10_000_000  # never sold out: an empty stock would make the bare SQL cheaper

AWARD_SQL = r"""\set id random({first}, {last})
BEGIN;
UPDATE ledger_account SET balance = balance + 5, updated_at = now() WHERE member_id = :id RETURNING balance \gset
INSERT INTO ledger_ledgerentry (member_id, amount, reason, reference, subject, note, balance_after, created_at) VALUES (:id, 5, 'survey_answered', 'bench.sql:' || txid_current(), '', '', :balance, now()) RETURNING id AS entry \gset
INSERT INTO ledger_pointslot (member_id, entry_id, amount, remaining, expires_at, created_at) VALUES (:id, :entry, 5, 5, now() + interval '730 days', now());
END;
"""  # noqa: E501 - pgbench needs one statement per line

REDEEM_SQL = r"""\set id {first} + :client_id
BEGIN;
UPDATE ledger_account SET balance = balance - {price}, updated_at = now() WHERE member_id = :id AND balance >= {price} RETURNING balance \gset
UPDATE shop_gift SET stock = stock - 1 WHERE id = {gift} AND stock >= 1;
INSERT INTO shop_redemption (member_id, gift_id, points, code, status, created_at, expires_at) VALUES (:id, {gift}, {price}, 'SQL-' || txid_current(), 'issued', now(), now() + interval '30 days') RETURNING id AS redemption \gset
INSERT INTO ledger_ledgerentry (member_id, amount, reason, reference, subject, note, balance_after, created_at) VALUES (:id, -{price}, 'gift', 'shop.redemption:' || :redemption, 'Bench hot gift', '', :balance, now()) RETURNING id AS entry \gset
UPDATE ledger_pointslot SET remaining = remaining - {price} WHERE id = (SELECT id FROM ledger_pointslot WHERE member_id = :id AND remaining >= {price} ORDER BY expires_at, id LIMIT 1) RETURNING id AS lot \gset
INSERT INTO ledger_lotconsumption (entry_id, lot_id, amount) VALUES (:entry, :lot, {price});
END;
"""  # noqa: E501 - pgbench needs one statement per line


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/club_bench")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each measured run")
    parser.add_argument("--members", type=int, default=2000, help="members seeded (at least 400)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()
    args.members = max(args.members, HOT_CLIENTS)
    return args


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "club.settings"
    os.environ["DATABASE_URL"] = url
    import django
    from django.conf import settings

    django.setup()
    settings.POINTS_LOCK_TIMEOUT_MS = 60_000  # a burst waits, it never times out
    settings.DEBUG = False  # no query log kept in memory, as in production
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(count: int):
    """`count` members of the scale data set with SEED_POINTS each (one lot), and the hot gift."""
    from django.core.management import call_command
    from django.db import connection

    from club.core.scale import SCALE_EMAIL_DOMAIN
    from club.members.models import Member
    from rewards.ledger.models import EarningRule, Reason
    from rewards.ledger.services import points_award
    from rewards.shop.models import Gift

    # The default cap (3 a day) would turn most awards into no-ops; a huge cap keeps
    # the cap check (a COUNT) in the measured path without ever refusing.
    EarningRule.objects.filter(action=Reason.SURVEY_ANSWERED).update(cap_count=10**9)
    call_command("seed_scale", members=count, entries=0, news=0, stdout=io.StringIO())
    members = list(Member.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}").order_by("pk"))
    for member in members:
        points_award(member=member, action=Reason.SURVEY_ANSWERED, reference="bench.seed", amount=SEED_POINTS)
    gift = Gift.objects.create(slug="bench-hot", name="Bench hot gift", points=GIFT_PRICE, stock=GIFT_STOCK)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    ids = [m.pk for m in members]
    assert ids == list(range(ids[0], ids[0] + count)), "pgbench scripts need contiguous member ids"
    return members, gift


def timed_burst(count: int, seconds: float, work) -> tuple[int, Counter, float, float]:
    """Call work(i, n) in `count` threads released together, for `seconds`.

    Each thread opens its own connection before the barrier (connection time is
    not measured, as with pgbench) and closes it at the end. Returns the number
    of successful calls, the errors by type, the elapsed time and the CPU cores
    used by this Python process meanwhile (one process: the GIL caps it at ~1).
    """
    from django.db import connection, connections

    clock = {}

    def start():
        clock["start"], clock["cpu"] = time.monotonic(), time.process_time()
        clock["deadline"] = clock["start"] + seconds

    barrier = threading.Barrier(count, action=start)
    done, errors, finished = [0] * count, Counter(), [0.0] * count

    def run(index):
        try:
            connection.ensure_connection()
            barrier.wait()
            n = 0
            while time.monotonic() < clock["deadline"]:
                try:
                    if work(index, n) is None:
                        errors["returned None"] += 1
                    else:
                        done[index] += 1
                except Exception as error:  # noqa: BLE001 - counted and reported
                    errors[type(error).__name__] += 1
                n += 1
            finished[index] = time.monotonic()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = max(finished) - clock["start"]
    return sum(done), errors, elapsed, (time.process_time() - clock["cpu"]) / elapsed


def service_awards(members, seconds: float):
    from rewards.ledger.models import Reason
    from rewards.ledger.services import points_award

    pickers = [random.Random(i) for i in range(AWARD_WORKERS)]

    def award(index, n):
        member = pickers[index].choice(members)
        ref = f"bench.award:{index}:{n}"
        return points_award(member=member, action=Reason.SURVEY_ANSWERED, reference=ref, amount=5)

    return timed_burst(AWARD_WORKERS, seconds, award)


def service_redemptions(members, gift, seconds: float):
    from rewards.shop.services import gift_redeem

    return timed_burst(HOT_CLIENTS, seconds, lambda index, n: gift_redeem(member=members[index], gift=gift))


def pgbench(url: str, clients: int, seconds: int, script: str) -> tuple[float, str]:
    """Run a custom pgbench script; the tps without initial connection time."""
    parts = urlparse(url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", prefix="bench-ledger-") as file:
        file.write(script)
        file.flush()
        command = ["pgbench", "-h", parts.hostname, "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
        command += ["-n", "-c", str(clients), "-j", "2", "-T", str(seconds), "-f", file.name, parts.path.lstrip("/")]
        env = dict(os.environ, PGPASSWORD=parts.password or "")
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    found = re.search(r"tps = ([\d.]+) \(without initial connection time\)", result.stdout)
    if result.returncode != 0 or not found:
        sys.exit(f"pgbench failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    processed = re.search(r"number of transactions actually processed: (\d+)", result.stdout)
    return float(found.group(1)), processed.group(1) if processed else "?"


def raise_open_files_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))


def show_service(name: str, threads: int, done: int, errors: Counter, elapsed: float, cores: float) -> float:
    rate = done / elapsed
    print(f"{name}, services: {done} in {elapsed:.2f} s = {rate:.1f}/s ({threads} threads, ", end="")
    print(f"Python used {cores:.2f} CPU cores) errors: {dict(errors) or 'none'}")
    return rate


def report(rows) -> None:
    print(f"\n{'workload':<34} {'service/s':>10} {'bare SQL/s':>11} {'ratio':>6} {'target':>7}  verdict")
    for name, service, bare in rows:
        ratio = service / bare
        verdict = "PASS" if ratio >= TARGET else "FAIL"
        print(f"{name:<34} {service:>10.1f} {bare:>11.1f} {ratio:>6.2f} {TARGET:>7.2f}  {verdict}")


def run(url: str, args: argparse.Namespace) -> None:
    from django.core.management import CommandError, call_command
    from django.db import connections

    started = time.monotonic()
    members, gift = seed(args.members)
    print(f"seeded {len(members)} members with {SEED_POINTS} points each in {time.monotonic() - started:.1f} s")
    first, last = members[0].pk, members[-1].pk

    award_rate = show_service("awards", AWARD_WORKERS, *service_awards(members, args.seconds))
    award_sql, count = pgbench(url, AWARD_WORKERS, args.seconds, AWARD_SQL.format(first=first, last=last))
    print(f"awards, bare SQL: {count} transactions, {award_sql:.1f} tps ({AWARD_WORKERS} pgbench clients)")

    redeem_rate = show_service("hot gift", HOT_CLIENTS, *service_redemptions(members, gift, args.seconds))
    script = REDEEM_SQL.format(first=first, gift=gift.pk, price=GIFT_PRICE)
    redeem_sql, count = pgbench(url, HOT_CLIENTS, args.seconds, script)
    print(f"hot gift, bare SQL: {count} transactions, {redeem_sql:.1f} tps ({HOT_CLIENTS} pgbench clients)")
    gift.refresh_from_db()
    print(f"hot gift stock left: {gift.stock} of {GIFT_STOCK}")

    report(
        [
            (f"awards ({AWARD_WORKERS} workers, spread)", award_rate, award_sql),
            (f"hot gift redemptions ({HOT_CLIENTS} clients)", redeem_rate, redeem_sql),
        ]
    )
    print("\nledger_verify:", end=" ", flush=True)
    try:
        call_command("ledger_verify")
    except CommandError as error:
        print(f"FAILED: {error}")
    connections.close_all()


def main() -> int:
    args = parse_args()
    url, dbname = args.database_url, urlparse(args.database_url).path.lstrip("/")
    max_connections = int(admin_query(url, "SHOW max_connections")[0][0])
    if max_connections < HOT_CLIENTS + 10:
        print(f"max_connections is {max_connections}: the hot-gift burst needs {HOT_CLIENTS} clients + 10.")
        print("Raise max_connections in postgresql.conf (e.g. 500) and restart PostgreSQL.")
        return 2
    raise_open_files_limit(4 * HOT_CLIENTS + 256)
    admin_query(url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)', f'CREATE DATABASE "{dbname}"')
    print(f"database {dbname} created; max_connections = {max_connections}; {os.cpu_count()} CPU(s)")
    try:
        setup_django(url)
        run(url, args)
    finally:  # WITH (FORCE) also ends the connections left by a failed run
        if args.keep:
            print(f"database {dbname} kept")
        else:
            admin_query(url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
