"""Daily jobs of the ledger and the shop (thin: the services do the work)."""

from celery import shared_task

from rewards import services


@shared_task(acks_late=True)
def points_expire_due_task() -> int:
    return services.points_expire_due()


@shared_task(acks_late=True)
def redemptions_expire_due_task() -> int:
    return services.redemptions_expire_due()


@shared_task(acks_late=True)
def points_expiry_warn_task() -> int:
    return services.points_expiry_warn()
