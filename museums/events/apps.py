from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from club.core.staff import ALL_PERMISSIONS


class EventsConfig(AppConfig):
    """Activities and events (a feature): sessions with seats, bookings, waiting lists, tickets, ratings."""

    name = "museums.events"
    label = "events"
    verbose_name = _("Activités et événements")
    museum_team_permissions = ALL_PERMISSIONS

    def ready(self):
        from club.moderation.registry import moderated_register
        from museums.events import jobs  # noqa: F401 - registers the beat tasks
        from museums.events.fulfilment import SeatFulfilment
        from museums.events.models import Rating
        from museums.events.selectors import booking_reference_names
        from rewards.ledger.models import Reason
        from rewards.ledger.registries import earning_way_register, reference_resolver_register
        from rewards.shop.fulfilments import fulfilment_register

        fulfilment_register(SeatFulfilment())
        earning_way_register(
            Reason.ACTIVITY_RATED,
            url_name="events:list",
            how=_("Notez une activité à laquelle vous avez participé : une fois par séance."),
        )
        reference_resolver_register("events.booking", booking_reference_names)
        moderated_register(Rating, label=_("Note d'une activité"))
