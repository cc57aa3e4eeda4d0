"""The rules of members, as domain errors with stable codes."""

from django.utils.translation import gettext_lazy as _

from club.core.errors import DomainError


class MemberHasHistory(DomainError):
    code = "member_has_history"
    message = _(
        "Ce membre a un historique (points, bons ou consentements) : il ne peut pas être supprimé. "
        "Désactivez son compte à la place."
    )
    status = 409
