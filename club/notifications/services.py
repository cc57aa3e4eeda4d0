"""The one notification service: inbox rows, emails through Celery, preferences, announcements.

A leaf of the service graph (it imports members and core only): the ledger,
the shop and every feature call `notification_send(...)` inside their own
transaction. The row is the source of truth (a transactional outbox): its
email is queued after commit, and if the broker is down or a worker dies,
`notifications_sweep` queues it again later. Delivery claims the row first,
so a redelivered task sends nothing twice (`club.notifications.delivery`).

Emails of marketing kinds (club news, new content, new surveys) need the
member's matching consent; service messages (vouchers, bookings, points
expiry, account) need none.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from club.core.errors import DomainError
from club.core.links import link_validate
from club.core.queue import enqueue
from club.members.models import ConsentRecord, Member
from club.members.services import consent_set
from club.notifications.audiences import audience_get
from club.notifications.messages import params_for_storage, render, source_of
from club.notifications.models import KIND_CONSENT, Announcement, Notification, NotificationKind, NotificationPreference
from club.notifications.selectors import wants_email
from club.notifications.tasks import announcement_fanout_task, notification_email_task
from museums.models import Museum


class LinkNotAllowed(DomainError):
    code = "link_not_allowed"
    message = _("Indiquez une adresse du site (commençant par /) ou une adresse https d'un site autorisé.")


def _validate_link(url: str) -> None:
    try:
        link_validate(url)
    except ValidationError as error:
        raise LinkNotAllowed(details={"url": url}) from error


class AnnouncementAlreadySent(DomainError):
    code = "announcement_already_sent"
    message = _("Cette annonce est déjà partie.")
    status = 409


def notification_send(
    *, member: Member, kind: str, title: Any, body: Any = "", url: str = "", params: dict | None = None
) -> Notification:
    """Write one notification in the caller's transaction; its email goes after commit.

    `title` and `body` may be lazy translations with `%(name)s` fields: they
    are rendered with `params` in the reader's language each time they are read
    (`club.notifications.messages`), and in the member's for the email.
    """
    kind = NotificationKind(kind)
    stored = params_for_storage(params or {})
    title_source, body_source = source_of(title), source_of(body) if body else ""
    with translation.override(member.preferred_language):
        title_text = render(title_source, stored) if title_source else str(title)
        body_text = (render(body_source, stored) if body_source else str(body)) if body else ""
    email = wants_email(member=member, kind=kind)
    notification = Notification.objects.create(
        member=member,
        kind=kind,
        title=title_text[:200],
        body=body_text,
        title_source=title_source,
        body_source=body_source,
        params=stored,
        url=url,
        email_status=Notification.EmailStatus.PENDING if email else Notification.EmailStatus.NONE,
    )
    if email:
        transaction.on_commit(partial(enqueue, notification_email_task, notification.pk))
    return notification


def preference_set(*, member: Member, kind: str, by_email: bool) -> None:
    NotificationPreference.objects.update_or_create(member=member, kind=kind, defaults={"by_email": by_email})


def email_unsubscribe(*, member: Member, kind: str) -> None:
    """The one-click link of an email: that kind by email off, and its marketing consent withdrawn."""
    with transaction.atomic():
        preference_set(member=member, kind=kind, by_email=False)
        consent = KIND_CONSENT.get(NotificationKind(kind))
        if consent is not None:
            consent_set(member=member, kind=consent, granted=False, source=ConsentRecord.Source.UNSUBSCRIBE)


def notifications_mark_read(*, member: Member, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of the member's notifications as read."""
    unread = Notification.objects.filter(member=member, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def notifications_sweep(*, older_than: timedelta = timedelta(minutes=3)) -> int:
    """Queue again the emails still pending, or stuck "sending" by a dead worker."""
    now = timezone.now()
    stale = now - older_than
    stuck = now - timedelta(minutes=15)
    Notification.objects.filter(email_status=Notification.EmailStatus.SENDING, email_claimed_at__lt=stuck).update(
        email_status=Notification.EmailStatus.PENDING
    )
    ids = list(
        Notification.objects.filter(email_status=Notification.EmailStatus.PENDING, created_at__lt=stale)
        .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=stale))
        .values_list("pk", flat=True)[:5000]
    )
    for notification_id in ids:
        enqueue(notification_email_task, notification_id)
    # Announcements whose fan-out never ran or stopped short (broker outage): run it again;
    # the chunks write no second row and send only what is unclaimed.
    stalled = Announcement.objects.filter(status=Announcement.Status.SENDING, started_at__lt=stale).annotate(
        written=Count("notifications")
    )
    for announcement in stalled:
        if announcement.recipients == 0 or announcement.written < announcement.recipients:
            enqueue(announcement_fanout_task, announcement.pk)
    return len(ids)


# --- Announcements ------------------------------------------------------------------------


def announcement_save(*, announcement: Announcement, by: Member | None = None) -> Announcement:
    """Create or change an announcement; once it has started sending it can no longer change."""
    _validate_link(announcement.url)
    with transaction.atomic():
        if announcement.pk is not None:
            stored = Announcement.objects.select_for_update().get(pk=announcement.pk)
            if not stored.is_editable:
                raise AnnouncementAlreadySent()
        elif by is not None:
            announcement.created_by = by
        announcement.save()
    return announcement


def announcement_send(*, announcement: Announcement, now: datetime | None = None) -> Announcement:
    """Send now, or at `scheduled_for` when it is in the future.

    The request only flips the status and queues one task: it takes the same
    time for 1,000 or 100,000 members; the fan-out happens in the workers.
    """
    now = now or timezone.now()
    editable = Announcement.objects.filter(pk=announcement.pk, status__in=Announcement.EDITABLE)
    if announcement.scheduled_for and announcement.scheduled_for > now:
        started = editable.update(status=Announcement.Status.SCHEDULED)
        new_status = Announcement.Status.SCHEDULED
    else:
        started = editable.update(status=Announcement.Status.SENDING, started_at=now)
        new_status = Announcement.Status.SENDING
        if started:
            transaction.on_commit(partial(enqueue, announcement_fanout_task, announcement.pk))
    if not started:
        raise AnnouncementAlreadySent()
    announcement.status = new_status
    return announcement


def announcements_start_due(*, now: datetime | None = None) -> int:
    """Start the scheduled announcements whose time has come (beat, every minute)."""
    now = now or timezone.now()
    due = Announcement.objects.filter(status=Announcement.Status.SCHEDULED, scheduled_for__lte=now)
    started = 0
    for announcement in due:
        announcement.scheduled_for = None
        try:
            announcement_send(announcement=announcement, now=now)
        except AnnouncementAlreadySent:
            continue
        started += 1
    return started


def _texts(field: str, value: str | Mapping[str, str]) -> dict[str, str]:
    """A text, or one per language code ({"fr": …, "en": …}, French required), as model fields."""
    if isinstance(value, str):
        return {field: value}
    if not value.get(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        raise ValueError(f"an announcement's {field} needs its {settings.MODELTRANSLATION_DEFAULT_LANGUAGE} text")
    return {f"{field}_{code}": text for code, text in value.items() if text}


def _announcement_create(*, key: str, fields: dict) -> Announcement | None:
    """Insert the announcement; None when its once-only key is taken (by an earlier or a concurrent run).

    The partial unique index on `key` decides: a concurrent insert of the same
    key waits for the first to commit, then fails here and finds it.
    """
    try:
        with transaction.atomic():
            return Announcement.objects.create(key=key, **fields)
    except IntegrityError:
        if key and Announcement.objects.filter(key=key).exists():
            return None
        raise


def notification_broadcast(
    *,
    title: str | Mapping[str, str],
    body: str | Mapping[str, str],
    url: str = "",
    target: str = Announcement.Target.ALL,
    museum: Museum | None = None,
    audience: str = "",
    audience_params: dict | None = None,
    key: str = "",
    scheduled_for: datetime | None = None,
    by: Member | None = None,
    now: datetime | None = None,
) -> Announcement | None:
    """What features call to tell many members (a new survey, its last day, a new video visit…).

    `title` and `body`: a text, or one per language ({"fr": …, "en": …}; each
    member reads their own, falling back to French). `audience` names an
    audience the feature registered (`club.notifications.audiences`), with its
    JSON `audience_params`; the target is then "feature". With a `key`
    ("surveys.survey:12:opening") it happens once: when an announcement holds
    that key already, nothing is written or sent and the answer is None — a
    job may run again, or twice at once, safely.
    """
    _validate_link(url)
    if audience:
        audience_get(audience)  # a name nobody registered fails here, not in a worker
        target = Announcement.Target.FEATURE
    fields = {
        **_texts("title", title),
        **_texts("body", body),
        "url": url,
        "target": target,
        "museum": museum,
        "audience": audience,
        "audience_params": audience_params or {},
        "scheduled_for": scheduled_for,
        "created_by": by,
        "created_at": now or timezone.now(),
    }
    with transaction.atomic():
        announcement = _announcement_create(key=key, fields=fields)
        if announcement is None:
            return None
        return announcement_send(announcement=announcement, now=now)
