"""Pointing the test process's Celery app at a broker, or back to in-process tasks."""

from contextlib import contextmanager

from club.celery import app


def _reset_pools() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str | None):
    """Publish to `url`; None runs tasks in-process, as a live worker would."""
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = url is None
    if url:
        app.conf.broker_url = url
    _reset_pools()
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        _reset_pools()
