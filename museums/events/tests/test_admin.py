"""Events in the admin: activities with their sessions saved through the services, and the journals staff act on."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from club.members.permissions import MUSEUM_TEAM, staff_permissions_sync_all
from club.members.tests.factories import MemberFactory, MuseumFactory, StaffFactory
from club.moderation.models import ModerationAction
from museums.events import services
from museums.events.models import Activity, Booking, Rating, Session, WaitingEntry
from museums.events.tests.factories import ActivityFactory, SessionFactory
from rewards.ledger.selectors import balance_of
from rewards.shop.models import Gift

pytestmark = pytest.mark.django_db

INLINE = "sessions"


def _png() -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (80, 60), (20, 60, 120)).save(out, format="PNG")
    return SimpleUploadedFile("nuit.png", out.getvalue(), content_type="image/png")


def _management(total: int, initial: int = 0) -> dict:
    return {f"{INLINE}-TOTAL_FORMS": str(total), f"{INLINE}-INITIAL_FORMS": str(initial),
            f"{INLINE}-MIN_NUM_FORMS": "0", f"{INLINE}-MAX_NUM_FORMS": "1000"}  # fmt: skip


def _fields(museum, **changes) -> dict:
    fields = {
        "museum": museum.pk, "kind": "event", "title_fr": "Nuit au musée", "slug": "nuit-au-musee",
        "summary_fr": "Les salles à la lampe.", "description_fr": "", "is_published": "on", "members_only": "on",
        "price_points": "20", "booking_opens_at_0": "", "booking_opens_at_1": "", "booking_closes_hours": "2",
        "cancellation_hours": "24", "offer_hours": "48", "rating_points": "",
        **_management(1),
        f"{INLINE}-0-starts_at_0": "05/12/2026", f"{INLINE}-0-starts_at_1": "20:00",
        f"{INLINE}-0-duration_minutes": "90", f"{INLINE}-0-place_fr": "Hall", f"{INLINE}-0-capacity": "30",
        f"{INLINE}-0-gift": "",
    }  # fmt: skip
    fields.update(changes)
    return fields


def _session_row(session, **changes) -> dict:
    local = timezone.localtime(session.starts_at)
    row = {f"{INLINE}-0-id": str(session.pk), f"{INLINE}-0-activity": str(session.activity_id),
           f"{INLINE}-0-starts_at_0": local.strftime("%d/%m/%Y"), f"{INLINE}-0-starts_at_1": local.strftime("%H:%M"),
           f"{INLINE}-0-duration_minutes": "90", f"{INLINE}-0-place_fr": "Hall",
           f"{INLINE}-0-capacity": str(session.capacity), f"{INLINE}-0-gift": ""}  # fmt: skip
    row.update({f"{INLINE}-0-{name}": value for name, value in changes.items()})
    return row


def _change_fields(activity, session, **session_changes) -> dict:
    return {
        **_fields(activity.museum, slug=activity.slug, title_fr=str(activity.title)),
        **_management(1, initial=1),
        **_session_row(session, **session_changes),
    }


@pytest.fixture
def team_client(client):
    staff_permissions_sync_all()
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    client.force_login(staff)
    return client


def test_staff_create_an_activity_with_a_picture_and_a_session(team_client, clock):
    museum = MuseumFactory()
    add = reverse("admin:events_activity_add")
    assert team_client.get(add).status_code == 200
    response = team_client.post(add, _fields(museum, picture=_png(), picture_alt_fr="Une salle dans le noir"))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    activity = Activity.objects.get(slug="nuit-au-musee")
    assert activity.thumbnail and activity.price_points == 20 and str(activity.title) == "Nuit au musée"
    session = activity.sessions.get()
    assert (session.capacity, session.seats_taken, session.place_fr) == (30, 0, "Hall")
    assert timezone.localtime(session.starts_at).strftime("%d/%m %H:%M") == "05/12 20:00"
    change = team_client.get(reverse("admin:events_activity_change", args=[activity.pk])).content.decode()
    assert reverse("events_staff:session", args=[session.pk]) in change


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"picture": "not-an-image", "picture_alt_fr": "x"}, "picture", ""),
        ({"picture": "png"}, "picture_alt_fr", "Décrivez l'image"),
    ],
)
def test_a_bad_picture_or_one_without_its_description_is_refused(team_client, changes, field, message):
    if changes.get("picture") == "not-an-image":
        changes["picture"] = SimpleUploadedFile("x.png", b"<?php echo 1; ?>", content_type="image/png")
    elif changes.get("picture") == "png":
        changes["picture"] = _png()
    response = team_client.post(reverse("admin:events_activity_add"), _fields(MuseumFactory(), **changes))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and message in " ".join(errors[field])
    assert not Activity.objects.exists()


def test_the_capacity_cannot_go_under_the_seats_taken(team_client):
    session = SessionFactory(capacity=3)
    for _n in range(2):
        services.booking_create(member=MemberFactory(), session=session)
    url = reverse("admin:events_activity_change", args=[session.activity.pk])
    response = team_client.post(url, _change_fields(session.activity, session, capacity="1"))
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert "places déjà prises (2)" in " ".join(errors[0]["capacity"])
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken) == (3, 2)


def test_more_seats_saved_in_the_admin_are_offered_to_the_waiting_list(team_client):
    session = SessionFactory(capacity=1)
    services.booking_create(member=MemberFactory(), session=session)
    entry = services.waitlist_join(member=MemberFactory(), session=session)
    url = reverse("admin:events_activity_change", args=[session.activity.pk])
    response = team_client.post(url, _change_fields(session.activity, session, capacity="2"))
    assert response.status_code == 302
    session.refresh_from_db()
    entry.refresh_from_db()
    assert (session.capacity, session.seats_taken) == (2, 2)  # the new seat is held for the first waiting
    assert entry.status == WaitingEntry.Status.OFFERED


def test_the_session_gift_is_chosen_among_the_seat_gifts(team_client):
    seat_gift = Gift.objects.create(name="Vernissage VIP", slug="vip", points=180, stock=0, fulfilment="seat")
    Gift.objects.create(name="Tote bag", slug="sac", points=50, stock=10)
    session = SessionFactory()
    page = team_client.get(reverse("admin:events_activity_change", args=[session.activity.pk]))
    formset = page.context["inline_admin_formsets"][0].formset
    assert list(formset.forms[0].fields["gift"].queryset) == [seat_gift]


def test_the_journals_load_with_their_filters(team_client, clock):
    session = SessionFactory(starts_at=timezone.now() + timedelta(hours=2), capacity=1)
    booking = services.booking_create(member=MemberFactory(), session=session)
    services.waitlist_join(member=MemberFactory(), session=session)
    services.session_message(session=session, by=StaffFactory(), title="Bonjour", body="À ce soir.")
    for name in ("booking", "waitingentry", "rating", "sessionmessage", "activity"):
        url = reverse(f"admin:events_{name}_changelist")
        assert team_client.get(url).status_code == 200, name
        assert (
            team_client.get(url, {"musee": session.activity.museum_id} if name != "activity" else {}).status_code == 200
        )
    assert team_client.get(reverse("admin:events_booking_change", args=[booking.pk])).status_code == 200
    assert team_client.get(reverse("admin:events_booking_add")).status_code == 403


def test_cancelling_bookings_from_the_admin_refunds_them(team_client, give, ledger_is_consistent, clock):
    session = SessionFactory(activity=ActivityFactory(price_points=30), starts_at=timezone.now() + timedelta(hours=2))
    member = MemberFactory()
    give(member, 40)
    booking = services.booking_create(member=member, session=session)
    response = team_client.post(
        reverse("admin:events_booking_changelist"),
        {"action": "cancel_with_refund", ACTION_CHECKBOX_NAME: [booking.pk], "index": "0"},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    session.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and session.seats_taken == 0
    assert balance_of(member=member) == 40
    ledger_is_consistent()


def _rating(clock) -> Rating:
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=1))
    booking = services.booking_create(member=MemberFactory(), session=session)
    services.ticket_scan(code=booking.code, by=StaffFactory(), now=session.starts_at)
    return services.rating_create(
        member=booking.member, booking=booking, stars=1, comment="Nul", now=session.ends_at + timedelta(hours=1)
    )


def test_staff_hide_and_restore_ratings_with_a_reason(team_client, clock):
    rating = _rating(clock)
    url = reverse("admin:events_rating_changelist")
    chosen = {"action": "hide_ratings", ACTION_CHECKBOX_NAME: [rating.pk], "index": "0"}
    question = team_client.post(url, chosen)
    assert question.status_code == 200 and "Nul" in question.content.decode()
    rating.refresh_from_db()
    assert not rating.is_hidden
    empty = team_client.post(url, {"action": "hide_ratings", ACTION_CHECKBOX_NAME: [rating.pk], "reason": ""})
    assert empty.status_code == 200 and empty.context["form"].errors
    done = team_client.post(url, {"action": "hide_ratings", ACTION_CHECKBOX_NAME: [rating.pk], "reason": "Injurieux"})
    assert done.status_code == 302
    rating.refresh_from_db()
    assert rating.is_hidden and rating.hidden_reason == "Injurieux"
    team_client.post(url, {"action": "restore_ratings", ACTION_CHECKBOX_NAME: [rating.pk], "reason": "Relu"})
    rating.refresh_from_db()
    assert not rating.is_hidden
    assert list(ModerationAction.objects.order_by("at", "pk").values_list("kind", "reason")) == [
        ("hide", "Injurieux"),
        ("restore", "Relu"),
    ]
    assert team_client.get(url, {"hidden_at__isnull": "True"}).status_code == 200


def test_a_museum_team_member_without_the_moderation_permission_cannot_hide_ratings(client, clock):
    rating = _rating(clock)
    staff_permissions_sync_all()
    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(content_type__app_label="events", codename="view_rating"))
    client.force_login(staff)
    url = reverse("admin:events_rating_changelist")
    assert client.get(url).status_code == 200
    client.post(url, {"action": "hide_ratings", ACTION_CHECKBOX_NAME: [rating.pk], "reason": "Injurieux"})
    rating.refresh_from_db()
    assert not rating.is_hidden


def test_a_session_saved_new_from_the_admin_starts_with_no_seat_taken(team_client):
    activity = ActivityFactory()
    url = reverse("admin:events_activity_change", args=[activity.pk])
    fields = {**_fields(activity.museum, slug=activity.slug, title_fr=str(activity.title)),
              f"{INLINE}-0-capacity": "12", f"{INLINE}-0-starts_at_0": "06/12/2026"}  # fmt: skip
    assert team_client.post(url, fields).status_code == 302
    session = Session.objects.get(activity=activity)
    assert (session.capacity, session.seats_taken, session.status) == (12, 0, Session.Status.SCHEDULED)
