"""The client's IP address: the trusted proxies' word, never the client's own.

Behind a reverse proxy every request comes from the proxy's address, and
`X-Forwarded-For` is a list anyone can start: only the entries added by the
proxies we run can be believed. `TRUSTED_PROXIES` says how many there are
(0 for the quick start, where nobody stands in front of the site; 1 behind the
documented nginx). The login lockout (django-axes), allauth's rate limits and
DRF's throttles all use this one answer.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    # Each trusted proxy appended the address it saw: the client is `proxies` from the right.
    return forwarded[-min(proxies, len(forwarded))]
