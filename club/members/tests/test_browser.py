"""Browser journeys on the system Chromium, at phone and desktop sizes, with axe."""

import re

import pytest
from django.core import mail

from club.core.testing import browser_login, browser_open_menu
from club.members.models import Member
from club.members.tests.factories import PASSWORD, MemberFactory, MuseumFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signup_verify_and_see_membership_card(page, live_server, axe_check):
    MuseumFactory(name="Musée de la Céramique")
    page.goto(live_server.url)
    axe_check(page, "home")
    page.get_by_role("link", name="Adhérer gratuitement").first.click()
    page.wait_for_url("**/compte/signup/")
    axe_check(page, "signup")
    page.get_by_label("Adresse e-mail").fill("ines@exemple.fr")
    page.get_by_label("Mot de passe", exact=True).fill("court")
    page.get_by_label("Mot de passe (confirmation)").fill("court")
    page.get_by_label("Prénom ou pseudonyme (facultatif)").fill("Inès")
    page.get_by_label("J'ai 15 ans ou plus.").check()
    page.get_by_role("button", name="Créer mon compte").click()
    # Too short, rules not accepted: messages next to the fields, no account.
    page.locator("#id_accept_rules_error").wait_for()
    assert "10 caractères" in page.locator("#id_password1_error").inner_text()
    assert not Member.objects.filter(email="ines@exemple.fr").exists()
    axe_check(page, "signup with errors")

    page.get_by_label("Mot de passe", exact=True).fill("un mot de passe bien long")
    page.get_by_label("Mot de passe (confirmation)").fill("un mot de passe bien long")
    page.get_by_label("J'ai 15 ans ou plus.").check()
    page.get_by_label("J'accepte le règlement du club.").check()
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("heading", name="Vérifiez vos e-mails").wait_for()

    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url("**/mon-club/")
    page.get_by_role("heading", name="Bonjour Inès !").wait_for()
    member = Member.objects.get(email="ines@exemple.fr")
    assert page.get_by_text(member.membership_number).first.is_visible()
    assert page.get_by_role("img", name=re.compile("QR code")).first.is_visible()
    axe_check(page, "dashboard")


def test_login_profile_and_logout(page, live_server, axe_check):
    MuseumFactory(name="Musée des Beaux-Arts")
    member = MemberFactory(display_name="Hugo")
    page.goto(f"{live_server.url}/mon-club/profil/")
    page.wait_for_url("**/compte/login/?next=/mon-club/profil/")
    axe_check(page, "login")
    page.get_by_label("Adresse e-mail").fill(member.email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-club/profil/")
    axe_check(page, "profile")
    page.get_by_label("Musée préféré").select_option(label="Musée des Beaux-Arts")
    page.get_by_label("Invitations aux enquêtes").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Votre profil est enregistré.").wait_for()
    member.refresh_from_db()
    assert member.consent_surveys and member.favourite_museum.name == "Musée des Beaux-Arts"

    browser_open_menu(page)
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{live_server.url}/")
    browser_open_menu(page)
    assert page.get_by_role("link", name="Se connecter").is_visible()


def test_language_switch_turns_the_site_english_and_back(page, live_server):
    page.goto(live_server.url)
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="The free club for visitors to our museums").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(f"{live_server.url}/musees/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Français").click()
    page.get_by_role("heading", name="Les musées du réseau").wait_for()


def test_wrong_password_shows_a_message(phone_page, live_server):
    member = MemberFactory()
    browser_login(phone_page, live_server.url, member.email, "pas le bon mot de passe")
    message = phone_page.get_by_text("le mot de passe sont incorrects")
    message.wait_for()
    assert message.is_visible()
    assert phone_page.url.endswith("/compte/login/")


@pytest.mark.parametrize("path", ["/mon-club/points/", "/mon-club/profil/"])
def test_tables_stack_on_a_phone_with_nothing_wider_than_the_screen(phone_page, live_server, axe_check, path):
    from django.core.management import call_command

    from club.management.commands.seed_demo import MEMBER_EMAIL, MEMBER_PASSWORD

    call_command("seed_demo", force=True)
    browser_login(phone_page, live_server.url, MEMBER_EMAIL, MEMBER_PASSWORD)
    phone_page.wait_for_url("**/mon-club/")
    phone_page.goto(f"{live_server.url}{path}")
    assert phone_page.locator(".stack-table tbody tr").count() >= 1
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow} px wider than the phone"
    first_cell = phone_page.locator(".stack-table tbody tr td").first
    assert first_cell.evaluate("el => getComputedStyle(el, '::before').content") not in ("none", "normal", '""')
    axe_check(phone_page, f"{path} on a phone")
