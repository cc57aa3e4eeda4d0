"""QR codes drawn as inline SVG (segno): the same string as the typed code."""

import segno


def qr_svg(text: str) -> str:
    return segno.make(text, error="m").svg_inline(scale=6, border=2, dark="#1b1b1f", light="#ffffff", omitsize=True)
