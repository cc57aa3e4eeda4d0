"""Periodic housekeeping of the members' app."""

from celery import shared_task

from club import services


@shared_task(acks_late=True)
def idempotency_keys_purge_task() -> int:
    return services.idempotency_keys_purge()


@shared_task(bind=True, acks_late=True, max_retries=4, default_retry_delay=60)
def notification_email_task(self, notification_id: int) -> bool:
    from club.notifications import EmailNotSent, notification_email_deliver

    try:
        return notification_email_deliver(notification_id=notification_id, claim=self.request.id or "")
    except EmailNotSent as error:
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error


@shared_task(acks_late=True)
def notifications_sweep_task() -> int:
    from club.notifications import notifications_sweep

    return notifications_sweep()


@shared_task(acks_late=True)
def announcement_fanout_task(announcement_id: int) -> int:
    from club.notifications import announcement_fanout

    return announcement_fanout(announcement_id=announcement_id)


@shared_task(bind=True, acks_late=True)
def announcement_chunk_task(self, announcement_id: int, first_pk: int, last_pk: int) -> int:
    from club.notifications import announcement_chunk

    return announcement_chunk(
        announcement_id=announcement_id, first_pk=first_pk, last_pk=last_pk, claim=self.request.id or "eager"
    )


@shared_task(acks_late=True)
def announcements_start_due_task() -> int:
    from club.notifications import announcements_start_due

    return announcements_start_due()
