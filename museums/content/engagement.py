"""Engagement figures without a tracker: each item's day counted into `EngagementDay` by a periodic job.

`engagement_roll_up(days=2)` recounts the last `days` days (Europe/Paris) of
every item from the raw rows — views (one per member and day), likes and
visible comments written that day, uploaded-video starts and how far they went
— with one `GROUP BY` per table, and writes them with one upsert per day. A
rerun gives the same rows, so the job may run as often as wanted; the staff's
page reads the day rows, never millions of views.
"""

from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

# Fixed table and column names. Each day's counts come from the raw rows of that day; a day with no
# activity for an item keeps no row.
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
cells AS (
    SELECT content_id, day FROM views UNION SELECT content_id, day FROM likes
    UNION SELECT content_id, day FROM comments UNION SELECT content_id, day FROM progress
)
INSERT INTO content_engagementday (content_id, day, views, reactions, comments, starts, completion_total)
SELECT c.content_id, c.day, COALESCE(v.n, 0), COALESCE(l.n, 0), COALESCE(m.n, 0), COALESCE(p.n, 0),
       COALESCE(p.total, 0)
FROM cells c
LEFT JOIN views v ON v.content_id = c.content_id AND v.day = c.day
LEFT JOIN likes l ON l.content_id = c.content_id AND l.day = c.day
LEFT JOIN comments m ON m.content_id = c.content_id AND m.day = c.day
LEFT JOIN progress p ON p.content_id = c.content_id AND p.day = c.day
WHERE c.day BETWEEN %(first)s AND %(last)s
ON CONFLICT (content_id, day) DO UPDATE SET views = excluded.views, reactions = excluded.reactions,
    comments = excluded.comments, starts = excluded.starts, completion_total = excluded.completion_total
"""


def engagement_roll_up(*, days: int = 2, now: datetime | None = None) -> None:
    """Recount the last `days` days of every item into `EngagementDay` (idempotent)."""
    now = now or timezone.now()
    last = timezone.localdate(now)
    first = last - timedelta(days=days - 1)
    since = datetime.combine(first, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    params = {"first": first.isoformat(), "last": last.isoformat(), "since": since}
    sql = _ROLL_UP
    if connection.vendor == "sqlite":  # the quick start: dates are text, times UTC text, a like's day by today's offset
        sql = (
            sql.replace("%(first)s::date", "%(first)s").replace("%(last)s::date", "%(last)s")
            .replace("(created_at AT TIME ZONE 'Europe/Paris')::date", "date(created_at, %(offset)s)")
        )  # fmt: skip
        offset = now.astimezone(timezone.get_current_timezone()).utcoffset() or timedelta()
        params["offset"] = f"{int(offset.total_seconds() // 3600):+d} hours"
        params["since"] = since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
