"""A session as a list item of the design system, for the pages that gather several features.

The "Participer" hub and each museum's page (composition) show the next
sessions with the same card: the activity, where and when, the seats left or
the waiting list, and the price.
"""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from museums.events.models import Session, WaitingEntry


def session_card(session: Session) -> dict:
    activity = session.activity
    when = capfirst(formats.date_format(timezone.localtime(session.starts_at), "l j F, H:i"))
    badges: list[tuple[str, str]] = []
    left = session.seats_left
    if left:
        badges.append((ngettext("%(count)s place", "%(count)s places", left) % {"count": left}, "ok"))
    else:
        badges.append((_("Complet — liste d'attente"), "warn"))
    price = activity.price_points
    badges.append(
        (ngettext("%(count)s point", "%(count)s points", price) % {"count": price}, "info")
        if price
        else (_("Gratuit"), "info")
    )
    return {
        "title": activity.title,
        "url": reverse("events:detail", args=[activity.slug]),
        "meta": f"{activity.get_kind_display()} · {activity.museum.name}",
        "text": when,
        "badges": badges,
        "picture": activity.thumbnail_url,
        "picture_alt": activity.picture_alt,
    }


def offer_card(entry: WaitingEntry) -> dict:
    session = entry.session
    until = formats.date_format(timezone.localtime(entry.offer_expires_at), "l j F, H:i")
    return {
        "title": session.activity.title,
        "url": reverse("events:tickets"),
        "meta": _("Une place vous attend"),
        "text": _("À confirmer avant le %(date)s.") % {"date": until},
        "badges": [(_("Place proposée"), "warn")],
    }
