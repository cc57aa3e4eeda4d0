"""Production settings are the same module with DEBUG=0 and must pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-that-is-long-enough-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "club.example.org",
    "SITE_URL": "https://club.example.org",
}


def _manage(*args, **env):
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_wildcard_hosts_and_missing_secret():
    wildcard = _manage("check", **{**PRODUCTION, "ALLOWED_HOSTS": "*"})
    assert wildcard.returncode != 0 and "ALLOWED_HOSTS" in wildcard.stderr
    environment = {**PRODUCTION, "SECRET_KEY": ""}
    no_secret = _manage("check", **environment)
    assert no_secret.returncode != 0 and "SECRET_KEY" in no_secret.stderr


def test_seed_demo_refuses_to_run_in_production():
    result = _manage("seed_demo", **PRODUCTION, DATABASE_URL="sqlite:///:memory:")
    assert result.returncode != 0 and "--force" in result.stderr


def test_production_keeps_connections_answers_json_only_and_trusts_no_proxy_by_default():
    script = (
        "from django.conf import settings as s; db = s.DATABASES['default'];"
        "print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'], s.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'],"
        " s.TRUSTED_PROXIES, s.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    result = _manage("shell", "-c", script, **PRODUCTION, DATABASE_URL="postgres://club@db.internal/club")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "600 True ['rest_framework.renderers.JSONRenderer'] 0 0"
    behind_proxy = _manage("shell", "-c", script, **PRODUCTION, TRUSTED_PROXIES="1", CONN_MAX_AGE="0")
    assert behind_proxy.stdout.split("\n")[-2].startswith("0 True") and behind_proxy.stdout.strip().endswith("1 1")
