"""QR codes drawn as inline SVG (segno): the same string as the typed code."""

import hashlib

import segno
from django.core.cache import cache


def qr_svg(text: str) -> str:
    return segno.make(text, error="m").svg_inline(scale=6, border=2, dark="#1b1b1f", light="#ffffff", omitsize=True)


def qr_svg_cached(text: str) -> str:
    """`qr_svg`, encoded once per text and kept in the cache without expiry.

    A card's or a voucher's QR code never changes, and encoding one costs more
    than the rest of the page it is on. The key is a digest of the text, so a
    change of address (SITE_URL) encodes anew.
    """
    key = "qr:" + hashlib.sha256(text.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = qr_svg(text)
        cache.set(key, svg, timeout=None)
    return svg
