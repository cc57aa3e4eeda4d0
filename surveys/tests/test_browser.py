"""Surveys and polls in the system Chromium: a member's journey on a phone, and every page checked with axe."""

import re

import pytest
from django.contrib.auth.models import Permission

from club.core.testing import browser_login, browser_open_menu
from club.members.tests.factories import PASSWORD, MemberFactory, MuseumFactory, StaffFactory
from rewards.ledger.selectors import balance_of
from rewards.ledger.services import earning_rules_ensure_defaults
from surveys.models import Submission
from surveys.tests.pages_data import EVERY_KIND, Kind, poll_build, question, survey_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page, label: str) -> None:
    """Nothing scrolls sideways."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{label}: {overflow}px wider than the screen"


def _checked(page, axe_check, label: str) -> None:
    _fits(page, label)
    axe_check(page, label)


def _journey_survey():
    return survey_build(
        slug="cartels",
        title="Nos cartels sont-ils clairs ?",
        museum=MuseumFactory(name="Musée des Beaux-Arts", slug="beaux-arts"),
        introduction="Aidez-nous à écrire les cartels de la prochaine exposition.",
        pages=[
            [
                question("read", Kind.SINGLE, "Avez-vous lu les cartels ?", choices=["Oui", "Non"]),
                question("which", Kind.MULTIPLE, "Lesquels avez-vous lus ?", choices=["Peintures", "Sculptures"],
                         condition=("read", "Oui")),
            ],
            [
                question("why", Kind.SHORT_TEXT, "Pourquoi pas ?", condition=("read", "Non")),
                question("rating", Kind.RATING, "Votre note des cartels"),
            ],
            [
                question("nps", Kind.NPS, "Recommanderiez-vous le musée à un ami ?"),
                question("remark", Kind.LONG_TEXT, "Une remarque ?", required=False, max_length=500),
            ],
        ],
    )  # fmt: skip


def test_a_member_answers_on_a_phone_leaves_resumes_and_sees_the_points(phone_page, live_server, axe_check):
    earning_rules_ensure_defaults()  # a flush between transactional tests empties the earning rules
    page, base = phone_page, live_server.url
    built = _journey_survey()
    member = MemberFactory(display_name="Inès")
    browser_login(page, base, member.email, PASSWORD)
    page.wait_for_url("**/mon-club/")

    browser_open_menu(page)
    page.get_by_role("link", name="Participer").click()
    page.wait_for_url("**/participer/")
    _checked(page, axe_check, "hub")
    page.get_by_role("link", name=re.compile("Nos cartels sont-ils clairs")).click()
    page.get_by_role("heading", name="Nos cartels sont-ils clairs ?").wait_for()
    assert page.get_by_text("Musée des Beaux-Arts").first.is_visible()
    _checked(page, axe_check, "landing")
    page.get_by_role("link", name="Commencer").click()
    page.wait_for_url("**/cartels/page-1/")

    # The follow-up question shows once "Oui" is picked (same page, surveys.js).
    follow_up = page.get_by_role("group", name="Lesquels avez-vous lus ?")
    assert follow_up.is_hidden()
    page.get_by_label("Oui").check()
    follow_up.wait_for()
    page.get_by_label("Sculptures").check()
    _checked(page, axe_check, "answer page")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/cartels/page-2/")

    # The member leaves (logs out) and comes back later: the draft waits on the server, at page 2.
    browser_open_menu(page)
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{base}/")
    browser_login(page, base, member.email, PASSWORD)
    page.wait_for_url("**/mon-club/")
    page.goto(f"{base}/participer/")
    assert page.get_by_text("Reprendre").first.is_visible()
    page.get_by_role("link", name=re.compile("Nos cartels sont-ils clairs")).click()
    page.get_by_role("link", name="Reprendre à la page 2").click()
    page.wait_for_url("**/cartels/page-2/")
    assert page.get_by_text("Page 2 sur 3").is_visible()
    assert page.get_by_text("Pourquoi pas ?").count() == 0  # "Oui" was answered: that question is skipped

    page.get_by_role("button", name="Suivant").click()  # the rating is required
    page.locator(".form-errors").wait_for()
    assert page.locator(f"#q{built.q('rating').pk}-error").inner_text() == "Cette question demande une réponse."
    _checked(page, axe_check, "answer page with an error")
    page.locator(f'label[for="q{built.q("rating").pk}-v4"]').click()  # the button "4 sur 5"
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/cartels/page-3/")
    page.locator(f'label[for="q{built.q("nps").pk}-v9"]').click()
    page.get_by_label(re.compile("Une remarque")).fill("Des cartels plus grands, s'il vous plaît.")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_url("**/cartels/merci/")
    assert page.get_by_text("+40 points").is_visible()
    assert page.get_by_text("Votre solde : 40 points.").is_visible()
    _checked(page, axe_check, "thank-you")
    submission = Submission.objects.get(survey=built.survey, member=member)
    assert submission.answers.filter(question=built.q("which"), choice=built.c("which", "Sculptures")).exists()
    assert balance_of(member=member) == 40


def test_every_survey_page_is_accessible_and_fits_a_phone_and_a_desktop(page, live_server, axe_check):
    earning_rules_ensure_defaults()
    base = live_server.url
    survey_build(slug="toutes", title="Toutes les questions", pages=EVERY_KIND)
    survey_build(slug="anonyme", title="Une enquête anonyme", pages=EVERY_KIND, anonymous=True)
    poll = poll_build(slug="horaires", title="Nos horaires", text="Ouvrir le jeudi soir ?")
    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_survey", content_type__app_label="surveys"))
    member = MemberFactory()
    browser_login(page, base, member.email, PASSWORD)
    page.wait_for_url("**/mon-club/")
    for path, label in (
        ("/participer/", "hub"),
        ("/participer/enquetes/anonyme/", "anonymous landing"),
        ("/participer/enquetes/toutes/page-1/", "answer page 1 (choices, scales, matrix)"),
        ("/participer/enquetes/toutes/page-2/", "answer page 2 (ranking, texts, number, date, pictures)"),
    ):
        page.goto(f"{base}{path}")
        _checked(page, axe_check, f"{label} ({page.viewport_name})")
    # The ranking's buttons move a choice and number the ranks.
    first = page.locator(".ranking-item").first
    first.get_by_role("button", name=re.compile("Descendre")).click()
    ranks = page.locator(".ranking select").evaluate_all("selects => selects.map(s => s.value)")
    assert ranks == ["1", "2", "3"]
    assert page.locator(".ranking-item").nth(1).get_attribute("data-choice-label") == "Peinture"

    # Mon club with the poll, before and after voting.
    page.goto(f"{base}/mon-club/")
    _checked(page, axe_check, f"Mon club with a poll ({page.viewport_name})")
    page.get_by_label("Oui").check()
    page.get_by_role("button", name="Voter (+10 points)").click()
    page.get_by_text("Merci pour votre vote ! +10 points.").wait_for()
    assert page.get_by_text("Oui : 100 % (1 vote)").is_visible()
    _checked(page, axe_check, f"Mon club after the vote ({page.viewport_name})")
    assert poll.survey.participations.filter(member=member).exists()

    browser_open_menu(page)
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{base}/")
    browser_login(page, base, staff.email, PASSWORD)
    page.wait_for_url(re.compile(r".*/(mon-club|equipe)/.*"))
    page.goto(f"{base}/participer/enquetes/anonyme/apercu/")
    assert page.get_by_text("Aperçu", exact=True).is_visible()
    _checked(page, axe_check, f"preview ({page.viewport_name})")
