"""Releases: the weekday rule in Paris time (across the changes of time), the queue, the exact second."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import timezone

from museums.content.models import Content
from museums.content.schedule import release_slots, series_queue_set, series_schedule
from museums.content.selectors import content_list
from museums.content.tests.factories import ContentFactory, SeriesFactory

pytestmark = pytest.mark.django_db


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_every_weekday_at_six_pm_stays_six_pm_in_paris_across_the_autumn_change_of_time():
    series = SeriesFactory.build(release_days="0,1,2,3,4", release_time="18:00")
    # Friday 23 October 2026, 12:00 UTC; summer time ends on Sunday 25 October at 03:00.
    slots = release_slots(series, after=_utc("2026-10-23T12:00:00"), count=3)
    assert slots == [_utc("2026-10-23T16:00:00"), _utc("2026-10-26T17:00:00"), _utc("2026-10-27T17:00:00")]
    assert {slot.astimezone(timezone.get_current_timezone()).hour for slot in slots} == {18}


def test_the_rule_skips_the_weekend_and_a_slot_already_reached_and_keeps_spring_forward_at_six_pm():
    series = SeriesFactory.build(release_days="0,2", release_time="18:00")  # Mondays and Wednesdays
    # Friday 27 March 2026 at 17:00 UTC (18:00 in Paris): summer time starts on Sunday 29 March.
    slots = release_slots(series, after=_utc("2026-03-27T17:00:00"), count=2)
    assert slots == [_utc("2026-03-30T16:00:00"), _utc("2026-04-01T16:00:00")]
    at_the_second = release_slots(series, after=_utc("2026-03-30T16:00:00"), count=1)
    assert at_the_second == [_utc("2026-04-01T16:00:00")]  # strictly after: the slot reached is not offered again


def test_filling_the_queue_stamps_each_item_with_the_next_slots_and_reordering_restamps_them():
    series = SeriesFactory()
    items = [ContentFactory(publish_at=None) for _ in range(3)]
    now = _utc("2026-12-07T09:00:00")  # a Monday morning
    series_queue_set(series=series, queue=items, now=now)
    stamped = list(Content.objects.filter(series=series).order_by("series_position"))
    assert [item.pk for item in stamped] == [item.pk for item in items]
    assert [item.publish_at for item in stamped] == [
        _utc("2026-12-07T17:00:00"), _utc("2026-12-08T17:00:00"), _utc("2026-12-09T17:00:00")
    ]  # fmt: skip
    # Monday 18:00 has passed: the first is out and keeps its time; the two others swap.
    later = _utc("2026-12-07T18:30:00")
    series_queue_set(series=series, queue=[items[2], items[1]], now=later)
    order = list(Content.objects.filter(series=series).order_by("series_position").values_list("pk", "publish_at"))
    assert order == [
        (items[0].pk, _utc("2026-12-07T17:00:00")),
        (items[2].pk, _utc("2026-12-08T17:00:00")),
        (items[1].pk, _utc("2026-12-09T17:00:00")),
    ]
    assert [item.pk for item in series_schedule(series=series, now=later)] == [items[2].pk, items[1].pk]
    # Left out of the queue: no longer scheduled.
    series_queue_set(series=series, queue=[items[1]], now=later)
    dropped = Content.objects.get(pk=items[2].pk)
    assert dropped.publish_at is None and dropped.series_position is None


def test_an_item_is_listed_from_its_release_second_on_and_not_a_millisecond_before(member):
    series = SeriesFactory()
    item = ContentFactory(publish_at=None)
    series_queue_set(series=series, queue=[item], now=_utc("2026-12-07T09:00:00"))
    with time_machine.travel(_utc("2026-12-07T16:59:59.999"), tick=False):
        assert item.pk not in set(content_list(reader=member).values_list("pk", flat=True))
    with time_machine.travel(_utc("2026-12-07T17:00:00.000"), tick=False):
        assert item.pk in set(content_list(reader=member).values_list("pk", flat=True))
