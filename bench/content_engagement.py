"""Content engagement: recording views against bare SQL, and the staff's page at 5,000,000 views against 500,000.

Run on PostgreSQL (not part of the test suite)::

    .venv/bin/python bench/content_engagement.py [--database-url URL] [--seconds 10] [--members 20000]
        [--rounds 5] [--requests 10] [--keep]

It (re)creates a throw-away database, migrates it, seeds members with
`seed_scale`, then measures in the same run:

(a) views recorded per second: 8 threads, each with its own Django
    connection, calling `content_view` (the service, in-process) for random
    members and items; next to pgbench (8 clients, `-j 2`) running the same
    `INSERT INTO content_view … ON CONFLICT DO NOTHING` on the same table.
    Target: service ≥ 0.5 × pgbench. The items are uploaded videos, which pay
    their points once watched to the end: a view writes the view and nothing
    else (an article's first view also pays points, the ledger's own
    benchmark). `progress_record` is measured the same way for information.
(b) the engagement page (`/equipe/contenus/`, the last 90 days, one museum's
    1,000 items) when those items have 5,000,000 views against when they have
    500,000: both museums' views written with `generate_series`, rolled up by
    `engagement_roll_up(days=90)`; `--rounds` rounds alternating the two
    museums, each the median of `--requests` GETs through Django's test client;
    the median of the rounds' ratios. Target: ≤ 3× with the same queries.

Prints each figure against its target; exits 1 when one misses.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

from common import admin_query
from ledger import pgbench, timed_burst

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 8
ITEMS = 1000
DAYS = 90
SMALL_VIEWS, LARGE_VIEWS = 500_000, 5_000_000
VIEW_ITEMS = 200  # the items the throughput runs spread their views over
TARGET_THROUGHPUT = 0.5
TARGET_PAGE_RATIO = 3.0

VIEW_SQL = r"""\set m random({first}, {last})
\set c random({item_first}, {item_last})
INSERT INTO content_view (member_id, content_id, day) VALUES (:m, :c, '{day}') ON CONFLICT DO NOTHING;
"""

# Views of `museum`'s items: item c, day d (0 = today), the k-th member of that cell; (c, d, k) → a distinct
# member for each k (7919 is prime to the member count), so every row is a new view.
SEED_VIEWS = """
INSERT INTO content_view (member_id, content_id, day)
SELECT {first} + ((k * 7919 + c * 31 + d * 17) % {members}), {item_first} + c, DATE '{today}' - d
FROM (SELECT i % {items} AS c, (i / {items}) % {days} AS d, i / ({items} * {days}) AS k
      FROM generate_series(0, {count} - 1) AS i) AS cells
ON CONFLICT DO NOTHING
"""
# One like in twenty (member, item) pairs seen, a comment in a hundred; a start in ten, as far as 25–100 %.
SEED_LIKES = """
INSERT INTO content_reaction (member_id, content_id, created_at)
SELECT member_id, content_id, MIN(day) + TIME '12:00' FROM content_view
WHERE content_id BETWEEN {item_first} AND {item_last} AND (member_id + content_id) % 20 = 0 GROUP BY 1, 2
ON CONFLICT DO NOTHING
"""
SEED_COMMENTS = """
INSERT INTO content_comment (member_id, content_id, body, staff_reply, created_at, reports_count, hidden_reason)
SELECT member_id, content_id, 'Bench', false, MIN(day) + TIME '13:00', 0, '' FROM content_view
WHERE content_id BETWEEN {item_first} AND {item_last} AND (member_id + content_id) % 100 = 1 GROUP BY 1, 2
"""
SEED_PROGRESS = """
INSERT INTO content_progress (member_id, content_id, furthest, day, updated_at)
SELECT member_id, content_id, 25 * (1 + (member_id % 4)), MIN(day), MIN(day) + TIME '14:00' FROM content_view
WHERE content_id BETWEEN {item_first} AND {item_last} AND (member_id + content_id) % 10 = 3 GROUP BY 1, 2
ON CONFLICT DO NOTHING
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/club_bench_content")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each throughput run")
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=10, help="page requests per museum and round")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    return parser.parse_args()


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "club.settings"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-content-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789-abcdef")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log kept in memory, as in production
    settings.ALLOWED_HOSTS = ["*"]
    settings.SECURE_SSL_REDIRECT = False
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def execute(sql: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)


def seed_members(count: int) -> list:
    from django.core.management import call_command

    from club.core.scale import SCALE_EMAIL_DOMAIN
    from club.members.models import Member

    call_command("seed_scale", members=count, entries=0, news=0, stdout=io.StringIO())
    members = list(Member.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}").order_by("pk"))
    ids = [member.pk for member in members]
    assert ids == list(range(ids[0], ids[0] + len(ids))), "the SQL below needs contiguous member ids"
    return members


def items_create(prefix: str, count: int, museum=None, video: bool = True) -> list:
    """`count` published items (uploaded videos by default: a view pays nothing), with contiguous ids."""
    from django.utils import timezone

    from museums.content.models import Content

    published = timezone.now() - timedelta(days=DAYS + 1)
    items = Content.objects.bulk_create(
        [
            Content(
                slug=f"{prefix}-{n}", title=f"{prefix} {n}", title_fr=f"{prefix} {n}", summary="Bench",
                summary_fr="Bench", kind=Content.Kind.VIDEO_VISIT, museum=museum, publish_at=published,
                video="content/videos/bench.webm" if video else "",
            )
            for n in range(count)
        ]
    )  # fmt: skip
    ids = [item.pk for item in items]
    assert ids == list(range(ids[0], ids[0] + count)), "the SQL below needs contiguous item ids"
    return items


# (a) Recording views


def service_views(members, items, seconds: float):
    from museums.content.services import content_view

    pickers = [random.Random(index) for index in range(WORKERS)]

    def view(index, n):
        picker = pickers[index]
        content_view(member=picker.choice(members), content=picker.choice(items))
        return True

    return timed_burst(WORKERS, seconds, view)


def service_progress(members, items, seconds: float):
    from museums.content.services import progress_record

    pickers = [random.Random(100 + index) for index in range(WORKERS)]

    def progress(index, n):
        picker = pickers[index]
        return progress_record(
            member=picker.choice(members), content=picker.choice(items), milestone=picker.choice((0, 25, 50, 75))
        )

    return timed_burst(WORKERS, seconds, progress)


def throughput(url: str, members, seconds: int) -> tuple[float, float, float]:
    from django.utils import timezone

    items = items_create("bench-view", VIEW_ITEMS)
    execute("VACUUM ANALYZE")
    done, errors, elapsed, cores = service_views(members, items, seconds)
    service = done / elapsed
    print(f"views, service: {done} in {elapsed:.2f} s = {service:.0f}/s ({WORKERS} threads, Python used "
          f"{cores:.2f} CPU cores) errors: {dict(errors) or 'none'}")  # fmt: skip
    tomorrow = timezone.localdate() + timedelta(days=1)  # fresh rows for pgbench too, not the service's conflicts
    script = VIEW_SQL.format(first=members[0].pk, last=members[-1].pk, item_first=items[0].pk,
                             item_last=items[-1].pk, day=tomorrow.isoformat())  # fmt: skip
    bare, count = pgbench(url, WORKERS, seconds, script)
    print(f"views, bare SQL: {count} transactions, {bare:.0f} tps ({WORKERS} pgbench clients, -j 2)")
    done, errors, elapsed, cores = service_progress(members, items, seconds)
    progress = done / elapsed
    print(f"progress events, service: {done} in {elapsed:.2f} s = {progress:.0f}/s (Python used {cores:.2f} CPU "
          f"cores) errors: {dict(errors) or 'none'}")  # fmt: skip
    return service, bare, progress


# (b) The engagement page


def page_seed(members) -> dict[str, int]:
    """Two museums of 1,000 items: 500,000 views on one's, 5,000,000 on the other's; rolled up."""
    from django.utils import timezone

    from museums.content.engagement import engagement_roll_up
    from museums.models import Museum

    today = timezone.localdate()
    museums = {}
    for slug, count in (("bench-small", SMALL_VIEWS), ("bench-large", LARGE_VIEWS)):
        museum = Museum.objects.create(slug=slug, name=slug, name_fr=slug, town="Paris", address="-", postcode="75001")
        items = items_create(slug, ITEMS, museum=museum)
        bounds = {"item_first": items[0].pk, "item_last": items[-1].pk}
        started = time.perf_counter()
        execute(SEED_VIEWS.format(first=members[0].pk, members=len(members), items=ITEMS, days=DAYS, count=count,
                                  today=today.isoformat(), **bounds))  # fmt: skip
        for sql in (SEED_LIKES, SEED_COMMENTS, SEED_PROGRESS):
            execute(sql.format(**bounds))
        print(f"{slug}: {count:,} views and their likes, comments and video starts in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        museums[slug] = museum.pk
    execute("VACUUM ANALYZE")
    started = time.perf_counter()
    engagement_roll_up(days=DAYS)
    print(f"engagement_roll_up(days={DAYS}) over both: {time.perf_counter() - started:.0f} s")
    execute("VACUUM ANALYZE")
    started = time.perf_counter()
    engagement_roll_up(days=2)
    print(f"engagement_roll_up(days=2), the beat job's run: {time.perf_counter() - started:.1f} s")
    return museums


def staff_client():
    from django.contrib.auth.models import Group
    from django.test import Client

    from club.members.models import Member
    from club.members.permissions import MUSEUM_TEAM

    staff = Member.objects.create_user(email="equipe@bench.invalid", password=None)
    Member.objects.filter(pk=staff.pk).update(is_staff=True)
    staff.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(Member.objects.get(pk=staff.pk))
    return client


def timed_page(client, path: str, count: int) -> list[float]:
    times = []
    for _n in range(count):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200 and b"<svg" in response.content, (path, response.status_code)
    return times


def queries_of(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return len(queries)


def page_times(museums: dict[str, int], rounds: int, requests: int):
    client = staff_client()
    paths = {slug: f"/equipe/contenus/?period={DAYS}&museum={pk}" for slug, pk in museums.items()}
    for path in paths.values():
        timed_page(client, path, 2)  # warm-up
    queries = {slug: queries_of(client, path) for slug, path in paths.items()}
    smalls, larges, ratios = [], [], []
    for _round in range(rounds):
        small = statistics.median(timed_page(client, paths["bench-small"], requests))
        large = statistics.median(timed_page(client, paths["bench-large"], requests))
        smalls.append(small)
        larges.append(large)
        ratios.append(large / small)
        print(f"  page round: {small * 1000:.1f} ms at 500,000 views, {large * 1000:.1f} ms at 5,000,000", flush=True)
    return statistics.median(smalls), statistics.median(larges), statistics.median(ratios), queries


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def run(url: str, args: argparse.Namespace) -> int:
    started = time.monotonic()
    members = seed_members(args.members)
    print(f"seeded {len(members):,} members in {time.monotonic() - started:.0f} s")
    service, bare, progress = throughput(url, members, args.seconds)
    museums = page_seed(members)
    small, large, page_ratio, queries = page_times(museums, args.rounds, args.requests)
    view_ratio = service / bare
    same_queries = queries["bench-small"] == queries["bench-large"]
    print("\n| measure | baseline | measured | ratio | target | verdict |\n|---|---|---|---|---|---|")
    print(
        f"| views recorded, {WORKERS} threads (`content_view`) vs pgbench -c {WORKERS} | {bare:,.0f}/s | "
        f"{service:,.0f}/s | {view_ratio:.2f} | ≥ {TARGET_THROUGHPUT} | {verdict(view_ratio >= TARGET_THROUGHPUT)} |"
    )
    print(f"| progress events, {WORKERS} threads (`progress_record`) vs the same pgbench | {bare:,.0f}/s | "
          f"{progress:,.0f}/s | {progress / bare:.2f} | | |")  # fmt: skip
    print(f"| engagement page, {ITEMS:,} items, {DAYS} days: 5,000,000 vs 500,000 views | {small * 1000:.1f} ms | "
          f"{large * 1000:.1f} ms | {page_ratio:.2f}× | ≤ {TARGET_PAGE_RATIO:.0f}× | "
          f"{verdict(page_ratio <= TARGET_PAGE_RATIO)} |")  # fmt: skip
    print(f"| engagement page queries | {queries['bench-small']} | {queries['bench-large']} | "
          f"{'same' if same_queries else 'differ'} | same | {verdict(same_queries)} |")  # fmt: skip
    missed = view_ratio < TARGET_THROUGHPUT or page_ratio > TARGET_PAGE_RATIO or not same_queries
    return 1 if missed else 0


def main() -> int:
    args = parse_args()
    url, name = args.database_url, urlparse(args.database_url).path.lstrip("/")
    admin_query(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    print(f"database {name} created; {os.cpu_count()} CPU(s)")
    try:
        setup_django(url)
        return run(url, args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"database {name} kept")
        else:
            admin_query(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
