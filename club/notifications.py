"""The one notification service: inbox rows, emails through Celery, preferences.

A leaf of the service graph (it imports only models): the ledger, the shop and
every feature call `notification_send(...)` inside their own transaction. The
row is the source of truth (a transactional outbox): its email is queued after
commit, and if the broker is down or a worker dies, `notifications_sweep`
queues it again later. Delivery claims the row first, so a redelivered task
sends nothing twice.

Emails of marketing kinds (club news, new content, new surveys) need the
member's matching consent; service messages (vouchers, bookings, points
expiry, account) need none. Every email carries a signed one-click link that
turns that kind of email off without logging in.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from club.errors import DomainError
from club.models import (
    CONSENT_FIELDS,
    KIND_CONSENT,
    Announcement,
    Member,
    Notification,
    NotificationKind,
    NotificationPreference,
)

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5
UNSUBSCRIBE_SALT = "club.notifications.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 400 * 24 * 3600  # a link in an old email keeps working for over a year


def wants_email(member: Member, kind: str) -> bool:
    """The member's choice for this kind, and the consent it needs, if any."""
    consent = KIND_CONSENT.get(kind)
    if consent is not None and not getattr(member, CONSENT_FIELDS[consent]):
        return False
    preference = NotificationPreference.objects.filter(member=member, kind=kind).values_list("by_email", flat=True)
    return next(iter(preference), True)


def _enqueue(notification_id: int) -> None:
    """Hand the email to Celery; a broker failure is logged, the sweep retries."""
    from club.tasks import notification_email_task

    try:
        notification_email_task.apply_async(args=[notification_id], retry=False)
    except Exception:  # noqa: BLE001 - any broker failure: the row stays pending for the sweep
        logger.warning("notification %s not queued (broker unavailable); the sweep will retry", notification_id)


def notification_send(
    *, member: Member, kind: str, title, body="", url: str = "", params: dict | None = None
) -> Notification:
    """Write one notification in the caller's transaction; its email goes after commit.

    `title` and `body` may be lazy translations with `%(name)s` fields:
    they are rendered in the member's language with `params`.
    """
    kind = NotificationKind(kind)
    params = params or {}
    with translation.override(member.preferred_language):
        title_text = str(title) % params if params else str(title)
        body_text = (str(body) % params if params else str(body)) if body else ""
    email = wants_email(member, kind)
    notification = Notification.objects.create(
        member=member,
        kind=kind,
        title=title_text[:200],
        body=body_text,
        url=url,
        email_status=Notification.EmailStatus.PENDING if email else Notification.EmailStatus.NONE,
    )
    if email:
        transaction.on_commit(lambda: _enqueue(notification.pk))
    return notification


def unsubscribe_token(*, member_id: int, kind: str) -> str:
    return signing.dumps({"m": member_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str]:
    """(member id, kind) of a signed link; raises signing.BadSignature when forged or too old."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or data.get("k") not in NotificationKind.values:
        raise signing.BadSignature("unknown kind")
    return int(data["m"]), data["k"]


def preference_set(*, member: Member, kind: str, by_email: bool) -> None:
    NotificationPreference.objects.update_or_create(member=member, kind=kind, defaults={"by_email": by_email})


def render_email(notification: Notification) -> EmailMultiAlternatives:
    member = notification.member
    token = unsubscribe_token(member_id=member.pk, kind=notification.kind)
    unsubscribe_url = f"{settings.SITE_URL}{reverse('notifications:unsubscribe', args=[token])}"
    link = notification.url
    if link.startswith("/"):
        link = f"{settings.SITE_URL}{link}"
    with translation.override(member.preferred_language):
        context = {
            "notification": notification,
            "member": member,
            "link": link,
            "unsubscribe_url": unsubscribe_url,
            "kind_label": notification.get_kind_display(),
            "SITE_URL": settings.SITE_URL,
        }
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
        subject = f"[Club des visiteurs] {notification.title}"
    message = EmailMultiAlternatives(subject, text, to=[member.email])
    message.attach_alternative(html, "text/html")
    message.extra_headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return message


class EmailNotSent(Exception):
    """The email server refused or failed: the task retries with backoff."""


def _claimable(claim: str) -> Q:
    """Rows waiting to be sent, or taken earlier by this same (redelivered) task."""
    mine = Q(email_status=Notification.EmailStatus.SENDING, email_claim=claim) if claim else Q(pk__in=[])
    return Q(email_status=Notification.EmailStatus.PENDING) | mine


def _claim(notification_id: int, now, claim: str = "") -> bool:
    """Take the row for sending; False when it is sent, failed or being sent by another."""
    return bool(
        Notification.objects.filter(_claimable(claim), pk=notification_id).update(
            email_status=Notification.EmailStatus.SENDING,
            email_attempts=F("email_attempts") + 1,
            email_claimed_at=now,
            email_claim=claim,
        )
    )


def notification_email_deliver(*, notification_id: int, claim: str = "") -> bool:
    """Send one notification's email, once. True when sent now.

    A member or notification deleted meanwhile ends quietly. A refusal is
    recorded with its reason and raised for a retry, up to MAX_EMAIL_ATTEMPTS.
    """
    now = timezone.now()
    if not _claim(notification_id, now, claim):
        return False
    notification = Notification.objects.select_related("member").filter(pk=notification_id).first()
    if notification is None:
        return False
    if not _send_claimed(notification, connection=None) and notification.email_attempts < MAX_EMAIL_ATTEMPTS:
        raise EmailNotSent(notification.email_error)
    return notification.email_status == Notification.EmailStatus.SENT


def _send_claimed(notification: Notification, *, connection) -> bool:
    """Send a claimed row's email and record the outcome (sent, pending again, or failed).

    The "sent" mark and the hand-over to the email backend share a transaction:
    a refusal rolls the mark back, and a backend that writes to this database
    (delivery rows) is exactly-once even if the worker dies mid-way. With SMTP,
    a worker killed between the hand-over and the commit may send that one
    email again — the only window left.
    """
    message = render_email(notification)
    message.connection = connection
    try:
        with transaction.atomic():
            Notification.objects.filter(pk=notification.pk).update(
                email_status=Notification.EmailStatus.SENT, emailed_at=timezone.now(), email_error=""
            )
            message.send()
    except Exception as error:  # noqa: BLE001 - any email backend failure is recorded and retried
        failed = notification.email_attempts >= MAX_EMAIL_ATTEMPTS
        notification.email_status = Notification.EmailStatus.FAILED if failed else Notification.EmailStatus.PENDING
        notification.email_error = f"{type(error).__name__}: {error}"[:2000]
        Notification.objects.filter(pk=notification.pk).update(
            email_status=notification.email_status, email_error=notification.email_error
        )
        return False
    notification.email_status = Notification.EmailStatus.SENT
    return True


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
        _enqueue(notification_id)
    # Announcements whose fan-out never ran or stopped short (broker outage): run it again;
    # the chunks write no second row and send only what is unclaimed.
    stalled = Announcement.objects.filter(status=Announcement.Status.SENDING, started_at__lt=stale).annotate(
        written=Count("notifications")
    )
    for announcement in stalled:
        if announcement.recipients == 0 or announcement.written < announcement.recipients:
            _enqueue_task("announcement_fanout_task", [announcement.pk])
    return len(ids)


def notifications_mark_read(*, member: Member, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of the member's notifications as read."""
    unread = Notification.objects.filter(member=member, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


# --- Announcements: fan-out to many members ---------------------------------------

CHUNK_SIZE = 1000


class AnnouncementAlreadySent(DomainError):
    code = "announcement_already_sent"
    message = _("Cette annonce est déjà partie.")
    status = 409


def _audience(announcement: Announcement):
    members = Member.objects.filter(is_active=True)
    if announcement.target == Announcement.Target.MUSEUM_FANS:
        members = members.filter(favourite_museum_id=announcement.museum_id)
    elif announcement.target == Announcement.Target.SURVEY_CONSENT:
        members = members.filter(consent_surveys=True)
    return members


def announcement_audience_count(announcement: Announcement) -> int:
    return _audience(announcement).count()


def announcement_send(*, announcement: Announcement, now=None) -> Announcement:
    """Send now, or at `scheduled_for` when it is in the future.

    The request only flips the status and queues one task: it takes the same
    time for 1,000 or 100,000 members; the fan-out happens in the workers.
    """
    now = now or timezone.now()
    if announcement.scheduled_for and announcement.scheduled_for > now:
        started = Announcement.objects.filter(
            pk=announcement.pk, status__in=[Announcement.Status.DRAFT, Announcement.Status.SCHEDULED]
        ).update(status=Announcement.Status.SCHEDULED)
        new_status = Announcement.Status.SCHEDULED
    else:
        started = Announcement.objects.filter(
            pk=announcement.pk, status__in=[Announcement.Status.DRAFT, Announcement.Status.SCHEDULED]
        ).update(status=Announcement.Status.SENDING, started_at=now)
        new_status = Announcement.Status.SENDING
        if started:
            transaction.on_commit(lambda: _enqueue_task("announcement_fanout_task", [announcement.pk]))
    if not started:
        raise AnnouncementAlreadySent()
    announcement.status = new_status
    return announcement


def announcements_start_due(*, now=None) -> int:
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


def _enqueue_task(name: str, args: list) -> None:
    """Queue one of club's tasks by name; a broker failure is logged, a sweep retries."""
    from club import tasks

    try:
        getattr(tasks, name).apply_async(args=args, retry=False)
    except Exception:  # noqa: BLE001 - broker down: the announcement sweep starts it again
        logger.warning("task %s%s not queued (broker unavailable)", name, args, exc_info=True)


def announcement_fanout(*, announcement_id: int) -> int:
    """Split the audience into chunks of ~1,000 members, one task each."""
    announcement = Announcement.objects.get(pk=announcement_id)
    ids = list(_audience(announcement).order_by("pk").values_list("pk", flat=True))
    Announcement.objects.filter(pk=announcement_id).update(recipients=len(ids))
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start : start + CHUNK_SIZE]
        _enqueue_task("announcement_chunk_task", [announcement_id, chunk[0], chunk[-1]])
    _finish_if_done(announcement_id)
    return len(ids)


def _email_refusals(member_ids: list[int], kind: str) -> set[int]:
    return set(
        NotificationPreference.objects.filter(member_id__in=member_ids, kind=kind, by_email=False).values_list(
            "member_id", flat=True
        )
    )


def _chunk_rows(announcement: Announcement, members: list[Member]) -> list[Notification]:
    kind = announcement.kind
    consent_field = CONSENT_FIELDS[KIND_CONSENT[kind]]
    refused = _email_refusals([m.pk for m in members], kind)
    rows = []
    for member in members:
        with translation.override(member.preferred_language):
            title, body = str(announcement.title), str(announcement.body)
        email = getattr(member, consent_field) and member.pk not in refused
        rows.append(
            Notification(
                member=member,
                announcement=announcement,
                kind=kind,
                title=title[:200],
                body=body,
                url=announcement.url,
                email_status=Notification.EmailStatus.PENDING if email else Notification.EmailStatus.NONE,
            )
        )
    return rows


def announcement_chunk(*, announcement_id: int, first_pk: int, last_pk: int, claim: str) -> int:
    """Write one chunk's notifications, claim their emails, send them over one connection.

    A re-run or a redelivered task writes no second row (`UNIQUE (member,
    announcement)`) and sends only what is still unclaimed — or claimed by
    itself, when the worker that ran it died.
    """
    announcement = Announcement.objects.get(pk=announcement_id)
    members = list(
        _audience(announcement)
        .filter(pk__gte=first_pk, pk__lte=last_pk)
        .only("pk", "email", "preferred_language", "consent_news", "consent_surveys")
    )
    Notification.objects.bulk_create(_chunk_rows(announcement, members), ignore_conflicts=True, batch_size=500)
    mine = Notification.objects.filter(announcement_id=announcement_id, member_id__gte=first_pk, member_id__lte=last_pk)
    now = timezone.now()
    mine.filter(_claimable(claim)).update(
        email_status=Notification.EmailStatus.SENDING,
        email_attempts=F("email_attempts") + 1,
        email_claimed_at=now,
        email_claim=claim,
    )
    claimed = mine.filter(email_status=Notification.EmailStatus.SENDING, email_claim=claim).select_related("member")
    sent = 0
    with get_connection() as email_connection:
        for notification in claimed.iterator(chunk_size=500):
            sent += _send_claimed(notification, connection=email_connection)
    _finish_if_done(announcement_id)
    return sent


def _finish_if_done(announcement_id: int) -> None:
    announcement = Announcement.objects.get(pk=announcement_id)
    written = Notification.objects.filter(announcement_id=announcement_id).count()
    open_emails = Notification.objects.filter(
        announcement_id=announcement_id,
        email_status__in=[Notification.EmailStatus.PENDING, Notification.EmailStatus.SENDING],
    ).exists()
    if written >= announcement.recipients and not open_emails:
        Announcement.objects.filter(pk=announcement_id, status=Announcement.Status.SENDING).update(
            status=Announcement.Status.DONE
        )


def announcement_counts(announcement: Announcement) -> dict:
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


def notification_broadcast(
    *,
    title: str,
    body: str,
    url: str = "",
    target: str = Announcement.Target.ALL,
    museum=None,
    scheduled_for=None,
    by=None,
) -> Announcement:
    """What features call to tell many members (a new survey, a new video visit…)."""
    announcement = Announcement.objects.create(
        title=title, body=body, url=url, target=target, museum=museum, scheduled_for=scheduled_for, created_by=by
    )
    return announcement_send(announcement=announcement)
