"""Handing work to Celery without ever failing the caller.

A broker that is down or hung costs the short broker timeout and a log line:
the work is in the database already (an outbox row, a due lot), and the
periodic job or sweep that finds it queues it again.
"""

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """`task.apply_async(args)` once, without retries; False (and a warning) when the broker refused."""
    try:
        task.apply_async(args=list(args), retry=False)
    except Exception:  # noqa: BLE001 - any broker failure: the database row waits for the sweep
        logger.warning("task %s%s not queued (broker unavailable); it will be queued again later", task.name, args)
        return False
    return True
