"""Releases told once, within a minute, to the series' followers and the members who accept content news."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from club.members.tests.factories import MemberFactory
from club.notifications.models import Notification
from museums.content import jobs
from museums.content.models import Content, Follow
from museums.content.schedule import series_queue_set
from museums.content.tests.factories import ContentFactory, SeriesFactory

pytestmark = pytest.mark.django_db


def _run(capture) -> int:
    with capture(execute=True):
        return jobs.releases_announce_task()


def test_a_release_reaches_followers_and_news_readers_within_a_minute_once(django_capture_on_commit_callbacks):
    series = SeriesFactory(title_fr="Visites en vidéo")
    episode = ContentFactory(publish_at=None, title_fr="Les réserves")
    series_queue_set(series=series, queue=[episode], now=datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    follower = MemberFactory(consent_news=False)
    Follow.objects.create(member=follower, series=series)
    reader = MemberFactory(consent_news=True)
    MemberFactory(consent_news=False)  # neither: nothing
    MemberFactory(consent_news=True, verified=False)  # an address nobody confirmed: nothing
    with time_machine.travel(datetime(2026, 12, 7, 16, 59, 59, 999000, tzinfo=UTC), tick=False):
        assert _run(django_capture_on_commit_callbacks) == 0  # not out yet
    with time_machine.travel(datetime(2026, 12, 7, 17, 0, 30, tzinfo=UTC), tick=False):  # the run of that minute
        assert _run(django_capture_on_commit_callbacks) == 1
        assert _run(django_capture_on_commit_callbacks) == 0
    told = Notification.objects.filter(announcement__key=f"{episode.reference}:release")
    assert sorted(told.values_list("member_id", flat=True)) == sorted([follower.pk, reader.pk])
    assert told.first().title == "Nouvel épisode de « Visites en vidéo » : Les réserves"
    assert Content.objects.get(pk=episode.pk).announced_at is not None


def test_items_out_long_ago_are_never_announced(django_capture_on_commit_callbacks):
    ContentFactory(publish_at=datetime.now(UTC) - timedelta(days=3))
    MemberFactory(consent_news=True)
    assert _run(django_capture_on_commit_callbacks) == 0
    assert not Notification.objects.exists()
