"""Browser: the staff read a survey's results on a desktop (charts, tables, axe clean) and get the Excel file."""

import re

import pytest
from openpyxl import load_workbook

from club.core.testing import browser_login
from club.members.permissions import staff_permissions_sync_all
from club.members.tests.factories import PASSWORD
from rewards.ledger.services import earning_rules_ensure_defaults
from surveys.exports import export_xlsx_build
from surveys.models import Export
from surveys.tests.results_data import PLAIN, respond, respond_all, results_staff, survey_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def built():
    earning_rules_ensure_defaults()  # an earlier test's flush may have emptied them
    staff_permissions_sync_all()
    return respond_all(survey_build())


# Every text drawn in a chart, as the browser lays it out, inside the drawing (none cut at its edge; a
# glyph such as "Y" may start a fraction of a pixel left of its x).
TEXTS_OUTSIDE_CHARTS = """() => Array.from(document.querySelectorAll("svg.chart")).flatMap((svg) => {
  const width = svg.viewBox.baseVal.width;
  return Array.from(svg.querySelectorAll("text"))
    .filter((text) => { const box = text.getBBox(); return box.x < -1 || box.x + box.width > width + 0.5; })
    .map((text) => svg.id + ": " + text.textContent);
})"""


def _staff_page(browser, live_server, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="fr-FR", accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    staff = results_staff()
    browser_login(page, live_server.url, staff.email, PASSWORD)
    page.wait_for_url("**/equipe/")
    return context, page


def _rows(path) -> list[tuple]:
    with open(path, "rb") as handle:  # the browser's download has no extension, which load_workbook reads by name
        return list(load_workbook(handle).active.iter_rows(values_only=True))


def test_staff_read_the_results_as_charts_and_tables_on_a_desktop(browser, live_server, axe_check, built):
    context, page = _staff_page(browser, live_server)
    page.get_by_role("link", name="Résultats des enquêtes").click()
    page.wait_for_url("**/equipe/enquetes/")
    axe_check(page, "list of surveys")
    page.get_by_role("link", name="Nos cartels sont-ils clairs ?").click()
    page.get_by_role("heading", name="Nos cartels sont-ils clairs ?", level=1).wait_for()
    charts = page.get_by_role("img", name=re.compile(r"^Votre musée du jour \? A : 3"))
    assert charts.count() == 1 and charts.is_visible()
    assert page.locator("svg.chart[role=img]").count() == 8
    box = charts.bounding_box()
    table = page.get_by_role("table", name="Réponses par choix").first.bounding_box()
    assert table["x"] > box["x"] + box["width"] - 1  # the table beside its chart on a desktop
    assert page.get_by_role("row", name=re.compile(r"Promoteurs \(9–10\) 3 50,0")).is_visible()
    assert page.locator("td.heat-3").first.is_visible()
    assert page.evaluate(TEXTS_OUTSIDE_CHARTS) == []
    ranks = page.get_by_role("img", name=re.compile(r"^Classez"))
    assert ranks.locator("text.chart-value").all_text_contents() == ["1,50", "2,17", "2,33"]
    axe_check(page, "survey results")

    page.get_by_label("Musée préféré").select_option(label="Musée des Beaux-Arts")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_text("Moins de 5 réponses : résultats masqués pour préserver l'anonymat.").wait_for()
    assert page.locator("svg.chart").count() == 0
    axe_check(page, "results of a masked group")

    page.get_by_role("link", name="Toutes les réponses").click()
    page.get_by_role("link", name="Lire les réponses écrites").first.click()
    page.get_by_role("heading", name="3 réponses écrites").wait_for()
    page.get_by_label("Rechercher dans les réponses").fill("très")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("heading", name="1 réponse contient « très »").wait_for()
    assert page.get_by_text("Très bien").is_visible()
    axe_check(page, "text answers")
    context.close()


def test_the_results_page_is_usable_on_a_phone(browser, live_server, axe_check, built):
    context, page = _staff_page(browser, live_server, PHONE)
    page.goto(f"{live_server.url}/equipe/enquetes/{built.survey.pk}/")
    page.get_by_role("img", name=re.compile(r"^Lisibilité")).wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page runs {overflow} px off a phone's screen"
    axe_check(page, "survey results on a phone")
    context.close()


def test_the_excel_file_is_prepared_with_its_progress_then_downloaded(browser, live_server, axe_check, built):
    context, page = _staff_page(browser, live_server)
    # A file on its way (as a worker would leave it): the page shows how far and follows it by itself.
    export = Export.objects.create(survey=built.survey, requested_by=built.members[0], status=Export.Status.RUNNING,
                                   done=3, total=6)  # fmt: skip
    page.goto(f"{live_server.url}/equipe/enquetes/{built.survey.pk}/")
    progress = page.get_by_label("Préparation du fichier Excel")
    assert progress.get_attribute("value") == "50"
    assert page.locator("[data-export-percent]").inner_text() == "50\u202f%"
    axe_check(page, "results with an export in progress")
    export_xlsx_build(export_id=export.pk)  # the worker finishes
    link = page.get_by_role("link", name="Télécharger le fichier Excel")
    link.wait_for()  # shown by the page's polling, without a reload
    assert not progress.is_visible()
    with page.expect_download() as download:
        link.click()
    rows = _rows(download.value.path())
    assert len(rows) == 7 and rows[0][0] == "Réponse"

    # Asked from the page: Celery runs eagerly here, as in the quick start, so the file is ready at once.
    page.get_by_role("button", name="Préparer à nouveau le fichier Excel").click()
    page.get_by_text(re.compile(r"Fichier Excel prêt \(6 réponses")).wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le fichier Excel").click()
    assert download.value.suggested_filename.startswith("cartels-reponses-")
    assert len(_rows(download.value.path())) == 7
    assert Export.objects.filter(status=Export.Status.DONE).count() == 2
    context.close()


def test_an_anonymous_surveys_waiting_responses_are_said_on_its_page(browser, live_server, axe_check):
    earning_rules_ensure_defaults()
    staff_permissions_sync_all()
    built = survey_build(anonymous=True, slug="anonyme")
    for _n in range(3):
        respond(built, "M1", "fr", PLAIN)
    context, page = _staff_page(browser, live_server)
    page.goto(f"{live_server.url}/equipe/enquetes/")
    assert page.get_by_role("cell", name=re.compile(r"^3 dont 3 en attente d.écriture$")).is_visible()
    axe_check(page, "list of surveys with responses waiting")
    page.get_by_role("link", name="Nos cartels sont-ils clairs ?").click()
    note = page.get_by_role("status").filter(has_text="3 membres ont répondu.")
    assert note.is_visible() and "au plus tard à la clôture" in note.inner_text()
    axe_check(page, "anonymous results with responses waiting")
    context.close()
