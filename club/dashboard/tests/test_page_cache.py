"""'Mon club' from the page cache: always what the member's numbers say, never another member's, forms that work."""

import re

import pytest
from django.urls import reverse

from club.core.page_cache import CSRF_TOKEN_MARKER
from club.members.tests.factories import MemberFactory
from club.notifications.services import notification_send
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db


def _page(client) -> str:
    response = client.get(reverse("club:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert CSRF_TOKEN_MARKER not in html
    return html


def test_a_change_of_points_vouchers_inbox_or_catalogue_shows_at_once(client, give):
    member = MemberFactory(display_name="Inès")
    client.force_login(member)
    give(member, 40)
    assert "<strong>40</strong> points" in _page(client)
    assert "<strong>40</strong> points" in _page(client)  # the second visit is served from the cache
    give(member, 25)
    assert "<strong>65</strong> points" in _page(client)
    notification_send(member=member, kind="news", title="Nouvelle exposition")
    assert 'class="header-count"' in _page(client)
    GiftFactory(name="Affiche de Monet", points=50)
    assert "Affiche de Monet" in _page(client)


def test_each_member_gets_their_own_page(client, give):
    camille, ines = MemberFactory(display_name="Camille"), MemberFactory(display_name="Inès")
    for member in (camille, ines):
        give(member, 40)  # the same numbers: only who they are tells the pages apart
    client.force_login(camille)
    assert "Bonjour Camille" in _page(client)
    client.force_login(ines)
    page = _page(client)
    assert "Bonjour Inès" in page and camille.membership_number not in page


def test_forms_of_a_cached_page_carry_the_requests_own_token(client):
    client.handler.enforce_csrf_checks = True
    client.force_login(MemberFactory())
    _page(client)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _page(client)).group(1)
    answer = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_page_with_a_message_is_drawn_for_it_and_never_kept(client, give):
    member = MemberFactory()
    client.force_login(member)
    give(member, 100)
    _page(client)
    saved = client.post(reverse("members:profile"), {"display_name": "Zoé", "preferred_language": "fr"})
    assert saved.status_code == 302  # the message waits for the next page, which is "Mon club" here
    first = _page(client)
    assert "Votre profil est enregistré" in first and "Bonjour Zoé" in first
    assert "Votre profil est enregistré" not in _page(client)
