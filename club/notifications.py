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
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from club.models import (
    CONSENT_FIELDS,
    KIND_CONSENT,
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

    `title` and `body` may be lazy translations with `%(name)s` placeholders:
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


def _render_email(notification: Notification) -> EmailMultiAlternatives:
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


def _claim(notification_id: int, now) -> bool:
    """Take the row for sending; False when it is sent, failed or being sent."""
    return bool(
        Notification.objects.filter(pk=notification_id, email_status=Notification.EmailStatus.PENDING).update(
            email_status=Notification.EmailStatus.SENDING, email_attempts=F("email_attempts") + 1, email_claimed_at=now
        )
    )


def notification_email_deliver(*, notification_id: int) -> bool:
    """Send one notification's email, once. True when sent now.

    A member or notification deleted meanwhile ends quietly. A refusal is
    recorded with its reason and raised for a retry, up to MAX_EMAIL_ATTEMPTS.
    """
    now = timezone.now()
    if not _claim(notification_id, now):
        return False
    notification = Notification.objects.select_related("member").filter(pk=notification_id).first()
    if notification is None:
        return False
    try:
        _render_email(notification).send()
    except Exception as error:  # noqa: BLE001 - any email backend failure is recorded and retried
        failed = notification.email_attempts >= MAX_EMAIL_ATTEMPTS
        Notification.objects.filter(pk=notification_id).update(
            email_status=Notification.EmailStatus.FAILED if failed else Notification.EmailStatus.PENDING,
            email_error=f"{type(error).__name__}: {error}"[:2000],
        )
        if failed:
            return False
        raise EmailNotSent(str(error)) from error
    Notification.objects.filter(pk=notification_id).update(
        email_status=Notification.EmailStatus.SENT, emailed_at=timezone.now(), email_error=""
    )
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
    return len(ids)


def notifications_mark_read(*, member: Member, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of the member's notifications as read."""
    unread = Notification.objects.filter(member=member, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
