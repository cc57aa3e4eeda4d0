"""Reporting, hiding and restoring what members wrote (any registered `Moderated` model).

- `report_create`: a member reports an item once (the database refuses a
  second: `AlreadyReported`), never their own; the item's `reports_count` goes
  up in the same transaction.
- `moderation_hide` / `moderation_restore`: staff decide with a reason; the
  item changes and the decision is kept (`ModerationAction`), in one
  transaction. Hiding a hidden item (or restoring a visible one) changes
  nothing and says so.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from club.core.errors import DomainError
from club.members.models import Member
from club.moderation.models import Moderated, ModerationAction, Report

REASON_LIMIT = 300
NOTE_LIMIT = 500


class AlreadyReported(DomainError):
    code = "already_reported"
    message = _("Vous avez déjà signalé ce message : l'équipe va le relire.")
    status = 409


class OwnItem(DomainError):
    code = "own_item"
    message = _("On ne signale pas son propre message : vous pouvez le modifier ou demander à l'équipe de le retirer.")


class ReportReasonInvalid(DomainError):
    code = "report_reason_invalid"
    message = _("Choisissez la raison du signalement.")


class ModerationReasonRequired(DomainError):
    code = "moderation_reason_required"
    message = _("Indiquez la raison de votre décision (300 caractères au plus).")


class NothingToChange(DomainError):
    code = "nothing_to_change"
    message = _("Ce message est déjà dans cet état.")
    status = 409


def _target(item: Moderated) -> dict:
    return {"content_type": ContentType.objects.get_for_model(type(item)), "object_id": item.pk}


def report_create(*, member: Member, item: Moderated, reason: str, note: str = "") -> Report:
    """Report `item` (once per member); its report count goes up."""
    if getattr(item, "member_id", None) == member.pk:
        raise OwnItem()
    if reason not in Report.Reason.values:
        raise ReportReasonInvalid()
    note = (note or "").strip()[:NOTE_LIMIT]
    try:
        with transaction.atomic():
            report = Report.objects.create(member=member, reason=reason, note=note, **_target(item))
            type(item).objects.filter(pk=item.pk).update(reports_count=F("reports_count") + 1)
    except IntegrityError:
        raise AlreadyReported() from None
    item.reports_count += 1
    return report


def _decide(*, item: Moderated, by: Member, reason: str, hide: bool) -> ModerationAction:
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_LIMIT:
        raise ModerationReasonRequired()
    with transaction.atomic():
        model = type(item)
        locked = model.objects.select_for_update().get(pk=item.pk)
        if locked.is_hidden == hide:
            raise NothingToChange()
        now = timezone.now()
        fields = (
            {"hidden_at": now, "hidden_reason": reason, "hidden_by": by}
            if hide
            else {"hidden_at": None, "hidden_reason": "", "hidden_by": None}
        )
        model.objects.filter(pk=item.pk).update(**fields)
        for name, value in fields.items():
            setattr(item, name, value)
        kind = ModerationAction.Kind.HIDE if hide else ModerationAction.Kind.RESTORE
        return ModerationAction.objects.create(kind=kind, reason=reason, by=by, at=now, **_target(item))


def moderation_hide(*, item: Moderated, by: Member, reason: str) -> ModerationAction:
    """Hide an item with a reason (its author's words stay stored; nobody else sees them)."""
    return _decide(item=item, by=by, reason=reason, hide=True)


def moderation_restore(*, item: Moderated, by: Member, reason: str) -> ModerationAction:
    """Show a hidden item again, with a reason."""
    return _decide(item=item, by=by, reason=reason, hide=False)
