"""Staff pages of activities and events (Espace équipe): sessions, their roster and waiting list, the door, ratings.

- the overview lists the sessions to come (from today on), the staff member's
  museums first, with seats booked, capacity and people waiting;
- a session's page shows who is booked (ticket code, present or not), the
  waiting list in order (reordered, or a seat offered by hand), the seats that
  would serve everyone waiting, and lets staff write to everyone booked, move
  the session or cancel it (each after a page that says what will happen);
- the door page marks attendance from a ticket's code, typed, read by a USB
  scanner or the phone's camera; a ticket's QR code opens it with `?code=…`
  (a member who scans their own lands on their ticket). Present / booked
  follows live: `static/js/events-door.js` asks `door_counts` every few
  seconds (no inline script: the CSP stays 'self');
- the ratings page gives each activity's and each session's average and
  count, the comments, and the CSV of every rating.

Permissions (the museum team and the club administration have them all):
reading sessions "events.view_session", changing them
"events.change_session", the door "events.change_booking", ratings
"events.view_rating". Visitors go to the login and come back, members and
staff without the permission get a 403. Every change goes through
`museums.events.services`, in the request's one durable transaction — except
cancelling a session, which `session_cancel` does ticket by ticket in its own
transactions (a rerun after a crash refunds only the tickets left).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Avg, Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from club.core.codes import code_from_scan, code_is_valid, code_normalize
from club.core.errors import DomainError, InvalidCode
from club.core.exports import csv_write_rows, csv_writer
from club.members.decorators import staff_required
from museums.events import services
from museums.events.errors import SessionFull, TicketNotFound, TicketNotToday
from museums.events.forms import (
    TICKET_PARAM,
    StaffCancelForm,
    StaffMessageForm,
    StaffMoveForm,
    StaffMuseumFilterForm,
    StaffRatingsFilterForm,
    StaffReorderForm,
    StaffTicketForm,
)
from museums.events.models import Activity, Booking, Rating, Session, SessionMessage, WaitingEntry
from museums.events.selectors import (
    booking_by_code,
    ratings_for_staff,
    session_counts,
    session_roster,
    session_waiting,
    waiting_seats_needed,
)
from museums.models import Museum

VIEW = "events.view_session"
CHANGE = "events.change_session"
DOOR = "events.change_booking"
RATINGS = "events.view_rating"
SESSIONS_PER_PAGE = 30
COMMENTS_PER_PAGE = 20
MESSAGES_SHOWN = 5
DOOR_REFRESH_SECONDS = 5
DAY = timedelta(days=1)


def staff_view(permission: str):
    """Staff with `permission` (visitors to the login, everyone else a 403)."""

    def decorate(view):
        return staff_required(permission_required(permission, raise_exception=True)(view))

    return decorate


def _museums() -> list[Museum]:
    return list(Museum.objects.order_by("position", "name"))


def _mine_first(request: HttpRequest, path: str) -> Case:
    """0 for the staff member's own museums, 1 for the others: their own come first (DESIGN)."""
    mine = list(request.user.museums.values_list("pk", flat=True))
    return Case(When(**{f"{path}__in": mine}, then=Value(0)), default=Value(1), output_field=IntegerField())


def _today_start() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


# --- Overview -------------------------------------------------------------------------


def _sessions_to_come(request: HttpRequest, *, museum_id: int | None) -> QuerySet[Session]:
    """Sessions from today on, with the seats booked and the people waiting, counted in the same query."""
    booked = (
        Booking.objects.live()
        .filter(session_id=OuterRef("pk"))
        .order_by()
        .values("session_id")
        .annotate(seats=Sum("seats"))
        .values("seats")
    )
    waiting = (
        WaitingEntry.objects.filter(session_id=OuterRef("pk"), status__in=WaitingEntry.ACTIVE)
        .order_by()
        .values("session_id")
        .annotate(count=Count("id"))
        .values("count")
    )
    sessions = (
        Session.objects.filter(starts_at__gte=_today_start())
        .select_related("activity__museum")
        .annotate(
            booked=Coalesce(Subquery(booked, output_field=IntegerField()), 0),
            waiting_count=Coalesce(Subquery(waiting, output_field=IntegerField()), 0),
            mine=_mine_first(request, "activity__museum_id"),
        )
    )
    if museum_id:
        sessions = sessions.filter(activity__museum_id=museum_id)
    return sessions.order_by("mine", "starts_at", "id")


@staff_view(VIEW)
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    """The sessions to come, the staff member's museums first; one museum when asked."""
    form = StaffMuseumFilterForm(request.GET or None, museums=_museums())
    page = Paginator(_sessions_to_come(request, museum_id=form.museum_id()), SESSIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "events/staff/overview.html", {"form": form, "page": page, "sessions": page.object_list})


# --- One session ----------------------------------------------------------------------


def _session(pk: int) -> Session:
    return get_object_or_404(Session.objects.select_related("activity__museum"), pk=pk)


def _session_url(session: Session, anchor: str = "") -> str:
    return reverse("events_staff:session", args=[session.pk]) + (f"#{anchor}" if anchor else "")


def _session_page(request: HttpRequest, session: Session, *, message_form=None, reorder_form=None,
                  status: int = 200) -> HttpResponse:  # fmt: skip
    waiting = session_waiting(session=session)
    in_line = [entry for entry in waiting if entry.status == WaitingEntry.Status.WAITING]
    present, booked = session_counts(session_id=session.pk)
    context = {
        "session": session,
        "activity": session.activity,
        "roster": list(session_roster(session=session)),
        "cancelled_roster": list(
            Booking.objects.filter(session=session, status=Booking.Status.CANCELLED)
            .select_related("member")
            .order_by("member__email")
        )
        if session.status == Session.Status.CANCELLED
        else [],
        "waiting": waiting,
        "in_line": in_line,
        "present": present,
        "booked": booked,
        "seats_needed": waiting_seats_needed(session=session),
        "message_form": message_form or StaffMessageForm(),
        "reorder_form": reorder_form or StaffReorderForm(entries=in_line),
        "sent": list(SessionMessage.objects.filter(session=session).select_related("author")[:MESSAGES_SHOWN]),
        "is_open": session.status == Session.Status.SCHEDULED,
        "is_past": session.starts_at <= timezone.now(),
    }
    return render(request, "events/staff/session.html", context, status=status)


@staff_view(VIEW)
@require_safe
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_page(request, _session(pk))


@staff_view(CHANGE)
@require_POST
def session_message(request: HttpRequest, pk: int) -> HttpResponse:
    """Write to everyone booked on the session (a notification each)."""
    session = _session(pk)
    form = StaffMessageForm(request.POST)
    if not form.is_valid():
        return _session_page(request, session, message_form=form, status=400)
    with transaction.atomic(durable=True):
        sent = services.session_message(
            session=session, by=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
        )
    done = ngettext("Message envoyé à %(count)s personne.", "Message envoyé à %(count)s personnes.", sent.recipients)
    messages.success(request, done % {"count": sent.recipients})
    return redirect(_session_url(session))


def _moved(ids: list[int], entry_id: int, step: int) -> list[int]:
    """The ids with `entry_id` moved one place up (step −1) or down (+1); unchanged at either end."""
    if entry_id not in ids:
        return ids
    index = ids.index(entry_id)
    other = index + step
    if not 0 <= other < len(ids):
        return ids
    ids = list(ids)
    ids[index], ids[other] = ids[other], ids[index]
    return ids


@staff_view(CHANGE)
@require_POST
def session_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """A new order for the waiting list: one entry moved up or down, or every place typed."""
    session = _session(pk)
    in_line = [entry for entry in session_waiting(session=session) if entry.status == WaitingEntry.Status.WAITING]
    ids = [entry.pk for entry in in_line]
    move = request.POST.get("move", "")
    if move:
        entry, _sep, direction = move.partition(":")
        if not entry.isdigit() or direction not in ("up", "down"):
            raise Http404
        wanted = _moved(ids, int(entry), -1 if direction == "up" else 1)
    else:
        form = StaffReorderForm(request.POST, entries=in_line)
        if not form.is_valid():
            return _session_page(request, session, reorder_form=form, status=400)
        wanted = form.ordered_ids()
    with transaction.atomic(durable=True):
        services.waitlist_reorder(session=session, entry_ids=wanted, by=request.user)
    messages.success(request, _("Liste d'attente réordonnée."))
    return redirect(_session_url(session))


@staff_view(CHANGE)
@require_POST
def session_offer(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """Offer a free seat to this waiting member now, out of turn."""
    session = _session(pk)
    entry = get_object_or_404(WaitingEntry.objects.select_related("member"), pk=entry_pk, session=session)
    try:
        with transaction.atomic(durable=True):
            offered = services.waitlist_offer_by_hand(entry=entry, by=request.user)
    except SessionFull:
        messages.error(request, _("Aucune place libre à proposer : augmentez la jauge ou attendez une annulation."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        done = _("Place proposée à %(member)s : à confirmer avant le %(date)s.")
        when = timezone.localtime(offered.offer_expires_at).strftime("%d/%m/%Y %H:%M")
        messages.success(request, done % {"member": entry.member.get_full_name(), "date": when})
    return redirect(_session_url(session))


def _live_counts(session: Session) -> tuple[int, int]:
    """(tickets, people waiting) that a cancellation or a move touches."""
    tickets = Booking.objects.live().filter(session=session).count()
    waiting = WaitingEntry.objects.filter(session=session, status__in=WaitingEntry.ACTIVE).count()
    return tickets, waiting


@staff_view(CHANGE)
@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """GET says what cancelling does and asks the reason; POST cancels, refunds every ticket and tells everyone."""
    session = _session(pk)
    if session.status == Session.Status.CANCELLED:
        messages.info(request, _("Cette séance est déjà annulée."))
        return redirect(_session_url(session))
    form = StaffCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # No outer transaction: session_cancel closes the session, then refunds ticket by ticket.
        refunded = services.session_cancel(session=session, by=request.user, reason=form.cleaned_data["reason"])
        done = ngettext(
            "Séance annulée : %(count)s réservation remboursée, chacun est prévenu.",
            "Séance annulée : %(count)s réservations remboursées, chacun est prévenu.",
            refunded,
        )
        messages.success(request, done % {"count": refunded})
        return redirect(_session_url(session))
    tickets, waiting = _live_counts(session)
    context = {"session": session, "form": form, "tickets": tickets, "waiting": waiting}
    return render(request, "events/staff/cancel.html", context, status=400 if form.errors else 200)


@staff_view(CHANGE)
@require_http_methods(["GET", "POST"])
def session_move(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks the new date and says who is told; POST moves the session (each member keeps or cancels)."""
    session = _session(pk)
    if session.status == Session.Status.CANCELLED:
        messages.error(request, _("Cette séance est annulée : elle ne peut plus être déplacée."))
        return redirect(_session_url(session))
    form = StaffMoveForm(request.POST or None, current=session.starts_at)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(durable=True):
                told = services.session_move(session=session, starts_at=form.cleaned_data["starts_at"], by=request.user)
        except DomainError as error:
            form.add_error("starts_at", str(error.message))
        else:
            done = ngettext(
                "Séance déplacée : %(count)s personne prévenue, qui garde sa place ou annule.",
                "Séance déplacée : %(count)s personnes prévenues, qui gardent leur place ou annulent.",
                told,
            )
            messages.success(request, done % {"count": told})
            return redirect(_session_url(session))
    tickets, waiting = _live_counts(session)
    context = {"session": session, "form": form, "tickets": tickets, "waiting": waiting}
    return render(request, "events/staff/move.html", context, status=400 if form.errors else 200)


# --- The door -------------------------------------------------------------------------


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None


def _own_ticket_from_scan(request: HttpRequest) -> HttpResponse:
    """A member who opens a ticket's QR address: their own ticket, or their tickets — never another's."""
    code = code_normalize(code_from_scan(request.GET.get(TICKET_PARAM, ""), param=TICKET_PARAM))
    if code and code_is_valid(code):
        try:
            own = booking_by_code(code=code, member=request.user)
        except TicketNotFound:
            pass
        else:
            return redirect("events:ticket", code=own.code)
    return redirect("events:tickets")


def _ticket_found(code: str) -> Booking:
    """The ticket a code names, whoever holds it (the door's look-up, before anyone marks it)."""
    if not code_is_valid(code):
        raise InvalidCode()
    booking = (
        Booking.objects.select_related("session__activity__museum", "member", "attended_by", "cancelled_by")
        .filter(code=code_normalize(code))
        .first()
    )
    if booking is None:
        raise TicketNotFound()
    return booking


def _door_url(*, code: str = "", session_id: int | None = None) -> str:
    query = {key: value for key, value in ((TICKET_PARAM, code), ("seance", session_id)) if value}
    return reverse("events_staff:door") + (f"?{urlencode(query)}" if query else "")


def _today_sessions() -> list[Session]:
    start = _today_start()
    return list(
        Session.objects.filter(status=Session.Status.SCHEDULED, starts_at__gte=start, starts_at__lt=start + DAY)
        .select_related("activity")
        .order_by("starts_at", "id")
    )


def _door_page(request: HttpRequest, *, form: StaffTicketForm, found: Booking | None, session_id: int | None,
               status: int = 200, other_day: bool = False) -> HttpResponse:  # fmt: skip
    session = found.session if found is not None else None
    if session is None and session_id is not None:
        session = Session.objects.select_related("activity").filter(pk=session_id).first()
    present, booked = session_counts(session_id=session.pk) if session is not None else (0, 0)
    context = {
        "form": form,
        "found": found,
        "session": session,
        "present": present,
        "booked": booked,
        "today": _today_sessions() if session is None else [],
        "refresh_seconds": DOOR_REFRESH_SECONDS,
        "other_day": other_day,
    }
    return render(request, "events/staff/door.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def door(request: HttpRequest) -> HttpResponse:
    """The door: scan or type a ticket's code (POST marks the attendance), or open a ticket's QR address (GET).

    A second scan of the same ticket is no error: it says when and by whom it was first scanned.
    """
    if not request.user.is_staff:
        return _own_ticket_from_scan(request)
    if not request.user.has_perm(DOOR):
        raise PermissionDenied
    if request.method == "POST":
        return _door_scan(request)
    session_id = _int(request.GET.get("seance"))
    lookup = StaffTicketForm(request.GET) if request.GET.get(TICKET_PARAM) else None
    found = None
    if lookup is not None and lookup.is_valid():
        try:
            found = _ticket_found(lookup.cleaned_data["code"])
        except DomainError as error:
            lookup.add_error("code", str(error.message))
    if lookup is not None and lookup.errors:
        return _door_page(request, form=lookup, found=None, session_id=session_id)
    return _door_page(request, form=StaffTicketForm(), found=found, session_id=session_id)


def _door_scan(request: HttpRequest) -> HttpResponse:
    session_id = _int(request.POST.get("seance"))
    form = StaffTicketForm(request.POST)
    if not form.is_valid():
        return _door_page(request, form=form, found=None, session_id=session_id, status=400)
    any_day = request.POST.get("any_day") == "1"
    try:
        with transaction.atomic(durable=True):
            scan = services.ticket_scan(code=form.cleaned_data["code"], by=request.user, any_day=any_day)
    except TicketNotToday as error:  # shown with the ticket, and a button to let the member in all the same
        found = _ticket_found(error.details["code"])
        return _door_page(request, form=StaffTicketForm(), found=found, session_id=session_id, other_day=True)
    except DomainError as error:
        form.add_error("code", str(error.message))
        return _door_page(request, form=form, found=None, session_id=session_id, status=error.status)
    booking = scan.booking
    who = booking.member.get_full_name()
    if scan.first:
        guest = _(" (et son invité)") if booking.seats > 1 else ""
        messages.success(request, _("Entrée notée : %(member)s%(guest)s.") % {"member": who, "guest": guest})
    else:
        first_by = scan.first_by.get_full_name() if scan.first_by else _("un membre de l'équipe")
        when = timezone.localtime(scan.first_at)
        text = _("Billet déjà scanné le %(date)s à %(time)s par %(staff)s.")
        messages.warning(
            request, text % {"date": when.strftime("%d/%m/%Y"), "time": when.strftime("%H:%M"), "staff": first_by}
        )
    if request.POST.get("back") == "session":
        return redirect(_session_url(booking.session, "roster"))
    if scan.first:  # the message says it; the next ticket can be scanned at once
        return redirect(_door_url(session_id=booking.session_id))
    return redirect(_door_url(code=booking.code, session_id=booking.session_id))


@staff_view(DOOR)
@require_safe
def door_counts(request: HttpRequest, pk: int) -> JsonResponse:
    """Present / booked on a session (JSON, asked by the door page every few seconds)."""
    session = get_object_or_404(Session.objects.only("pk"), pk=pk)
    present, booked = session_counts(session_id=session.pk)
    text = ngettext("%(present)s présent sur %(booked)s", "%(present)s présents sur %(booked)s", present) % {
        "present": present,
        "booked": booked,
    }
    return JsonResponse(
        {"present": present, "booked": booked, "text": text}, headers={"Cache-Control": "private, no-store"}
    )


# --- Ratings --------------------------------------------------------------------------


def _activities() -> list[Activity]:
    titles = [f"title_{code}" for code, _name in settings.LANGUAGES]
    return list(Activity.objects.select_related("museum").only("pk", "museum", *titles).order_by("title", "id"))


def _ratings_filter(request: HttpRequest, activities: list[Activity]) -> StaffRatingsFilterForm:
    choices = [(activity.pk, str(activity.title)) for activity in activities]
    return StaffRatingsFilterForm(request.GET or None, museums=_museums(), activities=choices)


def _ratings_scope(form: StaffRatingsFilterForm, ratings: QuerySet[Rating] | None = None) -> QuerySet[Rating]:
    ratings = Rating.objects.all() if ratings is None else ratings
    if museum_id := form.museum_id():
        ratings = ratings.filter(activity__museum_id=museum_id)
    if activity_id := form.activity_id():
        ratings = ratings.filter(activity_id=activity_id)
    return ratings


def _summaries(ratings: QuerySet[Rating], *keys: str) -> QuerySet:
    """Average, count, comments and hidden ratings per `keys` (one GROUP BY)."""
    return (
        ratings.order_by()
        .values(*keys)
        .annotate(
            average=Avg("stars"),
            count=Count("id"),
            comments=Count("id", filter=~Q(comment="")),
            hidden=Count("id", filter=Q(hidden_at__isnull=False)),
        )
    )


def _per_activity(request: HttpRequest, scope: QuerySet[Rating], activities: list[Activity]) -> list[dict]:
    """Each rated activity's figures, the staff member's museums first, then by title (in the reader's language)."""
    mine = set(request.user.museums.values_list("pk", flat=True))
    by_pk = {activity.pk: activity for activity in activities}
    lines = [{**line, "activity": by_pk[line["activity_id"]]} for line in _summaries(scope, "activity_id")]
    return sorted(lines, key=lambda line: (line["activity"].museum_id not in mine, str(line["activity"].title).lower()))


def _per_session(scope: QuerySet[Rating]) -> list[dict]:
    """The last rated sessions' figures (100 at most), the latest first."""
    lines = list(_summaries(scope, "session_id", "session__starts_at").order_by("-session__starts_at")[:100])
    sessions = Session.objects.select_related("activity").in_bulk([line["session_id"] for line in lines])
    return [{**line, "session": sessions[line["session_id"]]} for line in lines]


@staff_view(RATINGS)
@require_safe
def ratings(request: HttpRequest) -> HttpResponse:
    """Each activity's and each session's average and count, then the comments (hidden ones marked)."""
    activities = _activities()
    form = _ratings_filter(request, activities)
    scope = _ratings_scope(form)
    comments = _ratings_scope(form, ratings_for_staff()).exclude(comment="")
    page = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "museum_id": form.museum_id(),
        "per_activity": _per_activity(request, scope, activities),
        "per_session": _per_session(scope),
        "page": page,
        "csv_query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
    }
    return render(request, "events/staff/ratings.html", context)


def _csv_lines(ratings: QuerySet[Rating], activities: list[Activity]) -> Iterator[str]:
    """The header, then one line per rating (newest first); written as read."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    header = [_("Notée le"), _("Musée"), _("Activité"), _("Séance"), _("Note (sur 5)"), _("Commentaire"),
              _("Numéro d'adhérent"), _("Masquée")]  # fmt: skip
    csv_write_rows(writer, [header])
    yield "\ufeff" + flush()  # a byte-order mark: spreadsheets then read the accents right
    names = {activity.pk: (str(activity.museum.name), str(activity.title)) for activity in activities}
    rows = ratings.order_by("-created_at", "-id").values_list(
        "created_at", "activity_id", "session__starts_at", "stars", "comment", "member__membership_number",
        "hidden_at",
    )  # fmt: skip
    yes, no = _("oui"), _("non")
    for index, (created, activity_id, starts, stars, comment, number, hidden) in enumerate(rows.iterator(2000)):
        museum, title = names[activity_id]
        csv_write_rows(writer, [[
            timezone.localtime(created).isoformat(timespec="minutes"), museum, title,
            timezone.localtime(starts).isoformat(timespec="minutes"), stars, comment, number, yes if hidden else no,
        ]])  # fmt: skip
        if index % 500 == 499:
            yield flush()
    yield flush()


@staff_view(RATINGS)
@require_safe
def ratings_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every rating of the museum and activity chosen, as CSV (semicolons), streamed as read."""
    activities = _activities()
    scope = _ratings_scope(_ratings_filter(request, activities))
    response = StreamingHttpResponse(_csv_lines(scope, activities), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="notes-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
