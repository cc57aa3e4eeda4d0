"""Dates of surveys as members read them: "jusqu'au 12 décembre à 18 h", in the club's time zone (Europe/Paris)."""

from datetime import datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


def _moment(value: datetime) -> dict[str, str]:
    local = timezone.localtime(value)
    day = dateformat.format(local, "j F" if local.year == timezone.localdate().year else "j F Y")
    if local.day == 1 and (get_language() or "fr").startswith("fr"):
        day = "1er" + day[1:]  # le 1er décembre
    if local.minute:
        time = _("%(hour)s h %(minute)s") % {"hour": local.hour, "minute": f"{local.minute:02d}"}
    else:
        time = _("%(hour)s h") % {"hour": local.hour}
    return {"date": day, "time": time}


@register.filter
def until(value: datetime | None) -> str:
    """ "jusqu'au 12 décembre à 18 h" """
    return _("jusqu'au %(date)s à %(time)s") % _moment(value) if value else ""


@register.filter
def on_day(value: datetime | None) -> str:
    """ "le 12 décembre à 18 h" """
    return _("le %(date)s à %(time)s") % _moment(value) if value else ""
