"""The navigation comes from one list the apps add to; each visitor sees their part, current page marked."""

import pytest
from django.urls import reverse

from club.members.tests.factories import MemberFactory, StaffFactory
from club.notifications.services import notification_send

pytestmark = pytest.mark.django_db


def _labels(response):
    return [str(entry["label"]) for entry in response.context["navigation"]]


def test_visitors_members_and_staff_each_see_their_entries_in_one_order(client):
    assert _labels(client.get("/")) == ["Les musées", "Participer", "Contenus", "Boutique"]
    client.force_login(MemberFactory())
    assert _labels(client.get("/")) == [
        "Les musées", "Mon club", "Participer", "Contenus", "Boutique", "Notifications", "Mon profil"
    ]  # fmt: skip
    client.force_login(StaffFactory())
    assert _labels(client.get("/"))[-1] == "Espace équipe"


def test_the_current_page_is_marked_and_the_unread_count_is_in_the_header(client):
    member = MemberFactory()
    notification_send(member=member, kind="shop", title="Votre bon est prêt")
    client.force_login(member)
    page = client.get(reverse("shop:shop"))
    current = [str(entry["label"]) for entry in page.context["navigation"] if entry["current"]]
    assert current == ["Boutique"]
    body = page.content.decode()
    assert (
        '<a class="header-count" href="/mon-club/notifications/">1<span class="visually-hidden"> notification non lue'
        in body
    )
    assert body.count('aria-current="page"') == 1
