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
        return notification_email_deliver(notification_id=notification_id)
    except EmailNotSent as error:
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error


@shared_task(acks_late=True)
def notifications_sweep_task() -> int:
    from club.notifications import notifications_sweep

    return notifications_sweep()
