"""Survey results and exports at 100,000 responses against the same at 10,000, measured in one run.

Builds (or reuses, with --reuse) a benchmark database with `seed_demo` and
`seed_scale --members N --survey-responses N` (two twenty-question surveys: N
responses and N / 10), serves the club with gunicorn (2 workers, `DEBUG=0`,
persistent connections) and measures, as the museum team's demo account:

(a) the results page of the large survey against the small one's: --rounds
    rounds, each timing --requests sequential requests to each page over a
    kept-alive connection (small and large alternate); the ratio of each
    round's medians, then the median of the ratios; queries counted in-process
    with Django's test client. Target: ≤ 3× with the same number of queries.
(b) the CSV export of the large survey: time to the first bytes of the body
    (median of --rounds downloads), and the whole download. Target: < 1 s.
(c) the XLSX task's peak memory (tracemalloc, and the process's maximum RSS)
    for each survey, each in a fresh process. Target: large ≤ 1.5× small.

Prints each figure against its target; exits 1 when one misses.

    .venv/bin/python bench/surveys_results.py [--responses 100000] [--rounds 3] [--requests 15] [--reuse]
"""

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from common import admin_query, gunicorn_start

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
LARGE, SMALL = "scale-large", "scale-small"
TARGET_PAGE_RATIO = 3.0
TARGET_FIRST_BYTES = 1.0
TARGET_MEMORY_RATIO = 1.5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/club_bench_surveys")
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=15, help="requests to each results page per round")
    parser.add_argument("--port", type=int, default=8792)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database with its data set")
    parser.add_argument("--xlsx-child", help=argparse.SUPPRESS)  # internal: build one survey's XLSX, print JSON
    return parser.parse_args()


def server_env(url: str, media: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECRET_KEY": "bench-surveys-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789-abcdef",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "CONN_MAX_AGE": "600",
        "REDIS_URL": "",
        "CACHE_URL": "",
        "MEDIA_ROOT": media,
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict, *command: str) -> None:
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


def build(url: str, env: dict, args: argparse.Namespace) -> None:
    name = urlparse(url).path.lstrip("/")
    exists = admin_query(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if exists and args.reuse:
        print(f"Reusing {name}.")
        return
    admin_query(url, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", "--force")
    started = time.perf_counter()
    manage(env, "seed_scale", "--members", str(args.responses), "--entries", "0", "--news", "0",
           "--survey-responses", str(args.responses))  # fmt: skip
    print(f"seed_scale: {time.perf_counter() - started:.0f} s for {args.responses:,} responses")


def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "club.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def staff_session() -> str:
    """A session of the demo museum team account, written as a login would."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from club.management.commands.seed_demo import STAFF_EMAIL
    from club.members.models import Member

    staff = Member.objects.get(email=STAFF_EMAIL)
    assert staff.has_perm("surveys.view_results"), "the demo team account must be allowed to read results"
    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.create()
    return session.session_key


def survey_ids() -> dict[str, int]:
    from surveys.models import Survey

    return dict(Survey.objects.filter(slug__in=[LARGE, SMALL]).values_list("slug", "pk"))


def count_queries(paths: list[str]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from club.management.commands.seed_demo import STAFF_EMAIL
    from club.members.models import Member

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(Member.objects.get(email=STAFF_EMAIL))
    counts = {}
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[path] = len(queries)
    return counts


def timed_gets(port: int, session: str, path: str, count: int) -> list[float]:
    """`count` sequential GETs over one kept-alive connection; each one's seconds."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": f"sessionid={session}", "Host": "127.0.0.1"}
    times = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            times.append(time.perf_counter() - started)
            assert response.status == 200 and b"svg" in body, (path, response.status)
    finally:
        connection.close()
    return times


def first_bytes(port: int, session: str, path: str) -> tuple[float, float, int]:
    """Seconds to the first bytes of the body, seconds to the whole body, and its size."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": f"sessionid={session}", "Host": "127.0.0.1"})
        response = connection.getresponse()
        assert response.status == 200, (path, response.status)
        first = response.read1(65536)
        first_at = time.perf_counter() - started
        size = len(first)
        while chunk := response.read1(1 << 20):
            size += len(chunk)
        return first_at, time.perf_counter() - started, size
    finally:
        connection.close()


def xlsx_child(survey_id: int) -> None:
    """In a fresh process: build one survey's XLSX with the task's code; print its peak memory as JSON."""
    import resource
    import tracemalloc

    from club.management.commands.seed_demo import STAFF_EMAIL
    from club.members.models import Member
    from surveys.exports import export_xlsx_build
    from surveys.models import Export

    export = Export.objects.create(survey_id=survey_id, requested_by=Member.objects.get(email=STAFF_EMAIL))
    tracemalloc.start()
    started = time.perf_counter()
    built = export_xlsx_build(export_id=export.pk)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert built is not None and built.status == Export.Status.DONE, built
    print(json.dumps({"peak": peak, "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "seconds": seconds, "rows": built.done, "bytes": built.file.size}))  # fmt: skip


def run_xlsx(env: dict, url: str, survey_id: int) -> dict:
    command = [PYTHON, str(Path(__file__).resolve()), "--database-url", url, "--xlsx-child", str(survey_id)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"the XLSX build failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> int:
    args = parse_args()
    url = args.database_url
    media = tempfile.mkdtemp(prefix="bench-surveys-media-")
    env = server_env(url, media)
    if args.xlsx_child:
        setup_django(env)
        xlsx_child(int(args.xlsx_child))
        return 0
    build(url, env, args)
    manage(env, "collectstatic", "--noinput", "-v0")
    setup_django(env)
    ids = survey_ids()
    pages = {slug: f"/equipe/enquetes/{pk}/" for slug, pk in ids.items()}
    session = staff_session()
    queries = count_queries([pages[SMALL], pages[LARGE]])

    server = gunicorn_start("bench.pages_site:application", args.port, env)
    try:
        timed_gets(args.port, session, pages[SMALL], 3)  # warm-up: both workers' connections and caches
        timed_gets(args.port, session, pages[LARGE], 3)
        smalls, larges, ratios = [], [], []
        for _round in range(args.rounds):
            small = statistics.median(timed_gets(args.port, session, pages[SMALL], args.requests))
            large = statistics.median(timed_gets(args.port, session, pages[LARGE], args.requests))
            smalls.append(small)
            larges.append(large)
            ratios.append(large / small)
            print(f"  results page round: {small * 1000:.1f} ms at {args.responses // 10:,}, "
                  f"{large * 1000:.1f} ms at {args.responses:,}", flush=True)  # fmt: skip
        csv_path = f"/equipe/enquetes/{ids[LARGE]}/export.csv"
        downloads = [first_bytes(args.port, session, csv_path) for _round in range(args.rounds)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)

    xlsx_small = run_xlsx(env, url, ids[SMALL])
    xlsx_large = run_xlsx(env, url, ids[LARGE])

    page_ratio = statistics.median(ratios)
    same_queries = queries[pages[SMALL]] == queries[pages[LARGE]]
    first = statistics.median(download[0] for download in downloads)
    whole = statistics.median(download[1] for download in downloads)
    size = downloads[0][2]
    memory_ratio = xlsx_large["peak"] / xlsx_small["peak"]
    small_n, large_n = f"{args.responses // 10:,}", f"{args.responses:,}"
    print(f"\nsurvey of 20 questions, {large_n} and {small_n} responses; gunicorn 2 workers, DEBUG=0, "
          f"median of {args.rounds} rounds")  # fmt: skip
    print("| measure | at " + small_n + " | at " + large_n + " | ratio / figure | target | verdict |")
    print("|---|---|---|---|---|---|")
    print(f"| results page (median of {args.requests} requests) | {statistics.median(smalls) * 1000:.1f} ms | "
          f"{statistics.median(larges) * 1000:.1f} ms | {page_ratio:.2f}× | ≤ {TARGET_PAGE_RATIO:.0f}× | "
          f"{verdict(page_ratio <= TARGET_PAGE_RATIO)} |")  # fmt: skip
    print(f"| results page queries | {queries[pages[SMALL]]} | {queries[pages[LARGE]]} | "
          f"{'same' if same_queries else 'differ'} | same | {verdict(same_queries)} |")  # fmt: skip
    print(f"| CSV export: first bytes | | {first * 1000:.0f} ms | {first:.2f} s | < {TARGET_FIRST_BYTES:.0f} s | "
          f"{verdict(first < TARGET_FIRST_BYTES)} |")  # fmt: skip
    print(f"| CSV export: whole file | | {whole:.1f} s ({size / 1e6:.0f} MB) | | | |")
    print(f"| XLSX task: peak memory (tracemalloc) | {xlsx_small['peak'] / 1e6:.1f} MB | "
          f"{xlsx_large['peak'] / 1e6:.1f} MB | {memory_ratio:.2f}× | ≤ {TARGET_MEMORY_RATIO}× | "
          f"{verdict(memory_ratio <= TARGET_MEMORY_RATIO)} |")  # fmt: skip
    print(f"| XLSX task: process max RSS | {xlsx_small['rss_kb'] / 1024:.0f} MB | {xlsx_large['rss_kb'] / 1024:.0f} MB "
          f"| {xlsx_large['rss_kb'] / xlsx_small['rss_kb']:.2f}× | | |")  # fmt: skip
    print(f"| XLSX task: time (under tracemalloc) | {xlsx_small['seconds']:.1f} s | {xlsx_large['seconds']:.1f} s "
          f"| | | |")  # fmt: skip
    missed = not (page_ratio <= TARGET_PAGE_RATIO and same_queries and first < TARGET_FIRST_BYTES
                  and memory_ratio <= TARGET_MEMORY_RATIO)  # fmt: skip
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
