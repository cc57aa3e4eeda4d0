"""Browser: the staff read the engagement figures on a desktop (chart, tables, filters, a series), axe clean."""

import re

import pytest
import time_machine
from django.contrib.auth.models import Group

from club.core.testing import browser_login
from club.members.permissions import MUSEUM_TEAM, staff_permissions_sync_all
from club.members.tests.factories import PASSWORD, StaffFactory
from museums.content.tests.engagement_data import SATURDAY_NOON, history_build
from rewards.ledger.services import earning_rules_ensure_defaults

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def history():
    earning_rules_ensure_defaults()  # an earlier test's flush may have emptied them
    staff_permissions_sync_all()
    with time_machine.travel(SATURDAY_NOON, tick=False) as clock:
        built = history_build(clock)
    return built


def _staff_page(browser, live_server, viewport):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    context = browser.new_context(viewport=viewport, locale="fr-FR", accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    browser_login(page, live_server.url, staff.email, PASSWORD)
    page.wait_for_url("**/equipe/")
    return context, page


def test_staff_read_the_engagement_of_items_and_series_on_a_desktop(browser, live_server, axe_check, history):
    context, page = _staff_page(browser, live_server, DESKTOP)
    page.get_by_role("link", name="Audience des contenus").click()
    page.get_by_role("heading", name="Audience des contenus", level=1).wait_for()
    page.get_by_role("combobox", name=re.compile(r"^Période")).select_option(label="Entre les dates choisies")
    page.locator("#id_since").fill("2026-11-13")
    page.locator("#id_until").fill("2026-11-14")
    page.get_by_role("button", name="Afficher").click()
    chart = page.get_by_role("img", name=re.compile(r"^Vues par jour, du 13 novembre 2026 au 14 novembre 2026 : 7"))
    chart.wait_for()
    box = chart.bounding_box()
    table = page.get_by_role("table", name="Chiffres de chaque jour").bounding_box()
    assert table["x"] > box["x"] + box["width"] - 1  # the table beside its chart on a desktop
    first = page.get_by_role("table", name=re.compile(r"^Par nombre de vues")).get_by_role("row").nth(1)
    assert first.get_by_role("rowheader").inner_text().startswith("Visite 1")
    assert first.get_by_role("cell").all_inner_texts() == ["4", "3", "2", "50,0\u202f%", "67\u202f%"]
    assert page.get_by_text("42,9\u202f%").is_visible()
    axe_check(page, "engagement overview")

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en CSV").click()
    assert download.value.suggested_filename == "engagement-2026-11-13-2026-11-14.csv"

    page.get_by_role("link", name="Visites").click()
    page.get_by_role("heading", name="Visites", level=1).wait_for()
    assert page.get_by_role("img", name=re.compile(r"^Vues de chaque épisode")).is_visible()
    assert page.get_by_role("row", name=re.compile(r"^Visite 2 ")).is_visible()
    axe_check(page, "a series' engagement")

    page.get_by_role("link", name="Visite 1").first.click()
    page.get_by_role("heading", name="Visite 1", level=1).wait_for()
    assert page.get_by_role("img", name=re.compile(r"^Vues par jour")).is_visible()
    axe_check(page, "an item's engagement")
    context.close()


def test_the_engagement_page_is_usable_on_a_phone(browser, live_server, axe_check, history):
    context, page = _staff_page(browser, live_server, PHONE)
    page.goto(f"{live_server.url}/equipe/contenus/?period=90")
    page.get_by_role("img", name=re.compile(r"^Vues par jour")).wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page runs {overflow} px off a phone's screen"
    axe_check(page, "engagement on a phone")
    context.close()
