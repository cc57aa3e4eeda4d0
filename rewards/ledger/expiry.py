"""The ledger's daily jobs: points expire, and members are warned 30 days before.

Both fan out like announcements: the job splits the members concerned into
chunks of about CHUNK_SIZE (by member id) and each chunk is one task
(`rewards.ledger.tasks`). Both are safe to rerun and to redeliver:

- expiry writes one entry per lot (`reference = ledger.pointslot:<pk>`, under
  `UNIQUE (member, reason, reference)`), under the member's lock, and a lot
  with nothing left is never expired twice; the "points expired" message is
  written in the same transaction as the entries it reports;
- a warning claims its lots (`PointsLot.warned_at`) in the same transaction as
  the notification: a second run, the same day or later, finds nothing to
  claim; a chunk redelivered after a crash either finds its claims committed
  (with their notifications) or does the work itself.

`points_expire_due()` and `points_expiry_warn()` run every chunk in the calling
process (tests, a shell); the beat tasks queue the chunks instead.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from club.core.locks import bounded_locks
from club.members.models import Member
from club.notifications.models import NotificationKind
from club.notifications.services import notification_send
from rewards.ledger.models import PointsLot
from rewards.ledger.services import expire_member_lots, lock_account

CHUNK_SIZE = 1000

Chunk = tuple[int, int]  # (first member id, last member id), inclusive


def _chunks(member_ids: list[int]) -> list[Chunk]:
    ids = sorted(set(member_ids))
    return [(ids[i], ids[min(i + CHUNK_SIZE, len(ids)) - 1]) for i in range(0, len(ids), CHUNK_SIZE)]


# --- Expiry ---------------------------------------------------------------------------


def _due_lots(now: datetime):
    return PointsLot.objects.filter(remaining__gt=0, expires_at__lte=now)


def points_expire_chunks(*, now: datetime) -> list[Chunk]:
    """The members with points to expire now, in chunks."""
    return _chunks(list(_due_lots(now).values_list("member_id", flat=True).distinct().order_by()))


def _notify_expired(member: Member, *, points: int, balance: int) -> None:
    notification_send(
        member=member,
        kind=NotificationKind.POINTS,
        title=_("%(points)s points ont expiré"),
        body=_("Ils avaient été gagnés il y a plus de %(months)s mois. Votre solde : %(balance)s points."),
        params={"points": points, "months": settings.POINTS_EXPIRY_MONTHS, "balance": balance},
        url=reverse("ledger:history"),
    )


def points_expire_chunk(*, first_pk: int, last_pk: int, now: datetime) -> int:
    """Expire the due lots of the members in [first_pk, last_pk]; one transaction per member."""
    member_ids = (
        _due_lots(now).filter(member_id__gte=first_pk, member_id__lte=last_pk).values_list("member_id", flat=True)
    )
    expired = 0
    for member_id in sorted(set(member_ids)):
        with transaction.atomic(), bounded_locks():
            account = lock_account(member_id)
            before = account.balance
            count = expire_member_lots(account, now=now)
            if count:
                _notify_expired(account.member, points=before - account.balance, balance=account.balance)
            expired += count
    return expired


def points_expire_due(*, now: datetime | None = None) -> int:
    """Every chunk, here and now (the beat task queues them instead)."""
    now = now or timezone.now()
    chunks = points_expire_chunks(now=now)
    return sum(points_expire_chunk(first_pk=first, last_pk=last, now=now) for first, last in chunks)


# --- Warnings -----------------------------------------------------------------------------


def _warnable_lots(now: datetime):
    """Lots with points left, never warned about, that expire before the next daily run is 30 days away.

    A daily job at 09:00 thus warns 30 to 31 days ahead; a day the job missed is
    caught up the next day (the claim, not the window, prevents a second warning).
    """
    horizon = now + timedelta(days=settings.POINTS_EXPIRY_WARNING_DAYS + 1)
    return PointsLot.objects.filter(remaining__gt=0, expires_at__gt=now, expires_at__lte=horizon, warned_at=None)


def points_expiry_warn_chunks(*, now: datetime) -> list[Chunk]:
    return _chunks(list(_warnable_lots(now).values_list("member_id", flat=True).distinct().order_by()))


def _notify_expiring(member: Member, *, points: int, first: datetime) -> None:
    notification_send(
        member=member,
        kind=NotificationKind.POINTS,
        title=_("%(points)s points expirent le %(date)s"),
        body=_("Utilisez-les d'ici là dans la boutique du club."),
        params={"points": points, "date": first},
        url=reverse("shop:shop"),
    )


def points_expiry_warn_chunk(*, first_pk: int, last_pk: int, now: datetime) -> int:
    """Claim the chunk's unwarned lots and warn their members, in one transaction."""
    with transaction.atomic(), bounded_locks():
        lots = list(
            _warnable_lots(now)
            .filter(member_id__gte=first_pk, member_id__lte=last_pk)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        if not lots:
            return 0
        # A concurrent run of the same chunk waited on the row locks and now finds them warned.
        claimed = PointsLot.objects.filter(pk__in=lots, warned_at=None)
        due = list(claimed.values("member_id").annotate(points=Sum("remaining"), first=Min("expires_at")).order_by())
        claimed.update(warned_at=now)
        members = Member.objects.in_bulk([row["member_id"] for row in due])
        for row in due:
            _notify_expiring(members[row["member_id"]], points=row["points"], first=row["first"])
    return len(due)


def points_expiry_warn(*, now: datetime | None = None) -> int:
    """Every chunk, here and now (the beat task queues them instead); returns the members warned."""
    now = now or timezone.now()
    chunks = points_expiry_warn_chunks(now=now)
    return sum(points_expiry_warn_chunk(first_pk=first, last_pk=last, now=now) for first, last in chunks)
