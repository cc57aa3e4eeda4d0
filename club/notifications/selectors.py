"""Shared reads of notifications: the inbox, the unread count, email choices, announcement figures."""

from datetime import datetime

from django.db.models import Count, QuerySet
from django.http import HttpRequest

from club.core.sql import Scalars, scalars_read
from club.members.models import CONSENT_FIELDS, Member
from club.notifications.audiences import audience_members
from club.notifications.models import (
    EMAIL_BY_DEFAULT,
    KIND_CONSENT,
    Announcement,
    Notification,
    NotificationKind,
    NotificationPreference,
)


def inbox_of(*, member: Member) -> QuerySet[Notification]:
    return Notification.objects.filter(member=member).select_related("announcement").order_by("-id")


def unread_scalars() -> Scalars:
    """The unread count, as a scalar subquery (`club.core.sql`), on the partial index `notif_unread`."""
    return (
        {"unread": "SELECT COUNT(*) FROM notifications_notification WHERE member_id = %(member)s AND read_at IS NULL"},
        {},
    )


def notifications_unread_count(*, member: Member) -> int:
    """The count in every page's header (SQL: every page pays it, and the ORM's COUNT cost more to build)."""
    return scalars_read(unread_scalars(), member_id=member.pk)["unread"]


def unread_count_remember(request: HttpRequest, count: int) -> None:
    """A page that read the count with its own numbers (`club.core.sql`) gives it to the header."""
    request._club_unread_count = count  # type: ignore[attr-defined]


def unread_count_for_request(request: HttpRequest) -> int:
    """The reader's unread count, read once per request (the header, the menu and a page share it)."""
    count = getattr(request, "_club_unread_count", None)
    if count is None:
        user = request.user
        count = notifications_unread_count(member=user) if isinstance(user, Member) else 0
        request._club_unread_count = count  # type: ignore[attr-defined]
    return count


def email_preferences_of(*, member: Member) -> dict[str, bool]:
    """For every kind: does the member want it by email too (their choice, else the default)."""
    chosen = dict(NotificationPreference.objects.filter(member=member).values_list("kind", "by_email"))
    return {kind.value: chosen.get(kind.value, EMAIL_BY_DEFAULT) for kind in NotificationKind}


def email_choices_for(*, member_ids: list[int], kind: str) -> dict[int, bool]:
    """The same choice for many members at once (one query): member id → by email."""
    chosen = dict(
        NotificationPreference.objects.filter(member_id__in=member_ids, kind=kind).values_list("member_id", "by_email")
    )
    return {member_id: chosen.get(member_id, EMAIL_BY_DEFAULT) for member_id in member_ids}


def consent_allows_email(*, member: Member, kind: str) -> bool:
    """Marketing kinds need the matching consent; service messages need none."""
    consent = KIND_CONSENT.get(NotificationKind(kind))
    return consent is None or bool(getattr(member, CONSENT_FIELDS[consent]))


def wants_email(*, member: Member, kind: str) -> bool:
    """The member's choice for this kind, and the consent it needs, if any."""
    if not consent_allows_email(member=member, kind=kind):
        return False
    return email_choices_for(member_ids=[member.pk], kind=kind)[member.pk]


def announcement_audience(*, announcement: Announcement) -> QuerySet[Member]:
    """The active members an announcement is for: its staff target, or the feature's registered audience."""
    if announcement.target == Announcement.Target.FEATURE:
        return audience_members(name=announcement.audience, params=announcement.audience_params).filter(is_active=True)
    members = Member.objects.filter(is_active=True)
    if announcement.target == Announcement.Target.MUSEUM_FANS:
        members = members.filter(favourite_museum_id=announcement.museum_id)
    elif announcement.target == Announcement.Target.SURVEY_CONSENT:
        members = members.filter(consent_surveys=True)
    return members


def announcement_keys_taken(*, keys: list[str]) -> dict[str, datetime]:
    """Which of these once-only keys an announcement already holds, with when it was made (one query)."""
    if not keys:
        return {}
    return dict(Announcement.objects.filter(key__in=keys).values_list("key", "created_at"))


def announcement_audience_count(*, announcement: Announcement) -> int:
    return announcement_audience(announcement=announcement).count()


def announcement_counts(*, announcement: Announcement) -> dict[str, int]:
    """Queued, delivered and failed emails, and notifications written, in one GROUP BY."""
    rows = dict(
        Notification.objects.filter(announcement=announcement)
        .values("email_status")
        .annotate(n=Count("id"))
        .values_list("email_status", "n")
    )
    return {
        "notifications": sum(rows.values()),
        "queued": rows.get("pending", 0) + rows.get("sending", 0),
        "delivered": rows.get("sent", 0),
        "failed": rows.get("failed", 0),
    }
