"""Booking takes a constant number of queries: the same for a session with 1 booking as with 100, exactly.

The counts are exact and per database: PostgreSQL adds the bounded lock wait
(`SET LOCAL lock_timeout`) to every transaction that takes a lock. A paid
booking adds the points' statements (the account's lock, the spend, its lots);
none of them depends on how many members booked before.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from club.members.models import Member
from club.members.tests.factories import MuseumFactory
from museums.events import services
from museums.events.models import Activity, Booking, Session

pytestmark = pytest.mark.django_db

# (free, paid) booking_create; (free, paid) booking_cancel; waitlist_join — per database.
BUDGETS = {
    "sqlite": {"book": (10, 17), "cancel": (8, 14), "join": 8},
    "postgresql": {"book": (11, 18), "cancel": (9, 15), "join": 9},
}


def _budget(name: str, paid: bool | None = None) -> int:
    budget = BUDGETS[connection.vendor][name]
    return budget if paid is None else budget[paid]


def _members(count: int, points: int, give) -> list[Member]:
    members = Member.objects.bulk_create(
        Member(email=f"compte{Member.objects.count()}-{i}@exemple.fr") for i in range(count)
    )
    if points:
        for member in members:
            give(member, points)
    return members


def _session(*, price: int, capacity: int, slug: str) -> Session:
    activity = services.activity_save(
        activity=Activity(
            museum=MuseumFactory(), slug=slug, title="Visite des réserves", summary="…", price_points=price
        )
    )
    return services.session_save(
        session=Session(activity=activity, starts_at=timezone.now() + timedelta(days=5), capacity=capacity)
    )


def _counted(service, **arguments) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as queries:
        result = service(**arguments)
    return result, len(queries)


@pytest.mark.parametrize("paid", [False, True], ids=["free", "paid"])
def test_booking_and_cancelling_take_the_same_queries_with_1_or_100_bookings(paid, give):
    price = 20 if paid else 0
    counts = {}
    for already in (1, 100):
        session = _session(price=price, capacity=200, slug=f"reserves-{already}")
        for member in _members(already, price, give):
            services.booking_create(member=member, session=session)
        (member,) = _members(1, price, give)
        booking, book = _counted(services.booking_create, member=member, session=session)
        _cancelled, cancel = _counted(services.booking_cancel, booking=booking, by=member)
        counts[already] = (book, cancel)
        assert Booking.objects.live().filter(session=session).count() == already
    assert counts[1] == counts[100] == (_budget("book", paid), _budget("cancel", paid)), counts


def test_joining_the_waiting_list_takes_the_same_queries_with_1_or_100_waiting(give):
    counts = {}
    for waiting in (1, 100):
        session = _session(price=0, capacity=1, slug=f"complet-{waiting}")
        services.booking_create(member=_members(1, 0, give)[0], session=session)
        for member in _members(waiting, 0, give):
            services.waitlist_join(member=member, session=session)
        (member,) = _members(1, 0, give)
        entry, counts[waiting] = _counted(services.waitlist_join, member=member, session=session)
        assert entry.rank == waiting + 1
    assert counts[1] == counts[100] == _budget("join"), counts
