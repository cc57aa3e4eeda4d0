"""The one base class of the club's domain errors.

A service raises a subclass named after the rule that was broken. Each carries a
stable machine `code` (for API clients) and a translatable `message` (for
members). HTML views show the message; the API turns any DomainError into
`{"code", "message", "details"}` with a 4xx status.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    message = _("Cette action n'est pas possible.")
    status = 400
    # Seconds after which a retry may succeed (sent as Retry-After), for "busy" errors.
    retry_after: int | None = None

    def __init__(self, message=None, *, details: dict | None = None):
        if message is not None:
            self.message = message
        self.details = details or {}
        super().__init__(str(self.message))


class InvalidCode(DomainError):
    code = "invalid_code"
    message = _("Ce code n'est pas valide : vérifiez chaque caractère.")


class NotFound(DomainError):
    code = "not_found"
    message = _("Aucun élément ne correspond.")
    status = 404


class MemberNotFound(NotFound):
    code = "member_not_found"
    message = _("Aucun membre n'a ce numéro.")
