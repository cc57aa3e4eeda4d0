"""When a series' items come out: its release rule turned into instants, and its queue stamped with them.

A rule is days of the week and a time in Europe/Paris ("every weekday at
18:00"). `release_slots` gives the next instants after a moment: each is the
wall-clock time on that day in Paris, so 18:00 stays 18:00 across the changes
to and from summer time (16:00 UTC in summer, 17:00 UTC in winter).

`series_queue_set` stamps the queue: items already out keep their time and
come first; the others, in the order staff gave, take the next free slots
after the later of now and the last item out. Each item's `publish_at` is
stored there and then, so an item is visible from that second on whatever
jobs run; `Content.announced_at` stays empty until the release has been told.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from museums.content.models import Content, Series

PARIS = ZoneInfo("Europe/Paris")
SCHEDULE_AHEAD = 10  # the releases staff see ahead


def release_slots(series: Series, *, after: datetime, count: int) -> list[datetime]:
    """The next `count` release instants strictly after `after` (aware datetimes, in UTC)."""
    weekdays = series.weekdays
    if not weekdays or count <= 0:
        return []
    at = series.release_time if isinstance(series.release_time, time) else time.fromisoformat(str(series.release_time))
    slots: list[datetime] = []
    day: date = after.astimezone(PARIS).date()
    while len(slots) < count:
        if day.weekday() in weekdays:
            slot = datetime.combine(day, at, tzinfo=PARIS)
            if slot > after:
                slots.append(slot.astimezone(UTC))
        day += timedelta(days=1)
    return slots


def series_queue_set(*, series: Series, queue: list[Content], now: datetime | None = None) -> list[Content]:
    """Put `queue` (the series' items not out yet, in order) on the next slots; return the whole series in order.

    Items of the series left out of `queue` and not out yet leave the series'
    schedule (no release time, no place). One transaction; the series row is
    locked so two staff reordering at once wait for each other.
    """
    now = now or timezone.now()
    with transaction.atomic():
        Series.objects.select_for_update().filter(pk=series.pk).first()
        items = list(Content.objects.filter(series=series).order_by("series_position", "publish_at", "pk"))
        out = [item for item in items if item.publish_at is not None and item.publish_at <= now]
        out_ids = {item.pk for item in out}
        queued = [item for item in queue if item.pk not in out_ids]
        last_out = max((item.publish_at for item in out if item.publish_at), default=now)
        slots = release_slots(series, after=max(now, last_out), count=len(queued))
        Content.objects.filter(series=series).exclude(pk__in=out_ids).update(series_position=None)
        queued_ids = {item.pk for item in queued}
        dropped = [item for item in items if item.pk not in out_ids and item.pk not in queued_ids]
        for item in dropped:
            item.series_position, item.publish_at = None, None
        start = max((item.series_position or 0 for item in out), default=0)
        for offset, (item, slot) in enumerate(zip(queued, slots, strict=True), start=1):
            item.series, item.series_position, item.publish_at, item.announced_at = series, start + offset, slot, None
        Content.objects.bulk_update([*queued, *dropped], ["series", "series_position", "publish_at", "announced_at"])
    return [*out, *queued]


def series_schedule(*, series: Series, now: datetime | None = None, count: int = SCHEDULE_AHEAD) -> list[Content]:
    """The series' next `count` releases, with their times (what staff see ahead)."""
    now = now or timezone.now()
    return list(Content.objects.filter(series=series, publish_at__gt=now).order_by("publish_at")[:count])


def series_next_position(series: Series) -> int:
    return (Content.objects.filter(series=series).aggregate(last=Max("series_position"))["last"] or 0) + 1
