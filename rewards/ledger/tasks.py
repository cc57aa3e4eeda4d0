"""Daily jobs of the ledger, fanned out in chunks of ~1,000 members (thin: `expiry` does the work).

Task names are explicit and stable: django-celery-beat stores them in its rows,
and queued chunks name them. The moment a job starts is passed to its chunks,
so every chunk of one run works on the same "now".
"""

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from club.core.queue import enqueue
from rewards.ledger import expiry


@shared_task(name="ledger.points_expire_due", acks_late=True)
def points_expire_due_task() -> int:
    now = timezone.now()
    chunks = expiry.points_expire_chunks(now=now)
    for first, last in chunks:
        enqueue(points_expire_chunk_task, first, last, now.isoformat())
    return len(chunks)


@shared_task(name="ledger.points_expire_chunk", acks_late=True)
def points_expire_chunk_task(first_pk: int, last_pk: int, now: str) -> int:
    return expiry.points_expire_chunk(first_pk=first_pk, last_pk=last_pk, now=datetime.fromisoformat(now))


@shared_task(name="ledger.points_expiry_warn", acks_late=True)
def points_expiry_warn_task() -> int:
    now = timezone.now()
    chunks = expiry.points_expiry_warn_chunks(now=now)
    for first, last in chunks:
        enqueue(points_expiry_warn_chunk_task, first, last, now.isoformat())
    return len(chunks)


@shared_task(name="ledger.points_expiry_warn_chunk", acks_late=True)
def points_expiry_warn_chunk_task(first_pk: int, last_pk: int, now: str) -> int:
    return expiry.points_expiry_warn_chunk(first_pk=first_pk, last_pk=last_pk, now=datetime.fromisoformat(now))
