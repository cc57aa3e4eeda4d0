"""The rules of booking, waiting lists, tickets and ratings, as domain errors with stable codes."""

from django.utils.translation import gettext_lazy as _

from club.core.errors import DomainError, NotFound


class BookingClosed(DomainError):
    code = "booking_closed"
    message = _("Les réservations de cette séance ne sont pas ouvertes.")
    status = 409


class SessionFull(DomainError):
    code = "session_full"
    message = _("Cette séance est complète : vous pouvez rejoindre la liste d'attente.")
    status = 409


class SeatsLeft(DomainError):
    code = "seats_left"
    message = _("Il reste des places : réservez directement.")
    status = 409


class AlreadyBooked(DomainError):
    code = "already_booked"
    message = _("Vous avez déjà une place pour cette séance.")
    status = 409


class GuestNotAllowed(DomainError):
    code = "guest_not_allowed"
    message = _("Cette activité ne permet pas de venir accompagné.")


class CancellationClosed(DomainError):
    code = "cancellation_closed"
    message = _("Il est trop tard pour annuler cette réservation.")
    status = 409


class BookingAlreadyCancelled(DomainError):
    code = "booking_cancelled"
    message = _("Cette réservation est déjà annulée.")
    status = 409


class AlreadyWaiting(DomainError):
    code = "already_waiting"
    message = _("Vous êtes déjà sur la liste d'attente de cette séance.")
    status = 409


class NoOffer(DomainError):
    code = "no_offer"
    message = _("Aucune place ne vous est proposée pour cette séance.")
    status = 409


class OfferExpired(DomainError):
    code = "offer_expired"
    message = _("Le délai pour confirmer cette place est passé : elle a été proposée à la personne suivante.")
    status = 409


class SessionCancelled(DomainError):
    code = "session_cancelled"
    message = _("Cette séance a été annulée.")
    status = 409


class CapacityBelowBooked(DomainError):
    code = "capacity_below_booked"
    message = _("La jauge ne peut pas être inférieure aux places déjà prises.")


class TicketNotFound(NotFound):
    code = "ticket_not_found"
    message = _("Aucun billet ne correspond à ce code.")


class TicketCancelled(DomainError):
    code = "ticket_cancelled"
    message = _("Ce billet a été annulé.")
    status = 409


class TicketNotToday(DomainError):
    code = "ticket_not_today"
    message = _("Ce billet est pour une séance d'un autre jour : vérifiez avant de laisser entrer.")
    status = 409


class TicketAlreadyScanned(DomainError):
    code = "ticket_already_scanned"
    message = _("Ce billet a déjà été scanné.")
    status = 409


class NotAttended(DomainError):
    code = "not_attended"
    message = _("Seuls les participants présents à la séance peuvent la noter.")
    status = 403


class SessionNotOver(DomainError):
    code = "session_not_over"
    message = _("Vous pourrez noter cette séance une fois terminée.")
    status = 409


class AlreadyRated(DomainError):
    code = "already_rated"
    message = _("Vous avez déjà noté cette séance.")
    status = 409


class InvalidRating(DomainError):
    code = "invalid_rating"
    message = _("La note va de 1 à 5 étoiles.")
