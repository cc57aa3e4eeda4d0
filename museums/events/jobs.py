"""The periodic jobs of events (Celery beat; names are stable, beat rows name them).

- `events.offers_expire_due` (every minute): a seat offered to a waiting member
  and not confirmed in time passes to the next member.
- `events.reminders_send_due` (every 15 minutes): the reminder the day before,
  once per ticket.
Both are rerun-safe: they claim each row under its lock before acting.
"""

from celery import shared_task

from museums.events import services


@shared_task(name="events.offers_expire_due", acks_late=True)
def offers_expire_due_task() -> int:
    return services.offers_expire_due()


@shared_task(name="events.reminders_send_due", acks_late=True)
def reminders_send_due_task() -> int:
    return services.reminders_send_due()
