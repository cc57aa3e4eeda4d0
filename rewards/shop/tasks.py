"""Daily job of the shop (thin: the services do the work)."""

from celery import shared_task

from rewards.shop import services


@shared_task(name="shop.redemptions_expire_due", acks_late=True)
def redemptions_expire_due_task() -> int:
    return services.redemptions_expire_due()
