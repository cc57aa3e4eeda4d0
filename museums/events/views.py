"""Member pages of activities and events: the list, an activity, booking, waiting lists, tickets, ratings.

Everyone sees the list and an activity's page; a members-only activity shows
visitors a teaser and an invitation to join, a public one its dates too
(booking stays for members). Every action is a POST that calls one service
and shows the broken rule's message when it fails (never a 500), then goes
back where the member was; what spends or cancels something asks first
(the design system's confirmation step). A page that changes state is the
outermost boundary of its request: it opens the one durable transaction the
services join.

A ticket's QR code holds the door page's address with the ticket code, like
the shop's vouchers hold the desk's: any phone's camera opens the door page,
and a member who opens it lands on their own ticket.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from club.core.errors import DomainError
from club.core.qr import qr_svg_cached
from club.members.decorators import member_required
from club.moderation.models import Report
from club.moderation.services import report_create
from museums.events import selectors, services
from museums.events.calendar import ticket_calendar, ticket_filename
from museums.events.errors import (
    BookingClosed,
    CancellationClosed,
    GuestNotAllowed,
    NotAttended,
    SessionCancelled,
    SessionFull,
    TicketNotFound,
)
from museums.events.models import Activity, Booking, Rating, Session, WaitingEntry
from museums.models import Museum
from rewards.ledger.errors import InsufficientPoints
from rewards.ledger.models import LedgerEntry, Reason
from rewards.ledger.selectors import balance_of, earning_rule_points

PAGE_SIZE = 24
PAST_TICKETS = 20
COMMENTS_SHOWN = 30
FEW_SEATS = 5


def _int(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _member(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def _when(moment) -> str:
    """A date and time as people read them (Europe/Paris, the reader's language)."""
    return formats.date_format(timezone.localtime(moment), "l j F Y, H:i")


def _error(request: HttpRequest, error: DomainError) -> None:
    messages.error(request, str(error.message))


# --- Positions on waiting lists ---------------------------------------------------------


# --- The list ---------------------------------------------------------------------------


def _filters(request: HttpRequest) -> dict:
    kind = request.GET.get("type", "")
    return {"museum": _int(request.GET.get("musee")), "kind": kind if kind in Activity.Kind.values else ""}


def _seats_badge(session: Session) -> tuple[str, str]:
    left = session.seats_left
    if not left:
        return _("Complet : liste d'attente"), "warn"
    if left <= FEW_SEATS:
        return ngettext("Plus que %(count)s place", "Plus que %(count)s places", left) % {"count": left}, "warn"
    return ngettext("%(count)s place libre", "%(count)s places libres", left) % {"count": left}, "ok"


def _price_badge(activity: Activity) -> tuple[str, str]:
    if not activity.price_points:
        return _("Gratuit"), "info"
    return ngettext("%(count)s point", "%(count)s points", activity.price_points) % {
        "count": activity.price_points
    }, "info"


def _list_item(activity: Activity, *, member, booked: set[int]) -> dict:
    teaser = activity.members_only and member is None
    sessions = activity.upcoming  # type: ignore[attr-defined]
    badges = [_price_badge(activity)]
    if activity.pk in booked:
        badges.insert(0, (_("Vous avez un billet"), "ok"))
    if teaser:
        note = _("Réservé aux membres du club")
    elif sessions:
        first = sessions[0]
        badges.append(_seats_badge(first))
        note = _("Prochaine séance : %(date)s") % {"date": _when(first.starts_at)}
        if len(sessions) > 1:
            others = len(sessions) - 1
            note += " " + ngettext("(et %(count)s autre date)", "(et %(count)s autres dates)", others) % {
                "count": others
            }
    else:
        note = _("Pas de séance à venir pour le moment.")
    return {
        "activity": activity,
        "meta": f"{activity.get_kind_display()} · {activity.museum.name}",
        "badges": badges,
        "note": note,
    }


@require_safe
def activity_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    member = _member(request)
    activities = selectors.activities_listed(member=member, now=timezone.now(), **filters)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    booked: set[int] = set()
    if member is not None and page.object_list:
        booked = set(
            Booking.objects.live()
            .filter(
                member=member,
                session__activity__in=[a.pk for a in page.object_list],
                session__starts_at__gt=timezone.now(),
            )
            .values_list("session__activity_id", flat=True)
        )
    context = {
        "page": page,
        "items": [_list_item(activity, member=member, booked=booked) for activity in page.object_list],
        "filters": filters,
        "kinds": Activity.Kind.choices,
        "museums": Museum.objects.filter(is_active=True).only("pk", "name"),
        "member": member is not None,
        "filtered": any(filters.values()),
    }
    return render(request, "events/list.html", context)


# --- An activity ------------------------------------------------------------------------


def _activity(slug: str) -> Activity:
    return get_object_or_404(Activity.objects.published().select_related("museum"), slug=slug)


def _session_state(session: Session, *, now, booking, entry) -> str:
    """What the member can do with a session (the template shows one block per state)."""
    if booking is not None:
        return "booked"
    if entry is not None:
        return entry.status  # "offered" or "waiting"
    if not session.is_bookable(now):
        opens = session.booking_opens()
        return "not_open" if opens is not None and now < opens else "closed"
    if session.gift_id and session.seats_left:  # the shop's gift is this session's way in (one purchase path)
        return "gift"
    return "full" if session.seats_left < 1 else "bookable"


def _sessions(activity: Activity, *, member, now) -> list[dict]:
    sessions = list(selectors.sessions_of(activity=activity, now=now))
    for session in sessions:
        session.activity = activity  # (the rules read the activity: no query per session)
    bookings: dict[int, Booking] = {}
    entries: dict[int, WaitingEntry] = {}
    if member is not None and sessions:
        ids = [session.pk for session in sessions]
        bookings = {b.session_id: b for b in Booking.objects.live().filter(member=member, session_id__in=ids)}
        waiting = WaitingEntry.objects.filter(member=member, session_id__in=ids, status__in=WaitingEntry.ACTIVE)
        entries = {entry.session_id: entry for entry in selectors.waiting_with_positions(waiting)}
    rows = []
    for session in sessions:
        booking, entry = bookings.get(session.pk), entries.get(session.pk)
        rows.append(
            {
                "session": session,
                "booking": booking,
                "entry": entry,
                "state": _session_state(session, now=now, booking=booking, entry=entry),
                "seats_badge": _seats_badge(session),
                "guest_possible": activity.guest_allowed and session.seats_left >= 2,
            }
        )
    return rows


def _stars(stars: int) -> str:
    return "★" * stars + "☆" * (5 - stars)


def _ratings(activity: Activity) -> dict:
    average, count = selectors.rating_summary(activity=activity)
    comments = list(selectors.ratings_visible(activity=activity).exclude(comment="")[:COMMENTS_SHOWN])
    for rating in comments:
        rating.stars_text = _stars(rating.stars)
    return {
        "average": average,
        "average_stars": _stars(round(average)) if average is not None else "",
        "count": count,
        "comments": comments,
    }


def _rating_points(activity: Activity) -> int:
    if activity.rating_points is not None:
        return activity.rating_points
    return earning_rule_points(action=Reason.ACTIVITY_RATED)


@require_safe
def activity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    activity = _activity(slug)
    member = _member(request)
    now = timezone.now()
    teaser = activity.members_only and member is None
    context: dict = {"activity": activity, "member": member is not None, "teaser": teaser}
    if not teaser:
        context["sessions"] = _sessions(activity, member=member, now=now)
    context.update(_ratings(activity))
    context["report_reasons"] = Report.Reason.choices
    if member is not None:
        if activity.price_points:
            balance = balance_of(member=member)
            context["balance"] = balance
            context["missing"] = max(activity.price_points - balance, 0)
        rateable = selectors.rateable_booking(member=member, activity=activity, now=now)
        if rateable is not None:
            context["rateable"] = rateable
            context["rating_points"] = _rating_points(activity)
    return render(request, "events/detail.html", context)


# --- Booking and the waiting list --------------------------------------------------------


def _session(pk: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("activity__museum"), pk=pk)
    if not session.activity.is_published:
        raise Http404
    return session


def _session_url(session: Session) -> str:
    """Where an action on a session returns: the activity's page, at its top, where the message says what happened."""
    return reverse("events:detail", args=[session.activity.slug])


def _guest(request: HttpRequest) -> bool:
    return request.GET.get("invite") == "1" or request.POST.get("invite") == "1"


def _not_bookable(session: Session, *, guest: bool) -> DomainError | None:
    """Why the question need not be asked (the service says the same when the form is posted anyway)."""
    if session.status == Session.Status.CANCELLED:
        return SessionCancelled()
    if not session.is_bookable(timezone.now()):
        return BookingClosed()
    if guest and not session.activity.guest_allowed:
        return GuestNotAllowed()
    if session.seats_left < (2 if guest else 1):
        return SessionFull()
    return None


def _book_question(request: HttpRequest, session: Session, *, guest: bool) -> HttpResponse:
    activity = session.activity
    price = activity.price_points
    if (refused := _not_bookable(session, guest=guest)) is not None:
        _error(request, refused)
        return redirect(_session_url(session))
    lines = [
        ngettext(
            "%(when)s — %(place)s. %(count)s place.", "%(when)s — %(place)s. %(count)s places (vous et votre invité).",
            2 if guest else 1,
        )
        % {"when": _when(session.starts_at), "place": session.place or activity.museum.name, "count": 2 if guest else 1}
    ]  # fmt: skip
    if price:
        balance = balance_of(member=request.user)
        if balance < price:
            _error(request, InsufficientPoints())
            return redirect(_session_url(session))
        lines.append(
            _("Votre solde passera de %(before)s à %(after)s points.") % {"before": balance, "after": balance - price}
        )
    else:
        lines.append(_("C'est gratuit."))
    deadline = session.cancellation_deadline()
    if deadline > timezone.now():
        sentence = (
            _("Vous pourrez annuler jusqu'au %(date)s : vos points vous seront rendus.")
            if price
            else _("Vous pourrez annuler jusqu'au %(date)s.")
        )
        lines.append(sentence % {"date": _when(deadline)})
    title = (
        ngettext(
            "Réserver « %(activity)s » pour %(points)s point ?",
            "Réserver « %(activity)s » pour %(points)s points ?",
            price,
        )
        if price
        else _("Réserver « %(activity)s » ?")
    ) % {"activity": activity.title, "points": price}
    action = reverse("events:book", args=[session.pk]) + ("?invite=1" if guest else "")
    return render(
        request,
        "events/confirm.html",
        {
            "title": title,
            "text": " ".join(lines),
            "action": action,
            "confirm_label": _("Oui, réserver"),
            "back_url": _session_url(session),
        },
    )


@require_http_methods(["GET", "POST"])
@member_required
def session_book(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks "book this session (for N points)?"; POST books it and opens the ticket."""
    session = _session(pk)
    guest = _guest(request)
    if request.method == "GET":
        booking = selectors.booking_of(member=request.user, session=session)
        if booking is not None:
            return redirect("events:ticket", code=booking.code)
        return _book_question(request, session, guest=guest)
    try:
        with transaction.atomic(durable=True):
            booking = services.booking_create(member=request.user, session=session, guest=guest)
    except DomainError as error:
        _error(request, error)
        return redirect(_session_url(session))
    messages.success(request, _("C'est réservé ! Voici votre billet : montrez son QR code à l'entrée."))
    return redirect("events:ticket", code=booking.code)


@require_POST
@member_required
def waitlist_join(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    try:
        with transaction.atomic(durable=True):
            entry = services.waitlist_join(member=request.user, session=session, guest=_guest(request))
    except DomainError as error:
        _error(request, error)
        return redirect(_session_url(session))
    position = selectors.waiting_position(entry=entry)
    messages.success(
        request,
        _("Vous êtes n°%(position)s sur la liste d'attente. Si une place se libère, elle vous sera proposée.")
        % {"position": position},
    )
    return redirect(_session_url(session))


def _own_entry(request: HttpRequest, pk: int) -> WaitingEntry:
    return get_object_or_404(
        WaitingEntry.objects.select_related("session__activity__museum"), pk=pk, member_id=request.user.pk
    )


def _entry_question(request: HttpRequest, entry: WaitingEntry, **context) -> HttpResponse:
    return render(request, "events/confirm.html", {"back_url": reverse("events:tickets"), **context})


@require_http_methods(["GET", "POST"])
@member_required
def offer_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks "take the seat offered (for N points)?"; POST takes it and opens the ticket."""
    entry = _own_entry(request, pk)
    session = entry.session
    if request.method == "GET":
        if entry.status != WaitingEntry.Status.OFFERED:
            return redirect("events:tickets")
        price = session.activity.price_points
        text = _("%(when)s — %(place)s. À confirmer avant le %(deadline)s.") % {
            "when": _when(session.starts_at),
            "place": session.place or session.activity.museum.name,
            "deadline": _when(entry.offer_expires_at),
        }
        if price:
            balance = balance_of(member=request.user)
            text += " " + _("Votre solde passera de %(before)s à %(after)s points.") % {
                "before": balance,
                "after": balance - price,
            }
        return _entry_question(
            request,
            entry,
            title=_("Prendre la place proposée pour « %(activity)s » ?") % {"activity": session.activity.title},
            text=text,
            action=reverse("events:offer_confirm", args=[entry.pk]),
            confirm_label=_("Oui, je prends la place"),
        )
    try:
        with transaction.atomic(durable=True):
            booking = services.offer_confirm(entry=entry, member=request.user)
    except DomainError as error:
        _error(request, error)
        return redirect("events:tickets")
    messages.success(request, _("La place est à vous ! Voici votre billet."))
    return redirect("events:ticket", code=booking.code)


@require_http_methods(["GET", "POST"])
@member_required
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks "give the seat offered up?"; POST passes it to the next member."""
    entry = _own_entry(request, pk)
    if request.method == "GET":
        if entry.status != WaitingEntry.Status.OFFERED:
            return redirect("events:tickets")
        return _entry_question(
            request,
            entry,
            title=_("Refuser la place proposée pour « %(activity)s » ?") % {"activity": entry.session.activity.title},
            text=_("Elle sera proposée à la personne suivante sur la liste d'attente."),
            action=reverse("events:offer_decline", args=[entry.pk]),
            confirm_label=_("Oui, refuser la place"),
            back_label=_("Non, revenir"),
            danger=True,
        )
    try:
        with transaction.atomic(durable=True):
            services.offer_decline(entry=entry, member=request.user)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Place refusée : elle passe à la personne suivante."))
    return redirect("events:tickets")


@require_http_methods(["GET", "POST"])
@member_required
def waitlist_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks "leave the waiting list?"; POST leaves it (a seat held for the member passes on)."""
    entry = _own_entry(request, pk)
    if request.method == "GET":
        if entry.status not in WaitingEntry.ACTIVE:
            return redirect("events:tickets")
        return _entry_question(
            request,
            entry,
            title=_("Quitter la liste d'attente de « %(activity)s » ?") % {"activity": entry.session.activity.title},
            text=_("Vous perdrez votre rang ; vous pourrez vous réinscrire, à la fin de la liste."),
            action=reverse("events:waitlist_leave", args=[entry.pk]),
            confirm_label=_("Oui, quitter la liste"),
            danger=True,
        )
    try:
        with transaction.atomic(durable=True):
            services.waitlist_leave(entry=entry, member=request.user)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Vous avez quitté la liste d'attente."))
    return redirect("events:tickets")


# --- Tickets ----------------------------------------------------------------------------


def _ticket_item(booking: Booking, *, past: bool) -> dict:
    """A ticket in "Mes billets" (the design system's list item)."""
    session = booking.session
    badges = []
    if booking.seats > 1:
        badges.append((_("2 places"), "info"))
    if not past and booking.move == Booking.Move.PENDING:
        badges.append((_("Nouvel horaire : votre réponse est attendue"), "warn"))
    if booking.status == Booking.Status.CANCELLED:
        badges.append((_("Annulé"), "danger"))
    elif past and booking.attended_at:
        rated = hasattr(booking, "rating")
        badges.append((_("Noté") if rated else _("À noter"), "ok" if rated else "warn"))
    return {
        "title": session.activity.title,
        "url": _ticket_url(booking),
        "meta": _when(session.starts_at),
        "text": ", ".join(part for part in (session.place, session.activity.museum.name) if part),
        "badges": badges,
    }


@require_safe
@member_required
def tickets(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    entries = selectors.waiting_with_positions(selectors.waiting_of(member=request.user))
    for entry in entries:
        entry.detail_url = _session_url(entry.session)
    context = {
        "upcoming": [_ticket_item(b, past=False) for b in selectors.tickets_of(member=request.user, now=now)],
        "past": [
            _ticket_item(b, past=True)
            for b in selectors.tickets_of(member=request.user, now=now, past=True)[:PAST_TICKETS]
        ],
        "cancelled": [
            _ticket_item(b, past=True)
            for b in selectors.tickets_cancelled_of(member=request.user, now=now)[:PAST_TICKETS]
        ],
        "offers": [entry for entry in entries if entry.status == WaitingEntry.Status.OFFERED],
        "waiting": [entry for entry in entries if entry.status == WaitingEntry.Status.WAITING],
    }
    return render(request, "events/tickets.html", context)


def _own_ticket(request: HttpRequest, code: str) -> Booking:
    try:
        return selectors.booking_by_code(code=code, member=request.user)
    except TicketNotFound:
        raise Http404 from None


def ticket_qr_text(*, booking: Booking) -> str:
    """What a ticket's QR code holds: the door page with the ticket's code (as the vouchers hold the desk's)."""
    return f"{settings.SITE_URL}{reverse('events_staff:door')}?{urlencode({'code': booking.code})}"


def _ticket_url(booking: Booking) -> str:
    return reverse("events:ticket", args=[booking.code])


@require_safe
@member_required
def ticket(request: HttpRequest, code: str) -> HttpResponse:
    booking = _own_ticket(request, code)
    session = booking.session
    now = timezone.now()
    live = booking.status == Booking.Status.BOOKED and session.status == Session.Status.SCHEDULED
    context = {
        "booking": booking,
        "session": session,
        "activity": session.activity,
        "live": live,
        "past": session.ends_at <= now,
        "deadline": session.cancellation_deadline(),
        "can_cancel": live and (booking.move == Booking.Move.PENDING or now < session.cancellation_deadline()),
        "move_pending": live and booking.move == Booking.Move.PENDING,
    }
    if live and not context["past"]:
        context["qr_svg"] = qr_svg_cached(ticket_qr_text(booking=booking))
    if live and booking.attended_at and context["past"]:
        context["rated"] = Rating.objects.filter(booking=booking).exists()
    return render(request, "events/ticket.html", context)


@require_safe
@member_required
def ticket_calendar_file(request: HttpRequest, code: str) -> HttpResponse:
    """The ticket as a calendar file (.ics), for its owner only."""
    booking = _own_ticket(request, code)
    body = ticket_calendar(booking=booking, url=f"{settings.SITE_URL}{_ticket_url(booking)}")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ticket_filename(booking=booking)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@member_required
def ticket_cancel(request: HttpRequest, code: str) -> HttpResponse:
    """GET asks "cancel this ticket?" with what comes back; POST cancels it (seat and points back)."""
    booking = _own_ticket(request, code)
    session = booking.session
    if request.method == "GET":
        if booking.status != Booking.Status.BOOKED:
            return redirect(_ticket_url(booking))
        if booking.move != Booking.Move.PENDING and timezone.now() >= session.cancellation_deadline():
            _error(request, CancellationClosed())
            return redirect(_ticket_url(booking))
        return render(
            request,
            "events/confirm.html",
            _cancel_question(booking, action=reverse("events:cancel", args=[booking.code])),
        )
    try:
        with transaction.atomic(durable=True):
            services.booking_cancel(booking=booking, by=request.user)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _cancelled_message(booking))
    return redirect(_ticket_url(booking))


def _cancel_question(booking: Booking, *, action: str) -> dict:
    session = booking.session
    points = booking.redemption.points if booking.redemption_id else booking.points
    if booking.seats > 1:  # the member and their guest
        text = (
            ngettext(
                "Vos deux places du %(when)s seront libérées et votre %(points)s point vous sera rendu.",
                "Vos deux places du %(when)s seront libérées et vos %(points)s points vous seront rendus.",
                points,
            )
            if points
            else _("Vos deux places du %(when)s seront libérées pour d'autres membres.")
        )
    else:
        text = (
            ngettext(
                "Votre place du %(when)s sera libérée et votre %(points)s point vous sera rendu.",
                "Votre place du %(when)s sera libérée et vos %(points)s points vous seront rendus.",
                points,
            )
            if points
            else _("Votre place du %(when)s sera libérée pour quelqu'un d'autre.")
        )
    text = text % {"when": _when(session.starts_at), "points": points}
    return {
        "title": _("Annuler votre billet pour « %(activity)s » ?") % {"activity": session.activity.title},
        "text": text,
        "action": action,
        "confirm_label": _("Oui, annuler le billet"),
        "back_url": reverse("events:ticket", args=[booking.code]),
        "back_label": _("Non, garder le billet"),
        "danger": True,
    }


def _cancelled_message(booking: Booking) -> str:
    points = booking.redemption.points if booking.redemption_id else booking.points
    if points:
        return ngettext(
            "Billet annulé : votre %(points)s point vous a été rendu.",
            "Billet annulé : vos %(points)s points vous ont été rendus.",
            points,
        ) % {"points": points}
    return _("Billet annulé : votre place est libérée.")


@require_POST
@member_required
def move_keep(request: HttpRequest, code: str) -> HttpResponse:
    """The session was moved: the member keeps their seat at the new time."""
    booking = _own_ticket(request, code)
    try:
        with transaction.atomic(durable=True):
            services.booking_move_answer(booking=booking, member=request.user, keep=True)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("C'est noté : vous gardez votre place au nouvel horaire."))
    return redirect(_ticket_url(booking))


@require_http_methods(["GET", "POST"])
@member_required
def move_cancel(request: HttpRequest, code: str) -> HttpResponse:
    """The session was moved: GET asks "cancel instead?"; POST cancels with the refund."""
    booking = _own_ticket(request, code)
    if request.method == "GET":
        if booking.status != Booking.Status.BOOKED or booking.move != Booking.Move.PENDING:
            return redirect(_ticket_url(booking))
        return render(
            request,
            "events/confirm.html",
            _cancel_question(booking, action=reverse("events:move_cancel", args=[booking.code])),
        )
    try:
        with transaction.atomic(durable=True):
            services.booking_move_answer(booking=booking, member=request.user, keep=False)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _cancelled_message(booking))
    return redirect(_ticket_url(booking))


# --- Ratings ----------------------------------------------------------------------------


def _rated_message(request: HttpRequest, booking: Booking) -> str:
    """Thanks, with the points the rating paid and the new balance (read from the ledger entry)."""
    entry = (
        LedgerEntry.objects.filter(member=request.user, reason=Reason.ACTIVITY_RATED, reference=booking.reference)
        .only("amount", "balance_after")
        .first()
    )
    thanks = _("Merci pour votre note !")
    if entry is None or entry.amount <= 0:
        return thanks
    paid = ngettext("+%(points)s point", "+%(points)s points", entry.amount) % {"points": entry.amount}
    balance = ngettext("votre solde : %(count)s point.", "votre solde : %(count)s points.", entry.balance_after) % {
        "count": entry.balance_after
    }
    return f"{thanks} {paid} · {balance}"


@require_POST
@member_required
def activity_rate(request: HttpRequest, slug: str) -> HttpResponse:
    activity = _activity(slug)
    back = reverse("events:detail", args=[activity.slug])
    booking = selectors.rateable_booking(member=request.user, activity=activity)
    try:
        if booking is None:
            raise NotAttended()
        with transaction.atomic(durable=True):
            services.rating_create(
                member=request.user, booking=booking, stars=_int(request.POST.get("stars")) or 0,
                comment=request.POST.get("comment", ""),
            )  # fmt: skip
    except DomainError as error:
        _error(request, error)
        return redirect(back)
    messages.success(request, _rated_message(request, booking))
    return redirect(back)


@require_POST
@member_required
def rating_report(request: HttpRequest, pk: int) -> HttpResponse:
    rating = get_object_or_404(Rating.objects.visible().select_related("activity"), pk=pk, activity__is_published=True)
    try:
        report_create(member=request.user, item=rating, reason=request.POST.get("reason", ""),
                      note=request.POST.get("note", ""))  # fmt: skip
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Merci : l'équipe va relire cet avis."))
    return redirect(reverse("events:detail", args=[rating.activity.slug]))
