"""The shop: the only code that sells gifts, hands them over or gives them back.

A feature of the service graph: it pays through the ledger's services
(`points_account_lock`, `points_spend`, `points_refund`) and reserves through
the gift's fulfilment (`rewards.shop.fulfilments`), never writing a ledger row
or another app's row itself. Lock order: the member's points account first,
then the gift (or the seat a fulfilment takes). These functions use plain
`atomic()` and join their caller's transaction: the one durable transaction
belongs to the outermost boundary (the page view, the API's idempotency
wrapper, the job), so a voucher, its points and the stored API answer commit
together.
"""

from datetime import datetime, timedelta
from pathlib import Path

from django.core.files.base import File
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from club.core.codes import code_is_valid, code_normalize
from club.core.errors import InvalidCode
from club.core.images import thumbnail_from
from club.core.locks import bounded_locks
from club.members.models import Member
from club.notifications.messages import translated
from club.notifications.models import NotificationKind
from club.notifications.services import notification_send
from rewards.ledger.errors import InsufficientPoints
from rewards.ledger.models import Account, Reason
from rewards.ledger.services import points_account_lock, points_refund, points_spend, points_spendable
from rewards.shop.errors import (
    GiftNotAvailable,
    GiftOutOfStock,
    RedemptionLimitReached,
    VoucherAlreadyCollected,
    VoucherCancelled,
    VoucherExpired,
    VoucherNotFound,
)
from rewards.shop.fulfilments import fulfilment_for, units_changed
from rewards.shop.models import Gift, Redemption

# --- Buying ----------------------------------------------------------------------


def _gift_on_sale(gift: Gift, now: datetime) -> Gift:
    on_sale = Gift.objects.on_sale(now).select_related("museum").filter(pk=gift.pk).first()
    if on_sale is None:
        raise GiftNotAvailable(details={"gift": gift.pk})
    return on_sale


def _validate_balance(account: Account, gift: Gift, now: datetime) -> None:
    balance = points_spendable(account=account, now=now)
    if balance < gift.points:
        raise InsufficientPoints(details={"balance": balance, "missing": gift.points - balance})


def _validate_member_limit(gift: Gift, *, member_id: int) -> None:
    if gift.per_member_limit is None:
        return
    taken = Redemption.objects.filter(
        member_id=member_id,
        gift=gift,
        status__in=[Redemption.Status.ISSUED, Redemption.Status.COLLECTED],
    ).count()
    if taken >= gift.per_member_limit:
        raise RedemptionLimitReached(details={"limit": gift.per_member_limit})


def _subject(obj, field: str = "name") -> str:
    """The French name, written into the entry as it was at the time (resolvers translate it)."""
    return getattr(obj, f"{field}_fr", None) or getattr(obj, field)


def gift_redeem(*, member: Member, gift: Gift, now: datetime | None = None) -> Redemption:
    """Buy a gift with points: debit, reserve through the fulfilment, issue a voucher — or nothing."""
    now = now or timezone.now()
    with transaction.atomic(), bounded_locks():
        gift = _gift_on_sale(gift, now)
        account = points_account_lock(member_id=member.pk)
        _validate_balance(account, gift, now)
        _validate_member_limit(gift, member_id=member.pk)
        fulfilment = fulfilment_for(gift)
        fulfilment.reserve(gift=gift, member_id=member.pk, now=now)
        units_changed()
        redemption = Redemption.objects.create(
            member_id=member.pk,
            gift=gift,
            museum=gift.museum,
            points=gift.points,
            created_at=now,
            expires_at=now + timedelta(days=gift.validity_days),
        )
        fulfilment.issued(redemption=redemption, now=now)
        points_spend(
            account=account,
            amount=gift.points,
            reason=Reason.GIFT,
            reference=redemption.reference,
            subject=_subject(gift),
            now=now,
        )
        _notify_voucher(redemption, member=member)
    return redemption


def _notify_voucher(redemption: Redemption, *, member: Member) -> None:
    notification_send(
        member=member,
        kind=NotificationKind.SHOP,
        title=_("Votre bon « %(gift)s » est prêt"),
        body=_("Présentez-le à l'accueil du musée avant le %(date)s. Code : %(code)s."),
        params={"gift": translated(redemption.gift, "name"), "date": redemption.expires_at, "code": redemption.code},
        url=reverse("shop:voucher", args=[redemption.code]),
    )


# --- At the desk -------------------------------------------------------------------


def _validate_voucher_open(redemption: Redemption, now: datetime) -> None:
    if redemption.status == Redemption.Status.COLLECTED:
        collected_at = redemption.collected_at.isoformat() if redemption.collected_at else None
        raise VoucherAlreadyCollected(details={"collected_at": collected_at})
    if redemption.status == Redemption.Status.CANCELLED:
        raise VoucherCancelled()
    if redemption.status == Redemption.Status.EXPIRED or redemption.expires_at <= now:
        raise VoucherExpired()


def redemption_find(*, code: str) -> Redemption:
    """The voucher whose code was typed or scanned; a typo is caught first."""
    if not code_is_valid(code):
        raise InvalidCode()
    redemption = Redemption.objects.select_related("gift", "member", "museum").filter(code=code_normalize(code)).first()
    if redemption is None:
        raise VoucherNotFound()
    return redemption


def redemption_collect(*, code: str, by: Member, now: datetime | None = None) -> Redemption:
    """The desk hands the gift over."""
    now = now or timezone.now()
    found = redemption_find(code=code)
    with transaction.atomic(), bounded_locks():
        redemption = Redemption.objects.select_for_update().get(pk=found.pk)
        _validate_voucher_open(redemption, now)
        redemption.status = Redemption.Status.COLLECTED
        redemption.collected_at = now
        redemption.collected_by = by
        redemption.save(update_fields=["status", "collected_at", "collected_by"])
    found.status, found.collected_at, found.collected_by = redemption.status, now, by
    return found


# --- Giving back ---------------------------------------------------------------------


def redemption_cancel(
    *,
    redemption: Redemption,
    by: Member | None = None,
    status: str = Redemption.Status.CANCELLED,
    now: datetime | None = None,
) -> Redemption:
    """Cancel an uncollected voucher: points back (refund entry), the fulfilment's unit back."""
    now = now or timezone.now()
    with transaction.atomic(), bounded_locks():
        account = points_account_lock(member_id=redemption.member_id)
        locked = Redemption.objects.select_for_update().select_related("gift", "member").get(pk=redemption.pk)
        if locked.status == Redemption.Status.COLLECTED:
            raise VoucherAlreadyCollected()
        if locked.status != Redemption.Status.ISSUED:
            raise VoucherCancelled()
        points_refund(
            account=account,
            spent_reason=Reason.GIFT,
            reference=locked.reference,
            subject=_subject(locked.gift),
            by=by,
            now=now,
        )
        fulfilment_for(locked.gift).release(redemption=locked, now=now)
        units_changed()
        locked.status = status
        locked.cancelled_at = now
        locked.cancelled_by = by
        locked.save(update_fields=["status", "cancelled_at", "cancelled_by"])
        if status == Redemption.Status.EXPIRED:
            notification_send(
                member=locked.member,
                kind=NotificationKind.SHOP,
                title=_("Votre bon « %(gift)s » a expiré"),
                body=_("Il n'a pas été retiré à temps : vos %(points)s points vous ont été rendus."),
                params={"gift": translated(locked.gift, "name"), "points": locked.points},
                url=reverse("shop:vouchers"),
            )
    return locked


def redemptions_expire_due(*, now: datetime | None = None) -> int:
    """Vouchers not collected in time expire, with the same refund (daily job)."""
    now = now or timezone.now()
    due = Redemption.objects.filter(status=Redemption.Status.ISSUED, expires_at__lte=now).values_list("pk", flat=True)
    expired = 0
    for redemption in Redemption.objects.filter(pk__in=list(due)).only("pk", "member_id"):
        try:
            redemption_cancel(redemption=redemption, status=Redemption.Status.EXPIRED, now=now)
        except (VoucherCancelled, VoucherAlreadyCollected):
            continue  # handled meanwhile by the desk or the member
        expired += 1
    return expired


# --- The catalogue (staff) -------------------------------------------------------------


def gift_stock_adjust(*, gift: Gift, delta: int) -> int:
    """Add (or remove) units of stock without overwriting concurrent redemptions."""
    with transaction.atomic(), bounded_locks():
        updated = Gift.objects.filter(pk=gift.pk, stock__gte=-delta).update(stock=F("stock") + delta)
        if not updated:
            raise GiftOutOfStock(details={"gift": gift.pk})
        units_changed()
        return Gift.objects.values_list("stock", flat=True).get(pk=gift.pk)


def gift_picture_set(*, gift: Gift, picture: File | None = None) -> Gift:
    """Store the gift's picture (when given) and rebuild its thumbnail."""
    if picture is not None:
        gift.picture.save(Path(picture.name or "picture").name, picture, save=False)
    if gift.picture:
        with gift.picture.open("rb") as source:
            gift.thumbnail.save("thumbnail.jpg", thumbnail_from(source), save=False)
    Gift.objects.filter(pk=gift.pk).update(picture=gift.picture.name, thumbnail=gift.thumbnail.name)
    units_changed()
    return gift


def gift_save(*, gift: Gift, picture_changed: bool = False) -> Gift:
    """Save a gift edited by staff. Its stock is set once, at creation.

    Afterwards the stock moves only through redemptions and `gift_stock_adjust`,
    so a form saved during a rush can never undo sales.
    """
    with transaction.atomic():
        if gift.pk is None:
            gift.save()
        else:
            fields = [f.name for f in Gift._meta.concrete_fields if not f.primary_key and f.name != "stock"]
            gift.save(update_fields=fields)
            gift.stock = Gift.objects.values_list("stock", flat=True).get(pk=gift.pk)
        if picture_changed:
            gift_picture_set(gift=gift)
        units_changed()  # name, price or sale window: the cached catalogue is redrawn
    return gift


def gift_upsert(*, slug: str, stock: int, picture: File | None = None, **fields) -> Gift:
    """Create a gift or update its texts and price (demo data); the stock only at creation."""
    gift = Gift.objects.filter(slug=slug).first() or Gift(slug=slug, stock=stock)
    for name, value in fields.items():
        setattr(gift, name, value)
    gift_save(gift=gift)
    if picture is not None and not gift.picture:
        gift_picture_set(gift=gift, picture=picture)
    return gift
