"""The card and the open vouchers without signal: a service worker of our own keeps them."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from club.core.testing import browser_login
from club.management.commands.seed_demo import MEMBER_EMAIL, MEMBER_PASSWORD
from club.members.models import Member


@pytest.mark.django_db
def test_the_worker_and_the_manifest_are_served_from_the_root(client):
    worker = client.get(reverse("service_worker"))
    assert worker["Content-Type"].startswith("application/javascript")
    assert worker["Service-Worker-Allowed"] == "/" and "club-offline-v1" in worker.content.decode()
    manifest = json.loads(client.get(reverse("manifest")).content)
    assert manifest["start_url"] == reverse("club:dashboard") and manifest["display"] == "standalone"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_card_reads_offline_with_the_time_it_was_last_updated(phone_page, live_server, axe_check):
    call_command("seed_demo", force=True)
    number = Member.objects.get(email=MEMBER_EMAIL).membership_number
    browser_login(phone_page, live_server.url, MEMBER_EMAIL, MEMBER_PASSWORD)
    phone_page.wait_for_url("**/mon-club/")
    phone_page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone_page.reload()  # now under the worker's control: this visit is kept
    phone_page.goto(f"{live_server.url}/mon-club/carte/")
    phone_page.get_by_text(number).first.wait_for()

    phone_page.context.set_offline(True)
    phone_page.goto(f"{live_server.url}/mon-club/carte/")
    assert phone_page.get_by_text(number).first.is_visible()
    note = phone_page.locator("[data-offline-note]")
    assert note.is_visible() and "Hors ligne : page mise à jour le" in note.inner_text()
    axe_check(phone_page, "card offline")
    phone_page.goto(f"{live_server.url}/mon-club/")
    assert phone_page.get_by_role("heading", name="Bonjour Camille !").is_visible()
    phone_page.context.set_offline(False)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_event_ticket_reads_offline_once_opened(phone_page, live_server, axe_check):
    from museums.events.models import Booking

    call_command("seed_demo", force=True)
    member = Member.objects.get(email=MEMBER_EMAIL)
    ticket = Booking.objects.live().filter(member=member).order_by("session__starts_at").last()
    browser_login(phone_page, live_server.url, MEMBER_EMAIL, MEMBER_PASSWORD)
    phone_page.wait_for_url("**/mon-club/")
    phone_page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    address = f"{live_server.url}{reverse('events:ticket', args=[ticket.code])}"
    phone_page.goto(address)
    phone_page.reload()  # under the worker's control: this visit is kept
    phone_page.get_by_text(ticket.code).first.wait_for()

    phone_page.context.set_offline(True)
    phone_page.goto(address)
    assert phone_page.get_by_text(ticket.code).first.is_visible()
    assert phone_page.locator("[data-offline-note]").is_visible()
    axe_check(phone_page, "ticket offline")
    phone_page.context.set_offline(False)
