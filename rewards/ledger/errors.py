"""The rules of the ledger, as domain errors with stable codes."""

from django.utils.translation import gettext_lazy as _

from club.core.errors import DomainError


class InsufficientPoints(DomainError):
    code = "insufficient_points"
    message = _("Vous n'avez pas assez de points.")
    status = 409


class InvalidAdjustment(DomainError):
    code = "invalid_adjustment"
    message = _("Un ajustement doit être un nombre entier non nul, avec un motif.")


class SelfAdjustment(DomainError):
    code = "self_adjustment"
    message = _("Personne ne peut ajuster ses propres points : demandez à un autre administrateur.")
    status = 403


class AdjustmentTooLarge(DomainError):
    code = "adjustment_too_large"
    message = _("Un ajustement ne peut pas dépasser %(limit)s points.")


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
