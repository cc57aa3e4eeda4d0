"""Liveness report for load balancers and monitoring.

The database decides the status code; the broker is only reported, as
"degraded" when it does not answer within the short broker timeout, because
the site keeps working without it (notifications wait in the database).
"""

import time

from django.conf import settings
from django.db import connection


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means the database is down
        return "down"
    return "ok"


def _broker_status() -> str:
    if not settings.REDIS_URL:
        return "eager"
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=settings.BROKER_SOCKET_TIMEOUT,
        socket_connect_timeout=settings.BROKER_SOCKET_TIMEOUT,
    )
    try:
        client.ping()
    except (redis.RedisError, OSError):
        return "degraded"
    finally:
        client.close()
    return "ok"


def health_report() -> dict:
    started = time.monotonic()
    database = _database_status()
    broker = _broker_status()
    if database != "ok":
        status = "down"
    else:
        status = "ok" if broker in ("ok", "eager") else "degraded"
    return {
        "status": status,
        "database": database,
        "broker": broker,
        "duration_ms": round((time.monotonic() - started) * 1000),
    }
