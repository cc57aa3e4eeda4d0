"""Engagement figures against hand counts, the roll-up rerun safely, the staff pages and their query budgets."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from club.members.permissions import MUSEUM_TEAM, staff_permissions_sync_all
from club.members.tests.factories import MemberFactory, StaffFactory
from museums.content import services
from museums.content.engagement import engagement_roll_up
from museums.content.figures import (
    FiguresFilter,
    figures_by_day,
    figures_by_series,
    figures_top_items,
    figures_total,
    series_episodes,
)
from museums.content.models import EngagementDay, Reader, SeriesReader
from museums.content.tests.engagement_data import FRIDAY, PARIS, SATURDAY, history_build
from museums.content.tests.factories import ContentFactory, SeriesFactory

pytestmark = pytest.mark.django_db

TWO_DAYS = FiguresFilter(since=FRIDAY, until=SATURDAY)


@pytest.fixture
def history(clock):
    return history_build(clock)


@pytest.fixture
def team_client(client):
    staff_permissions_sync_all()
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    client.force_login(staff)
    return client


def _day_rows() -> list[tuple]:
    return sorted(
        EngagementDay.objects.values_list(
            "content__title", "day", "views", "readers", "series_readers", "reactions", "comments", "starts",
            "completion_total",
        )
    )  # fmt: skip


def test_the_day_rows_hold_the_hand_counts(history):
    assert _day_rows() == [
        ("L'atelier", FRIDAY, 1, 1, 0, 0, 0, 0, 0),
        ("L'atelier", SATURDAY, 0, 0, 0, 0, 1, 0, 0),  # the hidden comment is not counted
        ("Visite 1", FRIDAY, 2, 2, 2, 1, 0, 2, 175),  # Ana's start counted as far as she went since (75 %)
        ("Visite 1", SATURDAY, 2, 1, 1, 0, 1, 1, 25),
        ("Visite 2", SATURDAY, 2, 2, 0, 0, 0, 0, 0),  # Chloé came to the series through Visite 1 (lower id)
    ]


def test_an_items_figures_are_its_views_readers_interactions_rate_and_completion(history):
    figures = figures_total(filters=TWO_DAYS, content=history.visit1)
    assert (figures.views, figures.readers, figures.interactions) == (4, 3, 2)
    assert figures.rate == 50.0
    assert figures.completion == pytest.approx(200 / 3)
    assert figures.rate_text == "50,0\u202f%" and figures.completion_text == "67\u202f%"
    workshop = figures_total(filters=TWO_DAYS, content=history.workshop)
    assert (workshop.views, workshop.readers, workshop.interactions, workshop.rate) == (1, 1, 1, 100.0)
    assert workshop.completion is None and workshop.completion_text == "—"


def test_a_series_counts_each_member_once_whatever_the_episodes_they_read(history):
    figures = figures_total(filters=TWO_DAYS, series=history.series)
    assert (figures.views, figures.readers, figures.interactions) == (6, 3, 2)
    assert figures.rate == pytest.approx(100 * 2 / 6)
    [line] = figures_by_series(filters=TWO_DAYS)
    assert line.series == history.series and line.items == 2 and line.figures == figures


def test_every_items_figures_add_up_and_the_top_items_come_most_viewed_first(history):
    total = figures_total(filters=TWO_DAYS)
    assert (total.views, total.readers, total.interactions) == (7, 6, 3)
    assert total.rate == pytest.approx(300 / 7)
    top = figures_top_items(filters=TWO_DAYS)
    assert [(line.content.title, line.figures.views, line.figures.readers) for line in top] == [
        ("Visite 1", 4, 3), ("Visite 2", 2, 2), ("L'atelier", 1, 1),
    ]  # fmt: skip


def test_a_period_and_a_museum_narrow_the_figures(history):
    saturday = FiguresFilter(since=SATURDAY, until=SATURDAY)
    assert figures_total(filters=saturday, content=history.visit1).readers == 1  # only Chloé was new on Saturday
    assert figures_total(filters=saturday, series=history.series).readers == 1
    fine_arts = FiguresFilter(since=FRIDAY, until=SATURDAY, museum=history.fine_arts.pk)
    total = figures_total(filters=fine_arts)
    assert (total.views, total.interactions) == (1, 1)
    assert figures_by_series(filters=fine_arts) == []


def test_the_days_of_the_period_come_in_order_with_empty_days_at_zero(history):
    days = figures_by_day(filters=FiguresFilter(since=FRIDAY - timedelta(days=1), until=SATURDAY))
    assert [(line.day, line.figures.views, line.figures.readers, line.figures.interactions) for line in days] == [
        (FRIDAY - timedelta(days=1), 0, 0, 0), (FRIDAY, 3, 3, 1), (SATURDAY, 4, 3, 2),
    ]  # fmt: skip


def test_episodes_are_compared_by_day_since_their_release(history):
    comparison = series_episodes(series=history.series, days=3)
    assert [(e.content.title, e.released, e.by_day) for e in comparison.episodes] == [
        ("Visite 1", FRIDAY, [2, 2, None]),  # Sunday has not come yet
        ("Visite 2", SATURDAY, [2, None, None]),
    ]
    assert comparison.complete == [] and comparison.average is None


def test_the_last_three_episodes_average_is_read_from_complete_episodes(clock):
    clock.move_to(datetime(2026, 11, 2, 20, 0, tzinfo=PARIS))
    series = SeriesFactory()
    members = [MemberFactory() for _n in range(5)]
    episodes = [
        ContentFactory(series=series, series_position=n, publish_at=datetime(2026, 11, 2 + n, 18, 0, tzinfo=PARIS))
        for n in range(5)
    ]
    for age in range(8):
        clock.move_to(datetime(2026, 11, 2 + age, 20, 0, tzinfo=PARIS))
        for n, episode in enumerate(episodes[: age + 1]):
            for member in members[: 5 - n if age == n else 1]:  # release day: 5, 4, 3, 2, 1 members; then 1 a day
                services.content_view(member=member, content=episode)
        engagement_roll_up(days=1)
    comparison = series_episodes(series=series, days=2, today=date(2026, 11, 9))
    assert [episode.by_day for episode in comparison.episodes] == [[5, 1], [4, 1], [3, 1], [2, 1], [1, 1]]
    assert comparison.average == 4.0 and comparison.last_average == 3.0


def test_the_roll_up_gives_the_same_rows_when_run_again(history, clock):
    before = _day_rows()
    readers = sorted(Reader.objects.values_list("content_id", "member_id", "first_day"))
    engagement_roll_up(days=2)
    engagement_roll_up(days=7)
    assert _day_rows() == before
    assert sorted(Reader.objects.values_list("content_id", "member_id", "first_day")) == readers
    assert SeriesReader.objects.count() == 3


def test_a_video_finished_after_its_start_day_left_the_window_still_counts(history, clock):
    clock.move_to(datetime(2026, 11, 16, 9, 0, tzinfo=PARIS))  # Monday: Friday is out of a two-day window
    services.progress_record(member=history.ana, content=history.visit1, milestone=100)
    engagement_roll_up(days=2)
    friday = EngagementDay.objects.get(content=history.visit1, day=FRIDAY)
    assert (friday.views, friday.starts, friday.completion_total) == (2, 2, 200)  # the views kept as they were


def test_a_reader_coming_back_another_day_is_not_a_new_reader(history, clock):
    clock.move_to(datetime(2026, 11, 15, 11, 0, tzinfo=PARIS))
    services.content_view(member=history.bruno, content=history.visit1)
    services.content_view(member=history.bruno, content=history.visit2)
    engagement_roll_up(days=2)
    sunday = {row.content_id: row for row in EngagementDay.objects.filter(day=date(2026, 11, 15))}
    assert (sunday[history.visit1.pk].views, sunday[history.visit1.pk].readers) == (1, 0)
    assert (sunday[history.visit2.pk].readers, sunday[history.visit2.pk].series_readers) == (1, 0)
    whole = FiguresFilter(since=FRIDAY, until=date(2026, 11, 15))
    assert figures_total(filters=whole, content=history.visit2).readers == 3
    assert figures_total(filters=whole, series=history.series).readers == 3


# Pages


def test_visitors_log_in_and_members_or_staff_without_the_permission_are_refused(client, history):
    url = reverse("content_staff:engagement")
    assert client.get(url).status_code == 302
    client.force_login(MemberFactory())
    assert client.get(url).status_code == 403
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 403
    assert client.get(reverse("content_staff:csv")).status_code == 403


def test_the_overview_shows_the_figures_chart_top_items_and_series(team_client, history):
    response = team_client.get(reverse("content_staff:engagement"), {"period": "7"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="img"' in page and "Vues par jour, du 8 novembre 2026 au 14 novembre 2026 : 7 au total" in page
    assert "42,9\u202f%" in page  # the engagement rate
    top = response.context["top"]
    assert [line.content.title for line in top] == ["Visite 1", "Visite 2", "L'atelier"]
    assert reverse("content_staff:series", args=[history.series.pk]) in page


def test_the_museum_filter_and_dates_are_checked(team_client, history):
    response = team_client.get(
        reverse("content_staff:engagement"), {"period": "dates", "since": "2026-11-14", "until": "2026-11-13"}
    )
    assert response.context["form"].errors["until"] == ["Ce jour précède le premier jour choisi."]
    assert response.context["total"].views == 0 or response.context["filters"].since < response.context["filters"].until
    response = team_client.get(
        reverse("content_staff:engagement"),
        {"period": "dates", "since": "2026-11-14", "until": "2026-11-14", "museum": history.fine_arts.pk},
    )
    assert response.context["total"].interactions == 1 and response.context["total"].views == 0


def test_the_item_and_series_pages_show_their_own_figures(team_client, history):
    response = team_client.get(reverse("content_staff:item", args=[history.visit1.pk]))
    total = response.context["total"]
    assert (total.views, total.readers, total.interactions) == (4, 3, 2)
    assert "67\u202f%" in response.content.decode()
    response = team_client.get(reverse("content_staff:series", args=[history.series.pk]))
    assert response.context["total"].readers == 3
    page = response.content.decode()
    assert "Vues de chaque épisode pendant ses 7 premiers jours" in page and "Jour 7" in page


def test_the_csv_export_streams_one_line_per_item_and_day(team_client, history):
    response = team_client.get(reverse("content_staff:csv"), {"period": "7"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:4] == ["Jour", "Contenu (n°)", "Adresse", "Titre"]
    visit1_friday = next(line for line in lines if line[3] == "Visite 1" and line[0] == "2026-11-13")
    assert visit1_friday[7:] == ["2", "2", "1", "0", "1", "50.0", "2", "87.5"]
    assert len(lines) == 6


def _queries(client, url: str) -> int:
    client.get(url)  # caches and session warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _views_for(items, members) -> None:
    for item in items:
        for member in members:
            services.content_view(member=member, content=item)


@pytest.mark.parametrize("page", ["overview", "series"])
def test_the_pages_cost_the_same_queries_for_1_and_30_items(team_client, clock, page):
    series = SeriesFactory()
    members = [MemberFactory() for _n in range(2)]
    first = ContentFactory(series=series, series_position=0)
    _views_for([first], members)
    engagement_roll_up(days=2)
    url = reverse("content_staff:series", args=[series.pk]) if page == "series" else reverse("content_staff:engagement")
    one = _queries(team_client, url)
    more = [ContentFactory(series=series if n % 2 else None, series_position=n + 1) for n in range(29)]
    _views_for(more, members)
    engagement_roll_up(days=2)
    assert len(team_client.get(url).context["top"] if page == "overview" else more) >= 10
    assert _queries(team_client, url) == one
    assert one == {"overview": 13, "series": 10}[page]  # the overview also reads the staff member's museums


def test_the_item_page_costs_a_constant_number_of_queries(team_client, history):
    assert _queries(team_client, reverse("content_staff:item", args=[history.visit1.pk])) == 8


def test_staff_attached_to_museums_first_see_their_first_museum(client):
    from django.contrib.auth.models import Permission

    from club.members.tests.factories import MuseumFactory

    museum = MuseumFactory()
    staff = StaffFactory()
    staff.museums.add(museum)
    staff.user_permissions.add(Permission.objects.get(codename="view_engagementday"))
    client.force_login(staff)
    form = client.get(reverse("content_staff:engagement")).context["form"]
    assert form.filters().museum == museum.pk
    every = client.get(reverse("content_staff:engagement") + "?period=30&museum=")
    assert every.context["form"].filters().museum is None
