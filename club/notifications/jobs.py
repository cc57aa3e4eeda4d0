"""Periodic jobs of the notifications (beat): the outbox sweep and scheduled announcements."""

from celery import shared_task

from club.notifications import services


@shared_task(name="notifications.sweep", acks_late=True)
def notifications_sweep_task() -> int:
    return services.notifications_sweep()


@shared_task(name="notifications.announcements_start_due", acks_late=True)
def announcements_start_due_task() -> int:
    return services.announcements_start_due()
