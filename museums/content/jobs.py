"""The periodic jobs of content (Celery beat; names are stable, beat rows name them).

- `content.releases_announce` (every minute): tells the releases of the last
  minute (`museums.content.notify`), once each.
- `content.engagement_roll_up` (every ten minutes): counts the day's figures
  of each item into `EngagementDay` (`museums.content.engagement`).
"""

from celery import shared_task

from museums.content import engagement, notify


@shared_task(name="content.releases_announce", acks_late=True)
def releases_announce_task() -> int:
    return notify.releases_announce()


@shared_task(name="content.engagement_roll_up", acks_late=True)
def engagement_roll_up_task() -> None:
    engagement.engagement_roll_up(days=2)
