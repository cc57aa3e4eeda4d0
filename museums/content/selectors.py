"""What content a reader may see, and the numbers around it.

One rule, used by pages, API and admin previews alike: an item is out when
`publish_at <= now < unpublish_at` (the request's own time: an item released at
18:00:00 is listed by a request at 18:00:00.000 and not by one at
17:59:59.999). A members-only item is read whole by members; visitors see its
teaser (title, summary, cover) and an invitation to join. A public item is read
whole by everyone.
"""

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from club.members.models import Member
from museums.content.models import Content, Follow, Progress, Reaction, Series
from rewards.ledger.models import LedgerEntry, Reason
from rewards.ledger.selectors import earning_rule_points


def content_out(*, now: datetime | None = None) -> QuerySet[Content]:
    """Items out at `now`."""
    now = now or timezone.now()
    return Content.objects.filter(publish_at__lte=now).filter(Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now))


def content_is_member(reader) -> bool:
    return bool(reader is not None and getattr(reader, "is_authenticated", False))


def content_list(
    *,
    reader,
    now: datetime | None = None,
    museum: int | None = None,
    kind: str = "",
    series: int | None = None,
    tag: str = "",
) -> QuerySet[Content]:
    """Items out for this reader, newest first, with the filters; members-only ones are listed as teasers too.

    Each row brings its museum and series, its likes and comments counted, and
    for a member whether they like it — one query whatever the page's size.
    """
    items = (
        content_out(now=now)
        .select_related("museum", "series")
        .annotate(
            like_count=Count("reactions", distinct=True),
            comment_count=Count("comments", filter=Q(comments__hidden_at__isnull=True), distinct=True),
        )
        .order_by("-publish_at", "-pk")
    )
    if content_is_member(reader):
        items = items.annotate(liked=Exists(Reaction.objects.filter(content=OuterRef("pk"), member=reader)))
    if museum:
        items = items.filter(museum_id=museum)
    if kind:
        items = items.filter(kind=kind)
    if series:
        items = items.filter(series_id=series)
    if tag:
        items = items.filter(tags__slug=tag)
    return items


def content_for(*, reader, slug: str | None = None, pk: int | None = None, now: datetime | None = None) -> Content:
    """One item out for this reader (any reader: members-only items come back as teasers); DoesNotExist else."""
    items = content_list(reader=reader, now=now)
    if slug is not None:
        return items.get(slug=slug)
    if pk is None:
        raise Content.DoesNotExist
    return items.get(pk=pk)


def content_readable(*, reader, content: Content) -> bool:
    """Whether the reader gets the whole item (not only its teaser)."""
    return content_is_member(reader) or not content.members_only


def content_points(*, content: Content) -> int:
    return content.points if content.points is not None else earning_rule_points(action=Reason.CONTENT_VIEWED)


def content_paid(*, member: Member, content: Content) -> bool:
    return LedgerEntry.objects.filter(
        member_id=member.pk, reason=Reason.CONTENT_VIEWED, reference=content.reference
    ).exists()


def content_progress(*, member: Member, content: Content) -> int:
    return Progress.objects.filter(member=member, content=content).values_list("furthest", flat=True).first() or 0


def series_list(*, reader, now: datetime | None = None) -> QuerySet[Series]:
    """Active series with their items out counted; for a member, whether they follow each."""
    now = now or timezone.now()
    out = Q(items__publish_at__lte=now) & (Q(items__unpublish_at__isnull=True) | Q(items__unpublish_at__gt=now))
    series = (
        Series.objects.filter(is_active=True)
        .select_related("museum")
        .annotate(items_out=Count("items", filter=out, distinct=True))
    )
    if content_is_member(reader):
        series = series.annotate(followed=Exists(Follow.objects.filter(series=OuterRef("pk"), member=reader)))
    return series


def series_next_release(*, series: Series, now: datetime | None = None) -> datetime | None:
    now = now or timezone.now()
    return (
        Content.objects.filter(series=series, publish_at__gt=now)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )


def next_release_after(*, now: datetime) -> datetime | None:
    """The next instant anything comes out or goes away: no cached list may outlive it."""
    upcoming = Content.objects.filter(publish_at__gt=now).order_by("publish_at").values_list("publish_at", flat=True)
    going = Content.objects.filter(unpublish_at__gt=now).order_by("unpublish_at").values_list("unpublish_at", flat=True)
    times = [t for t in (upcoming.first(), going.first()) if t is not None]
    return min(times) if times else None


def content_reference_names(pks: list[str]) -> dict[str, str]:
    """Reference resolver: `content.content:<pk>` → the item's title in the reader's language."""
    ids = [int(pk) for pk in pks if pk.isdigit()]
    return {str(pk): str(title) for pk, title in Content.objects.filter(pk__in=ids).values_list("pk", "title")}
