"""A ticket as a calendar file (.ics, RFC 5545), written with the `icalendar` library.

One event per ticket, in Europe/Paris time with its time zone definition (for
the session's dates only, so the file stays small), and a UID made from the
ticket code: when staff move the session, downloading the file again updates
the same entry in the member's calendar instead of adding a second one (its
SEQUENCE goes up with the move), and a cancelled ticket or session says
CANCELLED.
"""

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from museums.events.models import Booking, Session

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//Club des visiteurs//Billets//FR"


def ticket_filename(*, booking: Booking) -> str:
    return f"billet-{booking.code}.ics"


def _location(session: Session) -> str:
    museum = session.activity.museum
    return ", ".join(part for part in (session.place, museum.name) if part)


def _description(*, booking: Booking, url: str) -> str:
    lines = [_("Billet %(code)s") % {"code": booking.code}]
    if booking.seats == 2:
        lines.append(_("2 places (vous et votre invité)"))
    lines.append(url)
    return "\n".join(lines)


def _cancelled(booking: Booking) -> bool:
    return booking.status == Booking.Status.CANCELLED or booking.session.status == Session.Status.CANCELLED


def ticket_calendar(*, booking: Booking, url: str, now: datetime | None = None) -> bytes:
    """The .ics of a ticket; `url` is the ticket page's absolute address (the event's link)."""
    session = booking.session
    starts = timezone.localtime(session.starts_at, PARIS)
    ends = timezone.localtime(session.ends_at, PARIS)
    host = urlsplit(settings.SITE_URL).hostname or "club"
    event = Event.new(
        uid=f"{booking.code}@{host}",
        stamp=now or timezone.now(),
        start=starts,
        end=ends,
        summary=str(session.activity.title),
        location=_location(session),
        description=_description(booking=booking, url=url),
        url=url,
        sequence=1 if session.moved_from else 0,
    )
    event.add("status", "CANCELLED" if _cancelled(booking) else "CONFIRMED")
    calendar = Calendar.new(
        prodid=PRODID, method="PUBLISH", uid=f"{booking.code}-calendar@{host}", subcomponents=[event]
    )
    calendar.add_missing_timezones(first_date=starts.date(), last_date=ends.date() + timedelta(days=1))
    return calendar.to_ical()
