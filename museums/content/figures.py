"""What the staff read about engagement: sums of the day rows, in a constant number of queries.

Every figure here adds up `EngagementDay` rows (one per item and day, kept by
the roll-up job, `museums.content.engagement`) with one `SUM … GROUP BY`: the
rows read depend on items × days, never on the number of views, so the page
costs the same at 500,000 views as at 5 million. The raw views, likes and
progress rows are never read here.

The figures, for a period (Europe/Paris days, both ends included) and
optionally a museum:
- views: member-days (a member who opens an item on three days is three views;
  reloads the same day are one);
- readers ("unique members"): members who opened the item for the first time
  in the period; over an item's whole life, exactly its unique members. A
  series counts its own first readers (a member reading five episodes is one
  reader of the series). Over all items, the sum of the items' first readers;
- interactions: likes plus visible comments written in the period;
- engagement rate: interactions / views;
- average completion: how far, on average, the members who started an
  uploaded video in the period watched it (0–100 %); embedded videos count
  views only (their provider's script is never loaded);
- the episodes of a series side by side, by day since each one's release (day
  1 is its release day): whether the last episodes still draw as many views as
  the first at the same age is what "no fatigue" means.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from club.core.charts import percent_text
from museums.content.models import Content, EngagementDay, Series

TOP_ITEMS = 10
EPISODE_DAYS = 7  # the days since release compared between episodes
LAST_EPISODES = 3


@dataclass(frozen=True)
class FiguresFilter:
    """The days from `since` to `until` (included) and, optionally, one museum's items."""

    since: date
    until: date
    museum: int | None = None

    @classmethod
    def last_days(cls, days: int, museum: int | None = None, today: date | None = None) -> FiguresFilter:
        today = today or timezone.localdate()
        return cls(since=today - timedelta(days=days - 1), until=today, museum=museum)

    @property
    def days(self) -> list[date]:
        return [self.since + timedelta(days=n) for n in range((self.until - self.since).days + 1)]

    def condition(self) -> Q:
        condition = Q(day__gte=self.since, day__lte=self.until)
        if self.museum is not None:
            condition &= Q(content__museum_id=self.museum)
        return condition


@dataclass(frozen=True)
class Figures:
    """Sums over some day rows, and what follows from them."""

    views: int = 0
    readers: int = 0
    reactions: int = 0
    comments: int = 0
    starts: int = 0
    completion_total: int = 0

    @property
    def interactions(self) -> int:
        return self.reactions + self.comments

    @property
    def rate(self) -> float | None:
        """Interactions per view, in percent (None without a view)."""
        return 100 * self.interactions / self.views if self.views else None

    @property
    def completion(self) -> float | None:
        """The average furthest point of the videos started, in percent (None when none was started)."""
        return self.completion_total / self.starts if self.starts else None

    @property
    def rate_text(self) -> str:
        return percent_text(self.rate) if self.rate is not None else "—"

    @property
    def completion_text(self) -> str:
        return percent_text(self.completion, 0) if self.completion is not None else "—"


@dataclass(frozen=True)
class DayFigures:
    day: date
    figures: Figures


@dataclass(frozen=True)
class ItemFigures:
    content: Content
    figures: Figures


@dataclass(frozen=True)
class SeriesFigures:
    series: Series
    items: int  # items with a day row in the period
    figures: Figures


@dataclass(frozen=True)
class Episode:
    content: Content
    released: date
    by_day: list[int | None]  # views on day 1, 2, … since release (None: that day has not come yet)

    @property
    def total(self) -> int:
        return sum(views or 0 for views in self.by_day)

    @property
    def complete(self) -> bool:
        return all(views is not None for views in self.by_day)


@dataclass(frozen=True)
class EpisodeComparison:
    days: int
    episodes: list[Episode] = field(default_factory=list)

    def _average(self, episodes: list[Episode]) -> float | None:
        return sum(episode.total for episode in episodes) / len(episodes) if episodes else None

    @property
    def complete(self) -> list[Episode]:
        """Episodes whose first `days` days are all past: the ones compared fairly."""
        return [episode for episode in self.episodes if episode.complete]

    @property
    def average(self) -> float | None:
        """Views in their first `days` days, on average over the complete episodes."""
        return self._average(self.complete)

    @property
    def last_average(self) -> float | None:
        """The same over the last three complete episodes (against `average`: fatigue or not)."""
        return self._average(self.complete[-LAST_EPISODES:])


def _sums(readers: str = "readers") -> dict:
    """The sums of a group of day rows; `readers` names the column of the readers counted."""
    return {
        "views_sum": Coalesce(Sum("views"), 0),
        "readers_sum": Coalesce(Sum(readers), 0),
        "reactions_sum": Coalesce(Sum("reactions"), 0),
        "comments_sum": Coalesce(Sum("comments"), 0),
        "starts_sum": Coalesce(Sum("starts"), 0),
        "completion_sum": Coalesce(Sum("completion_total"), 0),
    }


def _figures(row: dict | None) -> Figures:
    if not row:
        return Figures()
    return Figures(
        views=row["views_sum"], readers=row["readers_sum"], reactions=row["reactions_sum"],
        comments=row["comments_sum"], starts=row["starts_sum"], completion_total=row["completion_sum"],
    )  # fmt: skip


def _rows(filters: FiguresFilter, content: Content | None = None, series: Series | None = None) -> QuerySet:
    rows = EngagementDay.objects.filter(filters.condition())
    if content is not None:
        rows = rows.filter(content=content)
    if series is not None:
        rows = rows.filter(content__series=series)
    return rows


def figures_total(*, filters: FiguresFilter, content: Content | None = None, series: Series | None = None) -> Figures:
    """Every item's figures added up (or one item's, or one series' with its own readers): one query."""
    readers = "series_readers" if series is not None else "readers"
    return _figures(_rows(filters, content, series).aggregate(**_sums(readers)))


def figures_by_day(
    *, filters: FiguresFilter, content: Content | None = None, series: Series | None = None
) -> list[DayFigures]:
    """The figures of each day of the period, days without a row at zero: one query."""
    readers = "series_readers" if series is not None else "readers"
    rows = _rows(filters, content, series).values("day").annotate(**_sums(readers)).order_by("day")
    found = {row["day"]: _figures(row) for row in rows}
    return [DayFigures(day, found.get(day, Figures())) for day in filters.days]


def figures_top_items(*, filters: FiguresFilter, limit: int = TOP_ITEMS) -> list[ItemFigures]:
    """The most viewed items of the period with their figures, most viewed first: two queries."""
    rows = list(
        _rows(filters).values("content").annotate(**_sums()).order_by("-views_sum", "-readers_sum", "content")[:limit]
    )
    contents = Content.objects.select_related("series", "museum").in_bulk([row["content"] for row in rows])
    return [ItemFigures(contents[row["content"]], _figures(row)) for row in rows if row["content"] in contents]


def figures_by_series(*, filters: FiguresFilter) -> list[SeriesFigures]:
    """Each series with items viewed in the period, with its own readers, most viewed first: two queries."""
    rows = list(
        _rows(filters)
        .filter(content__series__isnull=False)
        .values("content__series")
        .annotate(**_sums("series_readers"), items=Count("content", distinct=True))
        .order_by("-views_sum", "content__series")
    )
    found = Series.objects.in_bulk([row["content__series"] for row in rows])
    return [
        SeriesFigures(found[row["content__series"]], row["items"], _figures(row))
        for row in rows
        if row["content__series"] in found
    ]


def series_episodes(*, series: Series, days: int = EPISODE_DAYS, today: date | None = None) -> EpisodeComparison:
    """The series' released items in their order, with their views on each of their first `days` days.

    Two queries: the items, then their day rows within each one's own first
    days (a condition per item, so the rows read are items × `days` at most).
    """
    today = today or timezone.localdate()
    now = timezone.now()
    items = list(
        Content.objects.filter(series=series, publish_at__lte=now).order_by("publish_at", "series_position", "pk")
    )
    released = {item.pk: timezone.localdate(item.publish_at) for item in items}
    condition = Q(pk__in=[])
    for pk, day in released.items():
        condition |= Q(content_id=pk, day__gte=day, day__lt=day + timedelta(days=days))
    views = {
        (row["content_id"], row["day"]): row["views"]
        for row in EngagementDay.objects.filter(condition).values("content_id", "day", "views")
    } if items else {}  # fmt: skip
    episodes = []
    for item in items:
        first = released[item.pk]
        by_day = [
            None if first + timedelta(days=age) > today else views.get((item.pk, first + timedelta(days=age)), 0)
            for age in range(days)
        ]
        episodes.append(Episode(item, first, by_day))
    return EpisodeComparison(days=days, episodes=episodes)


def figures_rows(*, filters: FiguresFilter) -> Iterator[tuple]:
    """One row per item and day of the period (the CSV export), read in batches."""
    return (
        _rows(filters)
        .order_by("day", "content_id")
        .values_list(
            "day",
            "content_id",
            "content__slug",
            "content__title",
            "content__kind",
            "content__series__title",
            "content__museum__name",
            "views",
            "readers",
            "reactions",
            "comments",
            "starts",
            "completion_total",
        )  # fmt: skip
        .iterator(chunk_size=2000)
    )
