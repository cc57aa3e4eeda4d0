"""The rules of the shop, as domain errors with stable codes."""

from django.utils.translation import gettext_lazy as _

from club.core.errors import DomainError


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
