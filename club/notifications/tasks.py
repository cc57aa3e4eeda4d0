"""The work the notification services queue: one email, an announcement's fan-out, a chunk.

Thin tasks with explicit, stable names (django-celery-beat rows and queued
messages name them). The periodic jobs that call the services live in
`club.notifications.jobs`, so that services can queue these tasks without an
import cycle.
"""

from celery import shared_task

from club.core.queue import enqueue
from club.notifications.delivery import EmailNotSent, notification_email_deliver
from club.notifications.fanout import announcement_chunk, announcement_chunks


@shared_task(name="notifications.email", bind=True, acks_late=True, max_retries=4, default_retry_delay=60)
def notification_email_task(self, notification_id: int) -> bool:
    try:
        return notification_email_deliver(notification_id=notification_id, claim=self.request.id or "")
    except EmailNotSent as error:
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error


@shared_task(name="notifications.announcement_fanout", acks_late=True)
def announcement_fanout_task(announcement_id: int) -> int:
    """Split the audience into chunks of ~1,000 members, one task each."""
    chunks = announcement_chunks(announcement_id=announcement_id)
    for first_pk, last_pk in chunks:
        enqueue(announcement_chunk_task, announcement_id, first_pk, last_pk)
    return len(chunks)


@shared_task(name="notifications.announcement_chunk", bind=True, acks_late=True)
def announcement_chunk_task(self, announcement_id: int, first_pk: int, last_pk: int) -> int:
    return announcement_chunk(
        announcement_id=announcement_id, first_pk=first_pk, last_pk=last_pk, claim=self.request.id or "eager"
    )
