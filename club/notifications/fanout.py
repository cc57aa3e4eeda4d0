"""Announcements to many members: the audience split in chunks, each chunk written and sent.

A chunk is ~1,000 members: one bulk insert under `UNIQUE (member,
announcement)`, one claim of their emails, one SMTP connection. A re-run or a
redelivered chunk writes no second row and sends only what is still unclaimed
— or claimed by itself, when the worker that ran it died. The audience is
rebuilt from the announcement's row in every task (a staff target, or a
feature's registered audience and its parameters), never passed along.
"""

from django.core.mail import get_connection
from django.utils import timezone, translation

from club.members.models import CONSENT_FIELDS, Member
from club.notifications.delivery import claim_update, claimable, send_claimed
from club.notifications.models import KIND_CONSENT, Announcement, Notification, NotificationKind
from club.notifications.selectors import announcement_audience, email_choices_for

CHUNK_SIZE = 1000


def announcement_chunks(*, announcement_id: int) -> list[tuple[int, int]]:
    """Record the audience size and split it into (first pk, last pk) ranges of CHUNK_SIZE members."""
    announcement = Announcement.objects.get(pk=announcement_id)
    ids = list(announcement_audience(announcement=announcement).order_by("pk").values_list("pk", flat=True))
    Announcement.objects.filter(pk=announcement_id).update(recipients=len(ids))
    chunks = [(ids[i], ids[min(i + CHUNK_SIZE, len(ids)) - 1]) for i in range(0, len(ids), CHUNK_SIZE)]
    announcement_finish_if_done(announcement_id=announcement_id)
    return chunks


def _chunk_rows(announcement: Announcement, members: list[Member]) -> list[Notification]:
    kind = announcement.kind
    consent = KIND_CONSENT.get(NotificationKind(kind))  # service kinds a feature may send need none
    consent_field = CONSENT_FIELDS[consent] if consent is not None else None
    by_email = email_choices_for(member_ids=[m.pk for m in members], kind=kind)
    rows = []
    for member in members:
        with translation.override(member.preferred_language):
            title, body = str(announcement.title), str(announcement.body)
        email = (consent_field is None or getattr(member, consent_field)) and by_email[member.pk]
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
    """Write one chunk's notifications, claim their emails, send them over one connection."""
    announcement = Announcement.objects.get(pk=announcement_id)
    members = list(
        announcement_audience(announcement=announcement)
        .filter(pk__gte=first_pk, pk__lte=last_pk)
        .only("pk", "email", "preferred_language", "consent_news", "consent_surveys")
    )
    Notification.objects.bulk_create(_chunk_rows(announcement, members), ignore_conflicts=True, batch_size=500)
    mine = Notification.objects.filter(announcement_id=announcement_id, member_id__gte=first_pk, member_id__lte=last_pk)
    mine.filter(claimable(claim)).update(**claim_update(timezone.now(), claim))
    claimed = mine.filter(email_status=Notification.EmailStatus.SENDING, email_claim=claim).select_related(
        "member", "announcement"
    )
    sent = 0
    with get_connection() as email_connection:
        for notification in claimed.iterator(chunk_size=500):
            sent += send_claimed(notification, connection=email_connection)
    announcement_finish_if_done(announcement_id=announcement_id)
    return sent


def announcement_finish_if_done(*, announcement_id: int) -> None:
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
