"""Every member page costs a fixed number of queries, whatever the member's history.

The counts include the session and the user (the two every logged-in page
pays). "Mon club" may cost at most 6, every other member page at most 10, and
each is the same for a member with no history and one with 500 ledger entries,
several vouchers and a full inbox. A change of count is a decision: update the
budget here, with the reason in the commit.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from club.members.tests.factories import MemberFactory
from club.notifications.services import notification_send
from rewards.shop.models import Gift
from rewards.shop.services import gift_redeem

pytestmark = pytest.mark.django_db

# page → queries, session and user included
BUDGETS = {
    "home": 4,  # + museums, unread count
    # + one statement: points and what expires, open vouchers, unread count (club.core.sql); + the poll shown
    "dashboard": 4,
    "card": 3,  # + unread count (the QR code comes from the cache)
    "profile": 5,
    "history": 7,  # + balance, page count, the page, names of what it refers to, unread count
    "earn": 5,
    "shop": 4,  # + balance, unread count (the catalogue is cached)
    "gift": 5,
    "redeem": 5,
    "vouchers": 4,
    "voucher": 4,
    "voucher_cancel": 4,
    "inbox": 5,
    "preferences": 4,
    "museums": 4,
    "museum": 6,  # its latest content too (one query), its next sessions (one)
}


def _pages(voucher_code: str, museum_slug: str) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "dashboard": reverse("club:dashboard"),
        "card": reverse("members:card"),
        "profile": reverse("members:profile"),
        "history": reverse("ledger:history"),
        "earn": reverse("ledger:earn"),
        "shop": reverse("shop:shop"),
        "gift": reverse("shop:gift", args=["carte-postale"]),
        "redeem": reverse("shop:redeem", args=["carte-postale"]),
        "vouchers": reverse("shop:vouchers"),
        "voucher": reverse("shop:voucher", args=[voucher_code]),
        "voucher_cancel": reverse("shop:voucher_cancel", args=[voucher_code]),
        "inbox": reverse("notifications:inbox"),
        "preferences": reverse("notifications:preferences"),
        "museums": reverse("museums:list"),
        "museum": reverse("museums:detail", args=[museum_slug]),
    }


def _member_with(*, entries: int, give):
    member = MemberFactory()
    give(member, 1000)  # enough for a voucher, and the redeem page's confirmation
    for _ in range(entries - 2):
        give(member, 5)
    gift = Gift.objects.get(slug="carte-postale")
    voucher = gift_redeem(member=member, gift=gift)
    for number in range(entries // 10):
        notification_send(member=member, kind="news", title=f"Nouvelle {number}")
    return member, voucher


def _counts(client, member, voucher) -> dict[str, int]:
    client.force_login(member)
    counts = {}
    for name, path in _pages(voucher.code, "beaux-arts").items():
        client.get(path)  # caches warmed (the QR code is encoded once)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    return counts


def test_every_member_page_costs_the_same_queries_for_a_short_or_a_long_history(client, give):
    call_command("seed_demo", force=True)
    short = _counts(client, *_member_with(entries=2, give=give))
    long = _counts(client, *_member_with(entries=500, give=give))
    assert long == short
    assert short == BUDGETS
    assert short["dashboard"] <= 6
    assert max(short.values()) <= 10
