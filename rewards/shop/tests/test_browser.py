"""Browser journey of the shop: earn (seeded) → shop → redeem → voucher → desk."""

import pytest
from django.core.management import call_command

from club.core.testing import browser_login
from club.management.commands.seed_demo import MEMBER_EMAIL, MEMBER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD
from rewards.shop.models import Redemption

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_redeems_a_gift_and_the_desk_hands_it_over(page, live_server, axe_check, browser):
    call_command("seed_demo", force=True)
    browser_login(page, live_server.url, MEMBER_EMAIL, MEMBER_PASSWORD)
    page.wait_for_url("**/mon-club/")
    page.get_by_text("Plus que 60 points pour « Sac en toile du club »").wait_for()
    axe_check(page, "dashboard with points")

    page.get_by_role("link", name="La boutique").click()
    page.wait_for_url("**/boutique/")
    axe_check(page, "shop")
    page.get_by_role("link", name="Carte postale").click()
    page.get_by_role("link", name="Échanger 60 points").click()
    page.get_by_role("heading", name="Échanger 60 points contre « Carte postale » ?").wait_for()
    assert page.get_by_text("Votre solde passera de 180 à 120 points").is_visible()
    axe_check(page, "confirmation before spending points")
    page.get_by_role("button", name="Oui, échanger").click()
    page.wait_for_url("**/mon-club/bons/**")
    page.get_by_text("Présentez ce bon à l'accueil").wait_for()
    assert page.get_by_role("img", name="QR code du bon").first.is_visible()
    axe_check(page, "voucher")
    redemption = Redemption.objects.get(member__email=MEMBER_EMAIL)
    assert page.get_by_text(redemption.code).first.is_visible()

    page.goto(f"{live_server.url}/mon-club/points/")
    page.get_by_text("Cadeau : Carte postale").wait_for()

    context = browser.new_context(viewport=page.viewport_size)
    desk = context.new_page()
    browser_login(desk, live_server.url, STAFF_EMAIL, STAFF_PASSWORD)
    desk.wait_for_url("**/equipe/")
    desk.get_by_role("heading", name="Espace équipe").wait_for()
    axe_check(desk, "Espace équipe")
    desk.goto(f"{live_server.url}/equipe/bons/")
    desk.get_by_label("Code du bon").fill(redemption.code.replace("-", "").lower())
    desk.get_by_role("button", name="Rechercher le bon").click()
    desk.get_by_role("heading", name="Carte postale").wait_for()
    axe_check(desk, "desk")
    desk.get_by_role("button", name="Marquer comme remis").click()
    desk.get_by_text("remis à Camille").wait_for()
    context.close()

    redemption.refresh_from_db()
    assert redemption.status == "collected"
    page.goto(f"{live_server.url}/mon-club/bons/")
    page.get_by_text("remis").first.wait_for()
    call_command("ledger_verify")
