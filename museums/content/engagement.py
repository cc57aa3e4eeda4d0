"""Engagement figures without a tracker: each item's day counted into `EngagementDay` by a periodic job.

`engagement_roll_up(days=2)` recounts the last `days` days (Europe/Paris) of
every item from the raw rows — views (one per member and day), likes and
visible comments written that day, uploaded-video starts and how far they went
— with one `GROUP BY` per table, and writes them with one upsert per day. A
rerun gives the same rows, so the job may run as often as wanted; the staff's
page reads the day rows, never millions of views (`museums.content.figures`).

Unique members. Members who viewed an item on several days are one member,
and a distinct count over an arbitrary period would have to read the views
themselves: the live aggregate that does not scale. So the roll-up first keeps,
from the window's views, each member's first day with each item (`Reader`, one
row per member and item, however often they come back) and with each series
(`SeriesReader`, with the item they came through); each day row then counts its
new readers (`readers`) and the new readers its series gained through it
(`series_readers`). New readers add up across days and items: over a period
their sum is the members who opened the item (or the series) for the first
time in that period, and over an item's whole life exactly its unique members.
The small tables grow with members × items, not with views, and are written by
the job only: recording a view stays one `INSERT … ON CONFLICT DO NOTHING`.

Video completion is counted on the day a member started the video. A member
may finish it days later, after that day has left the window: the roll-up also
recounts the start days of the videos watched further since the window began
(`Progress.updated_at`, indexed), so an average completion never stays low.
"""

from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

# Fixed table and column names throughout. A member's first day with each item seen in the window's views.
_READERS = """
INSERT INTO content_reader (content_id, member_id, first_day)
SELECT content_id, member_id, MIN(day) FROM content_view
WHERE day BETWEEN %(first)s::date AND %(last)s::date GROUP BY content_id, member_id
ON CONFLICT (content_id, member_id) DO UPDATE SET first_day = excluded.first_day
WHERE content_reader.first_day > excluded.first_day
"""

# A member's first day with each series, and the item (the lowest id among that day's) they came through.
_SERIES_READERS = """
WITH firsts AS (
    SELECT c.series_id, v.member_id, MIN(v.day) AS day FROM content_view v JOIN content_content c ON c.id = v.content_id
    WHERE c.series_id IS NOT NULL AND v.day BETWEEN %(first)s::date AND %(last)s::date
    GROUP BY c.series_id, v.member_id
)
INSERT INTO content_seriesreader (series_id, member_id, first_day, content_id)
SELECT f.series_id, f.member_id, f.day, MIN(v.content_id) FROM firsts f
JOIN content_view v ON v.member_id = f.member_id AND v.day = f.day
JOIN content_content c ON c.id = v.content_id AND c.series_id = f.series_id
WHERE f.day IS NOT NULL GROUP BY f.series_id, f.member_id, f.day
ON CONFLICT (series_id, member_id) DO UPDATE SET first_day = excluded.first_day, content_id = excluded.content_id
WHERE content_seriesreader.first_day > excluded.first_day
   OR (content_seriesreader.first_day = excluded.first_day AND content_seriesreader.content_id > excluded.content_id)
"""

# Each day's counts come from the raw rows of that day; a day with no activity for an item keeps no row.
_ROLL_UP = """
WITH days AS (SELECT %(first)s::date AS first_day, %(last)s::date AS last_day),
views AS (
    SELECT content_id, day, COUNT(*) AS n FROM content_view, days
    WHERE day BETWEEN first_day AND last_day GROUP BY content_id, day
),
likes AS (
    SELECT content_id, (created_at AT TIME ZONE 'Europe/Paris')::date AS day, COUNT(*) AS n FROM content_reaction, days
    WHERE created_at >= %(since)s GROUP BY 1, 2
),
comments AS (
    SELECT content_id, (created_at AT TIME ZONE 'Europe/Paris')::date AS day, COUNT(*) AS n FROM content_comment, days
    WHERE created_at >= %(since)s AND hidden_at IS NULL GROUP BY 1, 2
),
progress AS (
    SELECT content_id, day, COUNT(*) AS n, SUM(furthest) AS total FROM content_progress, days
    WHERE day BETWEEN first_day AND last_day GROUP BY content_id, day
),
readers AS (
    SELECT content_id, first_day AS day, COUNT(*) AS n FROM content_reader
    WHERE first_day BETWEEN %(first)s::date AND %(last)s::date GROUP BY content_id, first_day
),
series_readers AS (
    SELECT content_id, first_day AS day, COUNT(*) AS n FROM content_seriesreader
    WHERE first_day BETWEEN %(first)s::date AND %(last)s::date GROUP BY content_id, first_day
),
cells AS (
    SELECT content_id, day FROM views UNION SELECT content_id, day FROM likes
    UNION SELECT content_id, day FROM comments UNION SELECT content_id, day FROM progress
)
INSERT INTO content_engagementday (content_id, day, views, reactions, comments, starts, completion_total, readers,
    series_readers)
SELECT c.content_id, c.day, COALESCE(v.n, 0), COALESCE(l.n, 0), COALESCE(m.n, 0), COALESCE(p.n, 0),
       COALESCE(p.total, 0), COALESCE(r.n, 0), COALESCE(s.n, 0)
FROM cells c
LEFT JOIN views v ON v.content_id = c.content_id AND v.day = c.day
LEFT JOIN likes l ON l.content_id = c.content_id AND l.day = c.day
LEFT JOIN comments m ON m.content_id = c.content_id AND m.day = c.day
LEFT JOIN progress p ON p.content_id = c.content_id AND p.day = c.day
LEFT JOIN readers r ON r.content_id = c.content_id AND r.day = c.day
LEFT JOIN series_readers s ON s.content_id = c.content_id AND s.day = c.day
WHERE c.day BETWEEN %(first)s::date AND %(last)s::date
ON CONFLICT (content_id, day) DO UPDATE SET views = excluded.views, reactions = excluded.reactions,
    comments = excluded.comments, starts = excluded.starts, completion_total = excluded.completion_total,
    readers = excluded.readers, series_readers = excluded.series_readers
"""

# Videos started before the window and watched further since it began: their start days recounted.
_EARLIER_STARTS = """
INSERT INTO content_engagementday (content_id, day, views, reactions, comments, starts, completion_total, readers,
    series_readers)
SELECT content_id, day, 0, 0, 0, COUNT(*), SUM(furthest), 0, 0 FROM content_progress
WHERE day < %(first)s::date
  AND (content_id, day) IN (SELECT content_id, day FROM content_progress WHERE updated_at >= %(since)s)
GROUP BY content_id, day
ON CONFLICT (content_id, day) DO UPDATE SET starts = excluded.starts, completion_total = excluded.completion_total
"""


def _for_sqlite(sql: str) -> str:
    """The quick start: dates are text, times UTC text, a like's day by today's offset."""
    return (
        sql.replace("%(first)s::date", "%(first)s").replace("%(last)s::date", "%(last)s")
        .replace("(created_at AT TIME ZONE 'Europe/Paris')::date", "date(created_at, %(offset)s)")
    )  # fmt: skip


def engagement_roll_up(*, days: int = 2, now: datetime | None = None) -> None:
    """Recount the last `days` days of every item into `EngagementDay`, with its new readers (idempotent)."""
    now = now or timezone.now()
    last = timezone.localdate(now)
    first = last - timedelta(days=days - 1)
    since = datetime.combine(first, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    params: dict[str, str | datetime] = {"first": first.isoformat(), "last": last.isoformat(), "since": since}
    statements = [_READERS, _SERIES_READERS, _ROLL_UP, _EARLIER_STARTS]
    if connection.vendor == "sqlite":
        statements = [_for_sqlite(sql) for sql in statements]
        offset = now.astimezone(timezone.get_current_timezone()).utcoffset() or timedelta()
        params["offset"] = f"{int(offset.total_seconds() // 3600):+d} hours"
        params["since"] = since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
