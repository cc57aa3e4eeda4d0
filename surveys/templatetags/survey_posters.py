"""A poster's QR code, in the poster's language: the address it holds asks for that language."""

from django import template

from club.core.qr import qr_svg_cached
from surveys.building import survey_member_url
from surveys.models import Survey

register = template.Library()


@register.simple_tag
def poster_qr(survey: Survey, language: str) -> dict[str, str]:
    """{"url", "svg"} of the survey's member page for a poster in `language` (both empty while it is missing)."""
    url = survey_member_url(survey=survey, language=language)
    return {"url": url or "", "svg": qr_svg_cached(url) if url else ""}
