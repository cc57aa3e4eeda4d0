"""Periodic jobs of surveys (beat; thin: the work is in `surveys.notify` and `surveys.anonymity`).

Their names are stable: django-celery-beat's rows name them.
"""

from celery import shared_task

from surveys import anonymity, exports, notify


@shared_task(name="surveys.announce_due", acks_late=True)
def surveys_announce_due_task() -> int:
    """Every five minutes: the openings (scheduled ones included) and last-day reminders due, each once."""
    return notify.surveys_announce_due()


@shared_task(name="surveys.anonymous_responses_flush", acks_late=True)
def anonymous_responses_flush_task() -> int:
    """Every ten minutes: write the anonymous responses that may be written (in batches of 5 or more)."""
    return anonymity.anonymous_responses_flush_due()


@shared_task(name="surveys.exports_purge", acks_late=True)
def exports_purge_task() -> int:
    """Daily: the spreadsheets of responses asked for more than a week ago are deleted."""
    return exports.exports_purge()
