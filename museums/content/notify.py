"""What content tells members through the notification service: a release.

When an item comes out (its `publish_at` has passed), the periodic job
`content.releases_announce` (every minute) tells, once whatever reruns happen
(`notification_broadcast` with the key `content.content:<pk>:release`, which
the database keeps unique), the members who follow its series and those who
accept new-content news (the club's "news and new content" consent) — so it is
in their inbox within a minute of the release, and emails follow at the
fan-out's pace. Only items out within the last day are announced: content
published long ago (or seeded) never floods the inbox.

The audience `content.release` is registered with the notifications; its
chunks rebuild it from the item's id.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from club.members.models import Member
from club.notifications.audiences import audience_register
from club.notifications.models import NotificationKind
from club.notifications.services import notification_broadcast
from museums.content.models import Content, Follow
from museums.content.selectors import content_points

AUDIENCE_RELEASE = "content.release"
ANNOUNCE_WITHIN = timedelta(days=1)


def release_members(params: dict) -> QuerySet[Member]:
    """Verified members who follow the item's series or accept new-content news (none when the item is gone)."""
    content = Content.objects.filter(pk=int(params.get("content") or 0)).first()
    if content is None:
        return Member.objects.none()
    follows = (
        Q(Exists(Follow.objects.filter(series_id=content.series_id, member=OuterRef("pk"))))
        if content.series_id
        else Q(pk__in=[])
    )
    return Member.objects.filter(is_active=True, email_verified_at__isnull=False).filter(Q(consent_news=True) | follows)


def content_audiences_register() -> None:
    """Called once from the app's `ready()`."""
    audience_register(
        AUDIENCE_RELEASE,
        release_members,
        kind=NotificationKind.CONTENT,
        label=_("les membres qui suivent la série ou acceptent les nouvelles des contenus"),
    )


def release_texts(*, content: Content) -> tuple[dict[str, str], dict[str, str]]:
    points = content_points(content=content)
    titles, bodies = {}, {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            params = {"title": str(content.title), "points": points}
            if content.series is not None:
                params["series"] = str(content.series.title)
                titles[code] = gettext("Nouvel épisode de « %(series)s » : %(title)s") % params
            else:
                titles[code] = gettext("Nouveau contenu : %(title)s") % params
            bodies[code] = str(content.summary)
    return titles, bodies


def releases_announce(*, now: datetime | None = None) -> int:
    """Announce every item out within the last day and not told yet; returns how many were announced now."""
    now = now or timezone.now()
    due = (
        Content.objects.filter(publish_at__lte=now, publish_at__gt=now - ANNOUNCE_WITHIN, announced_at__isnull=True)
        .filter(Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now))
        .select_related("series")
    )
    told = 0
    for content in due:
        titles, bodies = release_texts(content=content)
        sent = notification_broadcast(
            title=titles, body=bodies, url=content.get_absolute_url(),
            audience=AUDIENCE_RELEASE, audience_params={"content": content.pk},
            key=f"{content.reference}:release", now=now,
        )  # fmt: skip
        Content.objects.filter(pk=content.pk, announced_at__isnull=True).update(announced_at=now)
        told += sent is not None
    return told
