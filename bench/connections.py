"""Persistent database connections against a new connection per request, served by gunicorn.

Serves `/healthz` (one query) from gunicorn (2 workers, `DEBUG=0`) on
PostgreSQL, once with `CONN_MAX_AGE=0` and once with the production default
(600 s, health-checked), alternating the two for several rounds, and loads it
with wrk (8 connections). Prints requests/s of each and their median ratio. The
figure that motivated the default: 215 requests/s with a connection per
request against 1,160 with persistent ones on the same machine.

    .venv/bin/python bench/connections.py --rounds 3 --seconds 10
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
from pathlib import Path

from common import gunicorn_start

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def serve(port: int, conn_max_age: int, database_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECRET_KEY": "bench-connections-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": str(conn_max_age),
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
    }
    return gunicorn_start("club.wsgi:application", port, env)


def wrk(port: int, seconds: int) -> float:
    result = subprocess.run(
        ["wrk", "-t", "2", "-c", "8", "-d", f"{seconds}s", f"http://127.0.0.1:{port}/healthz"],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def measure(port: int, conn_max_age: int, seconds: int, database_url: str) -> float:
    server = serve(port, conn_max_age, database_url)
    try:
        wrk(port, 2)  # warm-up: workers loaded, connections opened
        return wrk(port, seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/club_bench_connections")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--port", type=int, default=8790)
    args = parser.parse_args()
    name = args.database_url.rsplit("/", 1)[1]
    admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(
        ["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}"], check=True
    )
    env = {**os.environ, "DATABASE_URL": args.database_url}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    fresh, persistent = [], []
    for _ in range(args.rounds):
        fresh.append(measure(args.port, 0, args.seconds, args.database_url))
        persistent.append(measure(args.port, 600, args.seconds, args.database_url))
    ratios = [f / p for f, p in zip(fresh, persistent, strict=True)]
    print(f"\n{'settings':<44} {'requests/s (median)':>20}")
    print(f"{'CONN_MAX_AGE=0 (a connection per request)':<44} {statistics.median(fresh):>20.0f}")
    print(f"{'CONN_MAX_AGE=600 (production default)':<44} {statistics.median(persistent):>20.0f}")
    print(f"\nratio new-connection / persistent, median of {args.rounds} rounds: {statistics.median(ratios):.2f}")
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


if __name__ == "__main__":
    main()
