"""Daily jobs of the ledger (thin: the services do the work).

Task names are explicit and stable: django-celery-beat stores them in its rows.
"""

from celery import shared_task

from rewards.ledger import services


@shared_task(name="ledger.points_expire_due", acks_late=True)
def points_expire_due_task() -> int:
    return services.points_expire_due()


@shared_task(name="ledger.points_expiry_warn", acks_late=True)
def points_expiry_warn_task() -> int:
    return services.points_expiry_warn()
