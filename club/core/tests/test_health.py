"""/healthz: the database decides the status, the broker is only reported."""

import os
import time

import pytest

from club.core.testing import broker_wait_bound, closed_port

pytestmark = pytest.mark.django_db


def test_health_without_broker_reports_eager_mode(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {**response.json(), "status": "ok", "database": "ok", "broker": "eager"}


def test_unreachable_broker_is_degraded_not_failing(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < broker_wait_bound()
    assert response.status_code == 200
    assert response.json()["broker"] == "degraded" and response.json()["status"] == "degraded"


def test_hung_broker_answers_within_the_socket_timeout(client, settings, hung_port):
    settings.REDIS_URL = f"redis://127.0.0.1:{hung_port}/0"
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and response.json()["broker"] == "degraded"
    bound = broker_wait_bound()
    assert elapsed < bound, f"health check waited {elapsed:.2f}s (bound {bound:.2f}s) on a hung broker"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (set in CI)")
def test_real_redis_broker_is_ok(client, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    assert client.get("/healthz").json()["broker"] == "ok"
