"""Periodic housekeeping of the core layer."""

from celery import shared_task

from club.core.idempotency import idempotency_keys_purge


@shared_task(name="core.idempotency_keys_purge", acks_late=True)
def idempotency_keys_purge_task() -> int:
    return idempotency_keys_purge()
