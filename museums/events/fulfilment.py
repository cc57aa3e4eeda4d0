"""The VIP opening is a seat: the shop's gift fulfilled by a seat in an event session.

Registered with the shop in `EventsConfig.ready()` (events → shop; the shop
never imports events). The gift's session is the one whose `gift` is that
gift: buying the gift takes a seat of it through the same conditional
`UPDATE` as a direct booking, so both paths share one stock and never
oversell; the ticket's code is the voucher's; cancelling the voucher gives the
seat back (offered to the waiting list first).
"""

from datetime import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from museums.events import services
from museums.events.models import Booking

if TYPE_CHECKING:
    from rewards.shop.models import Gift, Redemption

SEAT = "seat"


class SeatFulfilment:
    kind = SEAT
    label = _("place à un événement")

    def reserve(self, *, gift: "Gift", member_id: int, now: datetime) -> None:
        services.gift_seat_reserve(gift_id=gift.pk, member_id=member_id, now=now)

    def issued(self, *, redemption: "Redemption", now: datetime) -> None:
        services.gift_seat_issue(redemption=redemption, now=now)

    def release(self, *, redemption: "Redemption", now: datetime) -> None:
        services.gift_seat_release(redemption=redemption, now=now)

    def units_left(self, gift: "Gift") -> int:
        return services.gift_seats_left(gift_id=gift.pk)

    def voucher_lines(self, redemption: "Redemption") -> list[tuple[str, str, str]]:
        """The voucher is the ticket: its session, when and where, and the ticket's page (QR, calendar file)."""
        booking = Booking.objects.select_related("session__activity").filter(redemption_id=redemption.pk).first()
        if booking is None:
            return []
        session = booking.session
        when = formats.date_format(timezone.localtime(session.starts_at), "l j F Y, H:i")
        ticket = reverse("events:ticket", args=[booking.code])
        lines = [(str(_("Séance")), f"{session.activity.title} — {when}", ticket)]
        if session.place:
            lines.append((str(_("Rendez-vous")), session.place, ""))
        return lines
