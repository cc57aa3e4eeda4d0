"""Videos embedded from an allow-listed provider, in their privacy-enhanced form, loaded only on a click.

A page shows a placeholder (the title, the provider's name, a play button and a
sentence saying that the provider receives the visit once pressed); nothing is
requested from the provider before. The button's script (`static/js/embed.js`)
then inserts the provider's frame. The page's Content-Security-Policy allows
that provider's frame domain on that page only (`frame_source`).

Staff paste a video's address or its identifier; `embed_parse` keeps the
identifier if the address is the provider's and the identifier has its shape,
and refuses anything else.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Provider:
    name: str
    pattern: re.Pattern
    hosts: tuple[str, ...]
    frame_source: str  # what the CSP allows on the page that embeds it
    player: str  # the frame's address, with `{id}`


PROVIDERS = {
    "youtube": Provider(
        "YouTube", re.compile(r"[A-Za-z0-9_-]{11}"),
        ("youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"),
        "https://www.youtube-nocookie.com", "https://www.youtube-nocookie.com/embed/{id}?autoplay=1&rel=0",
    ),
    "vimeo": Provider(
        "Vimeo", re.compile(r"[0-9]{6,12}"), ("vimeo.com", "www.vimeo.com", "player.vimeo.com"),
        "https://player.vimeo.com", "https://player.vimeo.com/video/{id}?dnt=1&autoplay=1",
    ),
    "dailymotion": Provider(
        "Dailymotion", re.compile(r"[A-Za-z0-9]{5,12}"),
        ("dailymotion.com", "www.dailymotion.com", "dai.ly", "geo.dailymotion.com"),
        "https://geo.dailymotion.com", "https://geo.dailymotion.com/player.html?video={id}",
    ),
}  # fmt: skip

NOT_ALLOWED = _("Ce service vidéo n'est pas autorisé : YouTube, Vimeo ou Dailymotion seulement.")
NOT_A_VIDEO = _("Cette adresse ne désigne pas une vidéo de %(provider)s.")


def _candidate(provider: str, address: str) -> str:
    """The identifier found in a pasted address (or the text itself when it is not an address)."""
    if "://" not in address and "/" not in address:
        return address
    url = urlparse(address if "://" in address else f"https://{address}")
    if url.scheme not in ("http", "https") or (url.hostname or "") not in PROVIDERS[provider].hosts:
        raise ValidationError(NOT_ALLOWED, code="embed_not_allowed")
    if provider == "youtube" and url.path == "/watch":
        return (parse_qs(url.query).get("v") or [""])[0]
    if provider == "dailymotion" and url.path.startswith("/player.html"):
        return (parse_qs(url.query).get("video") or [""])[0]
    return url.path.rstrip("/").rsplit("/", 1)[-1]


def embed_parse(provider: str, address: str) -> str:
    """The video's identifier for `provider`, from an address or an identifier; ValidationError otherwise."""
    if provider not in PROVIDERS:
        raise ValidationError(NOT_ALLOWED, code="embed_not_allowed")
    identifier = _candidate(provider, address.strip())
    if not PROVIDERS[provider].pattern.fullmatch(identifier or ""):
        raise ValidationError(NOT_A_VIDEO, code="embed_invalid", params={"provider": PROVIDERS[provider].name})
    return identifier


def embed_player(provider: str, identifier: str) -> str:
    return PROVIDERS[provider].player.format(id=identifier)
