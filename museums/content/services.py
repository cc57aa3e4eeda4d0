"""The one write path of content: what staff save, and what members do with it.

Staff: `content_save` renders and sanitises the text in every language, checks
the embed and makes the thumbnails. Members: `content_view` (one view per
member, item and day; the viewing points once per item), `progress_record`
(an uploaded video's milestones; the points once it is complete),
`reaction_set`, `follow_set`, `comment_create`. Every member write checks that
the member may see the item (`museums.content.selectors.content_for`), so an
event for an item out of reach changes nothing.

Each member write is one small statement that the database makes idempotent:
`INSERT … ON CONFLICT DO NOTHING` for a view, a like or a follow, an `UPDATE`
that only ever raises the furthest milestone. A flood of the same event
writes nothing more and never inflates the figures.
"""

from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from club.core.errors import DomainError
from club.core.images import thumbnail_from
from club.members.models import Member
from museums.content.embeds import embed_parse
from museums.content.models import Comment, Content, Follow, Progress, Reaction, Series
from museums.content.text import markdown_render
from rewards.ledger.models import LedgerEntry, Reason
from rewards.ledger.services import points_award

MILESTONES = (0, 25, 50, 75, 100)
COMMENT_LIMIT = 2000


class ContentNotFound(DomainError):
    code = "content_not_found"
    message = _("Ce contenu n'existe pas ou n'est pas visible.")
    status = 404


class MilestoneInvalid(DomainError):
    code = "milestone_invalid"
    message = _("La progression doit valoir 0, 25, 50, 75 ou 100 %.")


class NoVideoToWatch(DomainError):
    code = "no_video"
    message = _("Ce contenu n'a pas de vidéo du site dont suivre la progression.")


class CommentInvalid(DomainError):
    code = "comment_invalid"
    message = _("Écrivez un commentaire de 1 à 2 000 caractères.")


class CommentsClosed(DomainError):
    code = "comments_closed"
    message = _("On ne peut pas répondre à un commentaire masqué ou d'un autre contenu.")


def _body_render(content: Content) -> None:
    for language, _name in settings.LANGUAGES:
        source = getattr(content, f"body_{language}", "") or ""
        setattr(content, f"body_html_{language}", markdown_render(source) if source else "")


def content_save(*, content: Content) -> Content:
    """Save what staff wrote: the text rendered and sanitised, the embed checked, thumbnails made."""
    if content.embed_provider:
        content.embed_id = embed_parse(content.embed_provider, content.embed_id)
    else:
        content.embed_id = ""
    _body_render(content)
    if content.cover and not getattr(content.cover, "_committed", True):
        content.cover_thumbnail.save("thumbnail.jpg", thumbnail_from(content.cover), save=False)
    elif not content.cover:
        content.cover_thumbnail = ""
    content.save()
    return content


def content_image_save(*, image) -> None:
    if image.picture and not getattr(image.picture, "_committed", True):
        image.thumbnail.save("thumbnail.jpg", thumbnail_from(image.picture), save=False)
    image.save()


# Fixed table and column names: one statement each, the database keeps them once.
_VIEW_INSERT = (
    "INSERT INTO content_view (member_id, content_id, day) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING RETURNING id"
)
_PROGRESS_UPSERT = (
    "INSERT INTO content_progress (member_id, content_id, furthest, day, updated_at) VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (content_id, member_id) DO UPDATE SET furthest = excluded.furthest, updated_at = excluded.updated_at "
    "WHERE content_progress.furthest < excluded.furthest RETURNING furthest"
)


def _award(*, member: Member, content: Content, now: datetime) -> LedgerEntry | None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(content.title)
    return points_award(
        member=member, action=Reason.CONTENT_VIEWED, reference=content.reference, amount=content.points,
        subject=subject, now=now,
    )  # fmt: skip


def pays_on_view(content: Content) -> bool:
    """An uploaded video pays once watched to the end; anything else once opened."""
    return not content.video


def content_view(*, member: Member, content: Content, now: datetime | None = None) -> LedgerEntry | None:
    """Record that `member` opened `content` today; pay the viewing points once per item.

    The caller has checked that the member may see it. Returns the ledger
    entry of the points paid now; None when nothing is (not on view, paid
    already, or today's cap for content reached).
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_VIEW_INSERT, [member.pk, content.pk, connection.ops.adapt_datefield_value(day)])
        first_today = cursor.fetchone() is not None
        if first_today and pays_on_view(content):
            entry = _award(member=member, content=content, now=now)
            return entry if entry is not None and entry.paid_now else None
    return None


def progress_record(
    *, member: Member, content: Content, milestone: int, now: datetime | None = None
) -> tuple[int, LedgerEntry | None]:
    """Keep the furthest milestone of `member` on `content`'s uploaded video; pay the points when complete.

    Out-of-order events (50 after 75) change nothing; a milestone that is not
    0, 25, 50, 75 or 100 is refused. Returns the furthest milestone and the
    points' entry when this event completed the video.
    """
    if isinstance(milestone, bool) or milestone not in MILESTONES:
        raise MilestoneInvalid()
    if not content.video:
        raise NoVideoToWatch()
    now = now or timezone.now()
    day = connection.ops.adapt_datefield_value(timezone.localdate(now))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_PROGRESS_UPSERT, [member.pk, content.pk, milestone, day, now])
        raised = cursor.fetchone()
        entry = None
        if raised is not None and raised[0] == 100:
            entry = _award(member=member, content=content, now=now)
            entry = entry if entry is not None and entry.paid_now else None
    furthest = (
        raised[0]
        if raised
        else Progress.objects.filter(member=member, content=content).values_list("furthest", flat=True).first() or 0
    )
    return furthest, entry


def reaction_set(*, member: Member, content: Content, liked: bool) -> bool:
    """Like or unlike (one like per member and item); returns whether the member likes it now."""
    if liked:
        Reaction.objects.bulk_create([Reaction(member=member, content=content)], ignore_conflicts=True)
    else:
        Reaction.objects.filter(member=member, content=content).delete()
    return liked


def follow_set(*, member: Member, series: Series, following: bool) -> bool:
    """Follow a series (its releases come to the inbox) or stop; returns whether the member follows it now."""
    if following:
        Follow.objects.bulk_create([Follow(member=member, series=series)], ignore_conflicts=True)
    else:
        Follow.objects.filter(member=member, series=series).delete()
    return following


def _clean_comment(body) -> str:
    text = body.strip() if isinstance(body, str) else ""
    if not text or len(text) > COMMENT_LIMIT or "\x00" in text:
        raise CommentInvalid()
    return text


def comment_create(
    *, member: Member, content: Content, body, reply_to: Comment | None = None, as_staff: bool = False
) -> Comment:
    """Publish a comment at once (moderated afterwards). Staff may answer as "Équipe du musée".

    The text is kept as typed and always shown escaped.
    """
    text = _clean_comment(body)
    if reply_to is not None and (reply_to.content_id != content.pk or reply_to.is_hidden):
        raise CommentsClosed()
    return Comment.objects.create(
        content=content, member=member, body=text, reply_to=reply_to, staff_reply=as_staff and member.is_staff
    )
