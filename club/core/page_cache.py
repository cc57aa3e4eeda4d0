"""Whole pages kept in the cache while what they show is unchanged (fingerprint caching).

"Mon club" is read on every visit and changes only when the member's points,
vouchers, inbox or the catalogue do. Its view reads those few numbers (a
query each, no more than the page itself needs), makes a fingerprint of them,
and serves the page rendered last time for the same fingerprint; rendering the
page (and its header and menu) cost more than everything else together
(bench/pages.py). Nothing is ever invalidated by hand: a change of any input is
a new fingerprint, and old entries expire.

What a cached page may not hold: the CSRF token (drawn as a marker, which each
request replaces with its own token), one-time messages (a page with messages is
never cached), anything from the query string (such requests bypass the cache).
The fingerprint also holds the release (a digest of the templates, catalogues
and static manifest), so a deployment never serves a page of the previous one.
"""

import hashlib
from collections.abc import Callable
from functools import cache as memoize
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

CSRF_TOKEN_MARKER = "club-csrf-token-of-this-request"  # noqa: S105 - a marker, not a secret
PAGE_CACHE_SECONDS = 15 * 60


@memoize
def release() -> str:
    """A digest of what renders pages: templates, translation catalogues, the static manifest."""
    digest = hashlib.sha256()
    roots = [Path(settings.BASE_DIR) / "templates", *map(Path, settings.LOCALE_PATHS)]
    manifest = Path(settings.STATIC_ROOT or ".") / "staticfiles.json"
    files = sorted(path for root in roots if root.exists() for path in root.rglob("*") if path.is_file())
    for path in [*files, manifest]:
        if path.is_file():
            digest.update(str(path).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def page_cached(
    request: HttpRequest,
    *,
    name: str,
    state: tuple,
    render: Callable[[dict], HttpResponse],
    versions: dict[str, Callable[[], str]] | None = None,
) -> HttpResponse:
    """The page `render(extra_context)` draws for `state`, drawn once per state, language and release.

    `versions` names cache keys holding the version of something shared the
    page shows (the catalogue's digest), with how to compute it when absent:
    they are read in the same round trip as the page, and a page drawn for
    another version is drawn again.
    """
    if settings.DEBUG or request.method != "GET" or request.GET or len(messages.get_messages(request)):
        return render({})  # (with DEBUG, templates change under a running server: always drawn)
    versions = versions or {}
    fingerprint = repr((release(), get_language(), state)).encode()
    key = f"page:{name}:{hashlib.sha256(fingerprint).hexdigest()}"
    found = cache.get_many([key, *versions])
    current = {version_key: found.get(version_key) or compute() for version_key, compute in versions.items()}
    entry = found.get(key)
    if entry is not None and entry["versions"] == current:
        html = entry["html"]
    else:
        response = render({"csrf_token": CSRF_TOKEN_MARKER})
        html = response.content.decode(response.charset)
        if response.status_code != 200:  # not a page to keep
            response.content = html.replace(CSRF_TOKEN_MARKER, get_token(request))
            return response
        cache.set(key, {"versions": current, "html": html}, PAGE_CACHE_SECONDS)
    return HttpResponse(html.replace(CSRF_TOKEN_MARKER, get_token(request)))
