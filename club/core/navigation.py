"""The site's navigation, from one list that each app adds its entries to.

An app registers its entries in its `AppConfig.ready()`; a feature that does
not exist has no entry (no empty hub, no dead link). Each entry says who sees
it (everyone, members, staff — optionally only with a permission), where it
leads, which pages mark it as the current one (`aria-current`), and, for the
inbox, the count shown beside it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

EVERYONE, MEMBERS, STAFF = "everyone", "members", "staff"


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Any  # a lazy translation
    url_name: str
    audience: str = EVERYONE
    order: int = 50
    permission: str | None = None
    # The current page belongs to this entry when its namespace or its url name is listed here.
    matches: tuple[str, ...] = ()
    # A number shown beside the label (unread notifications), computed only when shown.
    count: Callable[[HttpRequest], int] | None = field(default=None, compare=False)


_entries: dict[str, NavEntry] = {}


def nav_register(entry: NavEntry) -> None:
    _entries[entry.key] = entry


def _visible(entry: NavEntry, request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return entry.audience == EVERYONE and entry.permission is None
    if entry.audience == STAFF and not user.is_staff:
        return False
    return entry.permission is None or user.has_perm(entry.permission)


def _current(entry: NavEntry, request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    return bool({match.app_name, match.view_name} & set(entry.matches))


def _once(count: Callable[[HttpRequest], int], request: HttpRequest) -> Callable[[], int]:
    """The count, computed the first time a template asks (header and menu share it)."""
    cache: list[int] = []

    def value() -> int:
        if not cache:
            cache.append(count(request))
        return cache[0]

    return value


@lru_cache(maxsize=256)
def _address(url_name: str, prefix: str) -> str:
    """An entry's address, reversed once per script prefix (addresses do not change while serving)."""
    return reverse(url_name)


def nav_for(request: HttpRequest) -> list[dict]:
    """The entries this visitor sees, in order, with their address, current flag and count."""
    shown = sorted((e for e in _entries.values() if _visible(e, request)), key=lambda e: (e.order, e.key))
    return [
        {
            "key": entry.key,
            "label": entry.label,
            "url": _address(entry.url_name, get_script_prefix()),
            "current": _current(entry, request),
            "count": _once(entry.count, request) if entry.count else None,
        }
        for entry in shown
    ]
