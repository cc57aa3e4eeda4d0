"""Storing a survey response through the API against an empty authenticated POST, served by gunicorn.

Builds a throw-away database (migrated, the earning rules, --members members
each with an API token and a points account), a named survey of 20 questions
of every kind and one of 1 question. It counts, in-process, the queries of a
response to each (they must be equal: the count does not grow with the
questions) and of the baseline, then serves `bench.surveys_site:application`
with gunicorn (2 workers, `DEBUG=0`, persistent connections, the cache in
Redis) and loads it with wrk (2 threads, 8 connections): the baseline
`/bench/empty-post/` (an empty POST through the same middleware and API
stack, token-authenticated), then `POST /api/v1/surveys/{id}/responses/`
with the 20 answers, each request as another member — alternated for
--rounds rounds, with and without an `Idempotency-Key`. The ratio printed is
the median of the rounds' ratios. At the end the stored responses are
checked (one submission and 20 answers per 201, the ledger consistent).
Exits 1 when a ratio is under 0.3 or the query counts differ.

    .venv/bin/python bench/surveys_store.py [--members 40000] [--rounds 3] [--seconds 8] [--keep]
"""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

from common import admin_query, gunicorn_start

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
TARGET = 0.3
THREADS, CONNECTIONS = 2, 8
BASELINE = "/bench/empty-post/"
EMAIL_DOMAIN = "bench-surveys.invalid"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/club_bench_surveys")
    parser.add_argument("--members", type=int, default=40_000, help="members seeded (each answers once)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8, help="duration of each wrk run")
    parser.add_argument("--port", type=int, default=8793)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2 like the other benches)")
    parser.add_argument("--cache-url", default="rediscache://127.0.0.1:6379/8", help="flushed at the start")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    return parser.parse_args()


def server_env(args: argparse.Namespace) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECRET_KEY": "bench-surveys-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789-abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DATABASE_URL": args.database_url,
        "CONN_MAX_AGE": "600",
        "REDIS_URL": "",
        "CACHE_URL": args.cache_url,
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "club.settings",
    }


def build(args: argparse.Namespace) -> None:
    name = urlparse(args.database_url).path.lstrip("/")
    admin_query(args.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=server_env(args), check=True)


def setup_django(args: argparse.Namespace) -> None:
    os.environ.update(server_env(args))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache

    import bench.surveys_site  # noqa: F401 - the baseline's address, as gunicorn serves it

    cache.clear()  # the bench's own Redis database: no rule cached from an earlier run


def seed_members(count: int) -> list[str]:
    """`count` members with a points account and an API token (bulk inserts); their tokens, in order."""
    import binascii

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from club.members.models import Member
    from rewards.ledger.models import Account

    now = timezone.now()
    unusable = make_password(None)
    with transaction.atomic():
        for start in range(0, count, 5000):
            batch = [
                Member(
                    email=f"m{n}@{EMAIL_DOMAIN}",
                    display_name=f"Membre {n}",
                    password=unusable,
                    age_confirmed_at=now,
                    rules_version="bench",
                    rules_accepted_at=now,
                    email_verified_at=now,
                    membership_number=f"B{n:013d}",
                )  # fmt: skip
                for n in range(start, min(start + 5000, count))
            ]
            Member.objects.bulk_create(batch)
        members = list(Member.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").order_by("pk"))
        Account.objects.bulk_create([Account(member=member, balance=0) for member in members], batch_size=5000)
        tokens = [Token(key=binascii.hexlify(os.urandom(20)).decode(), user=member) for member in members]
        Token.objects.bulk_create(tokens, batch_size=5000)
    return [token.key for token in tokens]


def seed_surveys():
    """A named survey of 20 questions of every kind (with a condition) and one of 1 question; their answers."""
    from django.utils import timezone

    from surveys.models import Choice, MatrixRow, Question, Survey, SurveyPage

    now = timezone.now()
    Kind = Question.Kind

    def survey(slug: str) -> tuple[Survey, list[SurveyPage]]:
        made = Survey.objects.create(
            slug=slug, title=f"Banc d'essai {slug}", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=7)
        )
        return made, [SurveyPage.objects.create(survey=made, position=n) for n in (1, 2, 3)]

    def choices(question: Question, count: int) -> list[Choice]:
        return [Choice.objects.create(question=question, position=n, label=f"Choix {n}") for n in range(1, count + 1)]

    big, pages = survey("vingt-questions")
    answers: dict[str, object] = {}
    kinds = [Kind.SINGLE, Kind.MULTIPLE, Kind.DROPDOWN, Kind.RATING, Kind.NPS, Kind.LIKERT, Kind.RANKING,
             Kind.SHORT_TEXT, Kind.LONG_TEXT, Kind.NUMBER, Kind.DATE, Kind.IMAGE_CHOICE]  # fmt: skip
    first_single = None
    for position in range(1, 21):
        kind = kinds[(position - 1) % len(kinds)]
        question = Question.objects.create(
            page=pages[(position - 1) // 7], position=position, kind=kind, text=f"Question {position}",
            min_value=0 if kind == Kind.NUMBER else None, max_value=500 if kind == Kind.NUMBER else None,
        )  # fmt: skip
        key = str(question.pk)
        if kind in (Kind.SINGLE, Kind.DROPDOWN, Kind.IMAGE_CHOICE):
            picked = choices(question, 4)
            answers[key] = picked[1].pk
            first_single = first_single or (question, picked)
        elif kind == Kind.MULTIPLE:
            answers[key] = [choice.pk for choice in choices(question, 5)[:3]]
        elif kind == Kind.RATING:
            answers[key] = 4
        elif kind == Kind.NPS:
            answers[key] = 9
        elif kind == Kind.LIKERT:
            scale = choices(question, 5)
            rows = [MatrixRow.objects.create(question=question, position=n, label=f"Ligne {n}") for n in (1, 2, 3)]
            answers[key] = {str(row.pk): scale[n].pk for n, row in enumerate(rows)}
        elif kind == Kind.RANKING:
            answers[key] = [choice.pk for choice in reversed(choices(question, 4))]
        elif kind == Kind.SHORT_TEXT:
            answers[key] = "Les cartels sont clairs."
        elif kind == Kind.LONG_TEXT:
            answers[key] = "Un peu petits pour lire de loin, mais les textes sont bien écrits. " * 3
        elif kind == Kind.NUMBER:
            answers[key] = 42
        elif kind == Kind.DATE:
            answers[key] = "2026-06-14"
    # The last question shows only when the first single choice is answered with its second choice.
    last = Question.objects.get(page__survey=big, position=20)
    last.condition_question, last.condition_choice = first_single[0], first_single[1][1]
    last.save(update_fields=["condition_question", "condition_choice"])

    small, small_pages = survey("une-question")
    only = Question.objects.create(page=small_pages[0], position=1, kind=Kind.SINGLE, text="Question 1")
    small_answers = {str(only.pk): choices(only, 4)[1].pk}
    return big, answers, small, small_answers


def count_queries(path: str, body: dict, token: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, body, format="json")
    assert response.status_code == 201, (path, response.status_code, response.content[:300])
    return len(queries)


def serve(args: argparse.Namespace) -> subprocess.Popen:
    """gunicorn with --workers workers (the README's deployment runs 4), once `/healthz` answers."""
    if args.workers == 2:
        return gunicorn_start("bench.surveys_site:application", args.port, server_env(args))
    command = [str(Path(PYTHON).with_name("gunicorn")), "bench.surveys_site:application"]
    command += ["--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers)]
    command += ["--no-control-socket", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=server_env(args))
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=1).read()  # noqa: S310
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("gunicorn did not start")


def wrk(port: int, path: str, seconds: int, env: dict) -> tuple[float, int]:
    result = subprocess.run(
        ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s", "-s",
         str(ROOT / "bench" / "surveys_store.lua"), f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True, env={**os.environ, "BENCH_THREADS": str(THREADS), **env},
    )  # fmt: skip
    if "Non-2xx" in result.stdout or "Socket errors" in result.stdout:
        sys.exit(f"{path}: some answers were not 2xx (too few members for this rate? see --members)\n{result.stdout}")
    requests = int(re.search(r"(\d+) requests in", result.stdout).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1)), requests


class Tokens:
    """Tokens handed out once each, a file per wrk run (a member answers a survey once)."""

    def __init__(self, tokens: list[str], work: Path):
        self.tokens, self.work, self.used = tokens, work, 0

    def file(self, count: int) -> Path:
        chunk = self.tokens[self.used : self.used + count]
        if len(chunk) < count:
            sys.exit(f"Out of members: {self.used:,} used; run with more --members.")
        self.used += count
        path = self.work / f"tokens-{self.used}.txt"
        path.write_text("\n".join(chunk) + "\n")
        return path


def verify(survey, answered: int, in_flight: int, rows: int) -> str:
    """Every 201 stored one response with its `rows` answer rows (and so did requests in flight when wrk stopped)."""
    from django.core.management import call_command

    from surveys.models import Answer, Participation, Submission

    submissions = Submission.objects.filter(survey=survey).count()
    participations = Participation.objects.filter(survey=survey).count()
    answers = Answer.objects.filter(submission__survey=survey).count()
    assert submissions == participations, (submissions, participations)
    assert answered <= submissions <= answered + in_flight, (submissions, answered, in_flight)
    assert answers == rows * submissions, (answers, rows, submissions)
    call_command("ledger_verify", verbosity=0)
    return f"{submissions:,} responses stored with {answers:,} answers, one participation each; ledger consistent"


def main() -> int:
    args = parse_args()
    build(args)
    setup_django(args)
    started = time.perf_counter()
    tokens = seed_members(args.members)
    big, answers, small, small_answers = seed_surveys()
    print(f"seeded {args.members:,} members with tokens and 2 surveys in {time.perf_counter() - started:.1f} s")
    big_path, small_path = f"/api/v1/surveys/{big.pk}/responses/", f"/api/v1/surveys/{small.pk}/responses/"
    # Warm, as served: the earning rule and each survey's answer rules cached.
    count_queries(small_path, {"answers": small_answers}, tokens[1])
    count_queries(big_path, {"answers": answers}, tokens[4])
    queries = {
        "baseline": count_queries(BASELINE, {}, tokens[0]),
        "1 question": count_queries(small_path, {"answers": small_answers}, tokens[2]),
        "20 questions": count_queries(big_path, {"answers": answers}, tokens[3]),
    }
    counted_big = 2
    from django.db import connections

    from surveys.models import Answer

    connections.close_all()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-surveys-") as work:
        pool = Tokens(tokens[5:], Path(work))
        body = Path(work) / "body.json"
        body.write_text(json.dumps({"answers": answers}))
        small_body = Path(work) / "small.json"
        small_body.write_text(json.dumps({"answers": small_answers}))
        base_env = {"BENCH_TOKENS": str(pool.file(500)), "BENCH_BODY": str(body), "BENCH_KEYED": "0"}
        per_run = (len(tokens) - pool.used - 600) // (2 * args.rounds + 1)
        server = serve(args)
        stored = 0
        try:
            wrk(args.port, BASELINE, 2, base_env)  # warm-up: workers loaded, connections opened
            warm = {"BENCH_TOKENS": str(pool.file(per_run)), "BENCH_BODY": str(small_body), "BENCH_KEYED": "0"}
            wrk(args.port, small_path, 2, warm)
            for keyed in ("0", "1"):
                bases, rates, ratios = [], [], []
                for _round in range(args.rounds):
                    base, _n = wrk(args.port, BASELINE, args.seconds, base_env)
                    run_env = {"BENCH_TOKENS": str(pool.file(per_run)), "BENCH_BODY": str(body), "BENCH_KEYED": keyed}
                    rate, done = wrk(args.port, big_path, args.seconds, run_env)
                    stored += done
                    bases.append(base)
                    rates.append(rate)
                    ratios.append(rate / base)
                    print(f"  {'with' if keyed == '1' else 'without'} Idempotency-Key: baseline {base:.0f}/s, "
                          f"response {rate:.0f}/s, ratio {rate / base:.2f}", flush=True)  # fmt: skip
                label = "with an Idempotency-Key" if keyed == "1" else "without a key"
                rows.append((label, statistics.median(rates), statistics.median(bases), statistics.median(ratios)))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
    in_flight = CONNECTIONS * 2 * args.rounds
    per_response = Answer.objects.filter(submission__survey=big, submission__member__email=f"m3@{EMAIL_DOMAIN}").count()
    print(f"checked: {verify(big, stored + counted_big, in_flight, per_response)}")
    print(f"\n{args.members:,} members, gunicorn {args.workers} workers, wrk {THREADS} threads × {CONNECTIONS} "
          f"connections, {args.seconds} s runs, median of {args.rounds} rounds")  # fmt: skip
    print("| POST | requests/s | baseline requests/s | ratio | target | queries |\n|---|---|---|---|---|---|")
    print(f"| baseline: empty authenticated POST | | | 1.00 | | {queries['baseline']} |")
    for label, rate, base, ratio in rows:
        print(f"| a 20-question response, {label} | {rate:.0f} | {base:.0f} | {ratio:.2f} | ≥ {TARGET} | |")
    print(f"queries per response: {queries['1 question']} for 1 question, {queries['20 questions']} for 20 questions")
    failures = [f"{label}: {ratio:.2f}× the baseline (≥ {TARGET})" for label, _r, _b, ratio in rows if ratio < TARGET]
    if queries["1 question"] != queries["20 questions"]:
        failures.append("the query count grows with the questions")
    for failure in failures:
        print(f"MISSED: {failure}")
    if not args.keep:
        name = urlparse(args.database_url).path.lstrip("/")
        admin_query(args.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
