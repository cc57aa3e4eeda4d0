"""Periodic housekeeping of the members' app."""

from celery import shared_task

from club import services


@shared_task(acks_late=True)
def idempotency_keys_purge_task() -> int:
    return services.idempotency_keys_purge()
