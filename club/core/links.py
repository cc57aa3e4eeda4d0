"""Links staff write for members (announcements, later content and events): safe by construction.

A link is either a path on this site (`/boutique/`, never `//elsewhere`) or an
https address on an allowed host (the site's own, and `CLUB_LINK_HOSTS`, e.g.
the museums' websites). Anything else — `javascript:`, `data:`, plain http, an
unknown host — is refused with a message, so it can never reach an email, a
page or the API.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def allowed_link_hosts() -> set[str]:
    own = urlsplit(settings.SITE_URL).hostname or ""
    return {host.lower() for host in [own, *settings.CLUB_LINK_HOSTS] if host}


def link_validate(value: str) -> None:
    """Model and form validator: a site path or an https URL on an allowed host."""
    if not value:
        return
    if any(ord(char) < 32 for char in value) or "\\" in value:
        raise ValidationError(_("Ce lien contient des caractères interdits."), code="link_invalid")
    if value.startswith("/") and not value.startswith("//"):
        return
    parts = urlsplit(value)
    if parts.scheme != "https" or (parts.hostname or "").lower() not in allowed_link_hosts():
        raise ValidationError(
            _("Indiquez une adresse du site (commençant par /) ou une adresse https d'un site autorisé."),
            code="link_not_allowed",
        )
