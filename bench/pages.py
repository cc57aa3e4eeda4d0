"""The member pages against the framework's floor, served by gunicorn on the 100,000-member data set.

Builds (or reuses, with --reuse) a benchmark database with `seed_demo` and
`seed_scale --members N --entries E`, logs in 500 scale members (sessions
written directly), serves the club with gunicorn (2 workers, persistent
connections, `DEBUG=0`) and loads each page with wrk at 8 connections, the
cookies rotated over the 500 members. The baseline is `/bench/empty/`
(bench/pages_site.py): an empty view behind the same middleware that reads
`request.user`. For each page, baseline and page alternate for --rounds rounds;
the ratio printed is the median of the rounds' ratios. Queries are counted
in-process with Django's test client for one of the members (session and user
included). Exits 1 when "Mon club" misses its targets (≥ 0.5× the baseline,
≤ 6 queries) or another page costs more than 10 queries.

    .venv/bin/python bench/pages.py [--members 100000] [--entries 50] [--rounds 3] [--seconds 8] [--reuse]
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from common import admin_query, gunicorn_start

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SESSIONS = 500
PAGES = [
    ("Mon club", "/mon-club/"),
    ("Ma carte", "/mon-club/carte/"),
    ("Mes points", "/mon-club/points/"),
    ("Boutique", "/boutique/"),
    ("Mes bons", "/mon-club/bons/"),
    ("Notifications", "/mon-club/notifications/"),
    ("Gagner des points", "/gagner-des-points/"),
    ("Profil", "/mon-club/profil/"),
    ("Contenus", "/contenus/"),
]
BASELINE = "/bench/empty/"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/club_bench_pages")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8, help="duration of each wrk run")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database with its data set")
    parser.add_argument("--only", nargs="*", help="measure only these pages (names as printed, e.g. 'Mon club')")
    args = parser.parse_args()
    if args.only:
        PAGES[:] = [(name, path) for name, path in PAGES if name in args.only]
    return args


def server_env(url: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECRET_KEY": "bench-pages-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789-abcdef",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "CONN_MAX_AGE": "600",
        "REDIS_URL": "",
        "CACHE_URL": "rediscache://127.0.0.1:6379/5",  # shared by the workers, as in production
        "LOG_LEVEL": "WARNING",
    }


def manage(url: str, *command: str) -> None:
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=server_env(url), check=True)


def build(url: str, args: argparse.Namespace) -> None:
    name = urlparse(url).path.lstrip("/")
    exists = admin_query(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if exists and args.reuse:
        print(f"Reusing {name}.")
        return
    admin_query(url, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "seed_demo", "--force")
    started = time.perf_counter()
    manage(url, "seed_scale", "--members", str(args.members), "--entries", str(args.entries))
    print(f"seed_scale: {time.perf_counter() - started:.0f} s for {args.members:,} members × {args.entries} entries")


def setup_django(url: str) -> None:
    os.environ.update(server_env(url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "club.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import bench.pages_site  # noqa: F401 - the baseline's address, as gunicorn serves it


def log_in_members(count: int) -> list[str]:
    """Session keys of `count` scale members, spread over the whole data set, written as a login would."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from club.core.scale import SCALE_EMAIL_DOMAIN
    from club.members.models import Member

    members = Member.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}").order_by("pk")
    total = members.count()
    keys = []
    for index in range(count):
        member = members[index * total // count]
        session = SessionStore()
        session[SESSION_KEY] = str(member.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = member.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def count_queries(paths: list[str]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from club.core.scale import SCALE_EMAIL_DOMAIN
    from club.members.models import Member

    client = Client(HTTP_HOST="127.0.0.1")
    member = Member.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}").order_by("pk")[1000]
    client.force_login(member)
    counts = {}
    for path in paths:
        client.get(path)  # warm: the QR code encoded once
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert path != BASELINE or response.content == b"member"
        counts[path] = len(queries)
    return counts


def serve(url: str, port: int) -> subprocess.Popen:
    return gunicorn_start("bench.pages_site:application", port, server_env(url))


def check_logged_in(port: int, session: str, path: str) -> None:
    """The page answers 200 to a logged-in member (a redirect to the login would measure the wrong page)."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"sessionid={session}"})
    with opener.open(request, timeout=10) as response:  # noqa: S310
        assert response.status == 200, (path, response.status)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(port: int, path: str, seconds: int, sessions_file: Path) -> float:
    result = subprocess.run(
        ["wrk", "-t", "2", "-c", "8", "-d", f"{seconds}s", "-s", str(ROOT / "bench" / "pages.lua"),
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True, env={**os.environ, "BENCH_SESSIONS": str(sessions_file)},
    )  # fmt: skip
    if "Non-2xx" in result.stdout:
        sys.exit(f"{path}: some answers were not 2xx\n{result.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def main() -> int:
    args = parse_args()
    url = args.database_url
    build(url, args)
    manage(url, "collectstatic", "--noinput", "-v0")  # DEBUG=0 serves the hashed files
    setup_django(url)
    sessions = log_in_members(SESSIONS)
    queries = count_queries([BASELINE, *(path for _name, path in PAGES)])
    with tempfile.TemporaryDirectory() as work:
        sessions_file = Path(work) / "sessions.txt"
        sessions_file.write_text("\n".join(sessions) + "\n")
        server = serve(url, args.port)
        try:
            for _name, path in PAGES:
                check_logged_in(args.port, sessions[0], path)
            wrk(args.port, BASELINE, 2, sessions_file)  # warm-up: workers loaded, connections opened
            for _name, path in PAGES:  # steady state: every member's QR code encoded once, caches filled
                for session in sessions:
                    check_logged_in(args.port, session, path)
            rows = []
            for name, path in PAGES:
                baselines, pages, ratios = [], [], []
                for _round in range(args.rounds):
                    base = wrk(args.port, BASELINE, args.seconds, sessions_file)
                    page = wrk(args.port, path, args.seconds, sessions_file)
                    baselines.append(base)
                    pages.append(page)
                    ratios.append(page / base)
                rows.append((name, statistics.median(pages), statistics.median(baselines), statistics.median(ratios)))
                print(f"  {name}: {rows[-1][1]:.0f} requests/s, ratio {rows[-1][3]:.2f}", flush=True)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
    print(f"\n{args.members:,} members × {args.entries} entries, gunicorn 2 workers, wrk 8 connections, "
          f"{SESSIONS} members' sessions, median of {args.rounds} rounds")  # fmt: skip
    print("| page | requests/s | baseline requests/s | ratio | queries |\n|---|---|---|---|---|")
    print(f"| baseline (empty view, request.user) | | | 1.00 | {queries[BASELINE]} |")
    failures = []
    for (name, page, base, ratio), (_n, path) in zip(rows, PAGES, strict=True):
        print(f"| {name} | {page:.0f} | {base:.0f} | {ratio:.2f} | {queries[path]} |")
        if queries[path] > 10:
            failures.append(f"{name}: {queries[path]} queries (at most 10)")
    dashboard_ratio, dashboard_queries = rows[0][3], queries["/mon-club/"]
    if dashboard_ratio < 0.5:
        failures.append(f"Mon club: {dashboard_ratio:.2f}× the baseline (at least 0.5)")
    if dashboard_queries > 6:
        failures.append(f"Mon club: {dashboard_queries} queries (at most 6)")
    for failure in failures:
        print(f"MISSED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
