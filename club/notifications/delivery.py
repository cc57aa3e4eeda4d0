"""Sending one notification's email, exactly once as far as the database can tell.

Delivery claims the row first (`pending` → `sending`, with the task id), so a
redelivered task sends nothing twice; the "sent" mark and the hand-over to the
email backend share a transaction. Every email carries a signed one-click link
that turns that kind of email off without logging in.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from club.notifications.models import Notification, NotificationKind

MAX_EMAIL_ATTEMPTS = 5
UNSUBSCRIBE_SALT = "club.notifications.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 400 * 24 * 3600  # a link in an old email keeps working for over a year


class EmailNotSent(Exception):
    """The email server refused or failed: the task retries with backoff."""


def unsubscribe_token(*, member_id: int, kind: str) -> str:
    return signing.dumps({"m": member_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str]:
    """(member id, kind) of a signed link; raises signing.BadSignature when forged or too old."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or data.get("k") not in NotificationKind.values:
        raise signing.BadSignature("unknown kind")
    return int(data["m"]), data["k"]


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
        subject = f"[Club des visiteurs] {notification.shown_title}"
    message = EmailMultiAlternatives(subject, text, to=[member.email])
    message.attach_alternative(html, "text/html")
    message.extra_headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return message


def claimable(claim: str) -> Q:
    """Rows waiting to be sent, or taken earlier by this same (redelivered) task."""
    mine = Q(email_status=Notification.EmailStatus.SENDING, email_claim=claim) if claim else Q(pk__in=[])
    return Q(email_status=Notification.EmailStatus.PENDING) | mine


def claim_update(now, claim: str) -> dict:
    """The UPDATE that takes rows for sending."""
    return {
        "email_status": Notification.EmailStatus.SENDING,
        "email_attempts": F("email_attempts") + 1,
        "email_claimed_at": now,
        "email_claim": claim,
    }


def notification_email_deliver(*, notification_id: int, claim: str = "") -> bool:
    """Send one notification's email, once. True when sent now.

    A member or notification deleted meanwhile ends quietly. A refusal is
    recorded with its reason and raised for a retry, up to MAX_EMAIL_ATTEMPTS.
    """
    now = timezone.now()
    if not Notification.objects.filter(claimable(claim), pk=notification_id).update(**claim_update(now, claim)):
        return False
    notification = Notification.objects.select_related("member", "announcement").filter(pk=notification_id).first()
    if notification is None:
        return False
    if not send_claimed(notification, connection=None) and notification.email_attempts < MAX_EMAIL_ATTEMPTS:
        raise EmailNotSent(notification.email_error)
    return notification.email_status == Notification.EmailStatus.SENT


def send_claimed(notification: Notification, *, connection) -> bool:
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
