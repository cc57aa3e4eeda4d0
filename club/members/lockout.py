"""Password attempts: one counter for the site login, the admin login and the API token.

django-axes counts failures per account and per client IP (`club.core.ip`)
wherever Django's `authenticate()` runs, so the three entry points share them.
After `AXES_FAILURE_LIMIT` failures the account (or the IP) waits
`AXES_COOLOFF_TIME`: a stranger can delay a member, never lock them out for
good. Failures are recorded (the admin's "Access attempts") and logged.
"""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def attempted_account(request: HttpRequest, credentials: dict | None) -> str:
    """The account a login attempt names: the email, whichever form or API sent it."""
    credentials = credentials or {}
    for key in ("email", "username", "login"):
        if credentials.get(key):
            return str(credentials[key]).strip().lower()
    data = getattr(request, "POST", {}) or {}
    for key in ("login", "username", "email"):
        if data.get(key):
            return str(data[key]).strip().lower()
    return ""


def lockout_response(request: HttpRequest, credentials: dict | None = None, *args, **kwargs):
    """429, as JSON for the API and as a page elsewhere, with when to try again."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Trop d'essais de mot de passe : réessayez dans %(minutes)s minutes.") % {"minutes": minutes}
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"code": "too_many_attempts", "message": message, "details": {"retry_after": int(retry_after)}},
            status=429,
        )
    else:
        response = render(request, "account/lockout.html", {"message": message, "minutes": minutes}, status=429)
    response["Retry-After"] = retry_after
    return response
