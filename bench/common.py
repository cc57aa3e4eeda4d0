"""What the benchmarks share: statements on the server's `postgres` database, and a gunicorn to measure."""

import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import psycopg2

ROOT = Path(__file__).resolve().parents[1]


def admin_query(url: str, *statements: str) -> list:
    """Run statements on the server's `postgres` database (autocommit); the last one's rows."""
    parts = urlparse(url)
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            return cursor.fetchall() if cursor.description else []
    finally:
        conn.close()


def gunicorn_start(application: str, port: int, env: dict) -> subprocess.Popen:
    """gunicorn (2 workers) serving `application`, once `/healthz` answers."""
    command = [str(Path(sys.executable).with_name("gunicorn")), application, "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--no-control-socket", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()  # noqa: S310
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("gunicorn did not start")
