"""The rules of the ledger and the shop, as domain errors with stable codes."""

from django.utils.translation import gettext_lazy as _

from club.errors import DomainError


class InsufficientPoints(DomainError):
    code = "insufficient_points"
    message = _("Vous n'avez pas assez de points.")
    status = 409


class GiftOutOfStock(DomainError):
    code = "out_of_stock"
    message = _("Ce cadeau est épuisé.")
    status = 409


class GiftNotAvailable(DomainError):
    code = "gift_not_available"
    message = _("Ce cadeau n'est pas disponible en ce moment.")
    status = 409


class RedemptionLimitReached(DomainError):
    code = "limit_reached"
    message = _("Vous avez déjà obtenu ce cadeau autant de fois que le permet la boutique.")
    status = 409


class VoucherNotFound(DomainError):
    code = "voucher_not_found"
    message = _("Aucun bon ne correspond à ce code.")
    status = 404


class VoucherAlreadyCollected(DomainError):
    code = "voucher_collected"
    message = _("Ce bon a déjà été remis.")
    status = 409


class VoucherCancelled(DomainError):
    code = "voucher_cancelled"
    message = _("Ce bon a été annulé.")
    status = 409


class VoucherExpired(DomainError):
    code = "voucher_expired"
    message = _("Ce bon a expiré ; ses points ont été rendus.")
    status = 409


class InvalidAdjustment(DomainError):
    code = "invalid_adjustment"
    message = _("Un ajustement doit être un nombre entier non nul, avec un motif.")


class ApprovalNotAllowed(DomainError):
    code = "approval_not_allowed"
    message = _("Un ajustement doit être validé par un autre administrateur du club.")
    status = 403


class AdjustmentAlreadyDecided(DomainError):
    code = "adjustment_decided"
    message = _("Cet ajustement a déjà été traité.")
    status = 409


class UnknownAction(DomainError):
    code = "unknown_action"
    message = _("Cette action ne rapporte pas de points.")


class LockTimeout(DomainError):
    """A contended row could not be locked within the bounded wait."""

    code = "busy"
    message = _("Beaucoup de monde en ce moment : réessayez dans quelques secondes.")
    status = 503
    retry_after = 2
