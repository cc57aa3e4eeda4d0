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

    # The follow-up question shows once "Oui" is picked (same page, surveys.js), without the note that pages
    # without JavaScript need ("Répondez seulement si…"): the page itself shows it at the right time.
    follow_up = page.get_by_role("group", name="Lesquels avez-vous lus ?")
    assert follow_up.is_hidden()
    page.get_by_label("Oui").check()
    follow_up.wait_for()
    note = page.locator(f"#q{built.q('which').pk}-note")
    assert note.count() == 1 and note.is_hidden()
    assert "-note" not in (follow_up.get_attribute("aria-describedby") or "")
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
    # A required ranking starts numbered in the order shown (keeping it is an answer); its buttons, labelled by
    # the page, move a choice and number the ranks again.
    ranks = page.locator(".ranking select").evaluate_all("selects => selects.map(s => s.value)")
    assert ranks == ["1", "2", "3"]
    first = page.locator(".ranking-item").first
    assert first.get_attribute("data-choice-label") == "Peinture"
    first.get_by_role("button", name="Descendre « Peinture »").click()
    ranks = page.locator(".ranking select").evaluate_all("selects => selects.map(s => s.value)")
    assert ranks == ["1", "2", "3"]
    assert page.locator(".ranking-item").nth(1).get_attribute("data-choice-label") == "Peinture"
    assert page.locator(f"#{page.locator('.ranking select').nth(1).get_attribute('id')}").input_value() == "2"

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


def test_a_ranking_kept_as_shown_is_an_answer_and_enter_goes_forward(phone_page, live_server):
    earning_rules_ensure_defaults()
    page, base = phone_page, live_server.url
    built = survey_build(
        slug="sujets",
        pages=[
            [question("topics", Kind.RANKING, "Classez ces sujets", choices=["Peinture", "Sculpture", "Dessin"])],
            [question("word", Kind.SHORT_TEXT, "Un mot", max_length=40)],
        ],
    )
    member = MemberFactory()
    browser_login(page, base, member.email, PASSWORD)
    page.wait_for_url("**/mon-club/")
    page.goto(f"{base}/participer/enquetes/sujets/page-1/")
    page.get_by_role("button", name="Suivant").click()  # the order shown, untouched
    page.wait_for_url("**/sujets/page-2/")
    # "Précédent" comes first in the row; Enter in a field still goes forward (here: sends).
    row = page.locator(".survey-actions button").evaluate_all("buttons => buttons.map(b => b.textContent.trim())")
    assert row == ["Précédent", "Enregistrer et reprendre plus tard", "Envoyer mes réponses"]
    page.get_by_label(re.compile("Un mot")).fill("Clair")
    page.get_by_label(re.compile("Un mot")).press("Enter")
    page.wait_for_url("**/sujets/merci/")
    submission = Submission.objects.get(survey=built.survey, member=member)
    ranked = dict(submission.answers.filter(question=built.q("topics")).values_list("choice__label", "rank"))
    assert ranked == {"Peinture": 1, "Sculpture": 2, "Dessin": 3}


def test_picture_choices_never_cut_a_word_and_hub_titles_read_as_links(page, live_server, axe_check):
    base = live_server.url
    survey_build(
        slug="cartels",
        title="Nos cartels",
        pages=[[question("layout", Kind.IMAGE_CHOICE, "Quelle mise en page préférez-vous ?", choices=[
            "Texte court en grands caractères", "Texte long avec une illustration",
            "Cartel court avec un QR code vers plus d'informations",
        ])]],
    )  # fmt: skip
    poll_build(slug="horaires", title="Nos horaires", text="Ouvrir le jeudi soir ?")
    member = MemberFactory()
    browser_login(page, base, member.email, PASSWORD)
    page.wait_for_url("**/mon-club/")
    page.goto(f"{base}/participer/enquetes/cartels/page-1/")
    cut = page.evaluate(
        """() => {
        const cut = [];
        document.querySelectorAll('.choices-images label span').forEach(span => {
          const text = span.firstChild, range = document.createRange();
          let at = 0;
          for (const word of text.textContent.split(' ')) {
            range.setStart(text, at);
            range.setEnd(text, at + word.length);
            if (range.getClientRects().length > 1) cut.push(word);
            at += word.length + 1;
          }
        });
        return cut;
      }"""
    )
    assert cut == [], f"words cut across lines ({page.viewport_name}): {cut}"
    _checked(page, axe_check, f"picture choices ({page.viewport_name})")
    # On the hub, a survey's title looks like the poll's: a link.
    page.goto(f"{base}/participer/")
    survey_title = page.locator(".participate-section .card-link h2").first
    poll_title = page.locator(".poll-card h2 a").first
    style = "e => [getComputedStyle(e).color, getComputedStyle(e).textDecorationLine, getComputedStyle(e).fontSize]"
    assert survey_title.evaluate(style) == poll_title.evaluate(style)
    assert "underline" in survey_title.evaluate(style)[1]


def test_forbidden_and_stale_pages_are_in_the_sites_design(phone_page, live_server, axe_check):
    page, base = phone_page, live_server.url
    built = survey_build(slug="cartels", pages=[[question("q", Kind.RATING)], [question("r", Kind.RATING)]])
    member = MemberFactory()
    browser_login(page, base, member.email, PASSWORD)
    page.wait_for_url("**/mon-club/")
    # A member who opens a staff preview link lands on the survey's page.
    page.goto(f"{base}/participer/enquetes/cartels/apercu/")
    page.wait_for_url("**/participer/enquetes/cartels/")
    assert page.get_by_text("L'aperçu est réservé à l'équipe du club").is_visible()
    page.goto(f"{base}/equipe/")
    page.get_by_role("heading", name="Accès refusé").wait_for()
    _checked(page, axe_check, "403")
    # The page open in one tab, a logout and login in another: sending it says what happened.
    page.goto(f"{base}/participer/enquetes/cartels/page-1/")
    other = page.context.new_page()
    other.goto(f"{base}/mon-club/")
    browser_open_menu(other)
    other.get_by_role("button", name="Se déconnecter").click()
    other.wait_for_url(f"{base}/")
    browser_login(other, base, member.email, PASSWORD)
    other.wait_for_url("**/mon-club/")
    other.close()
    page.locator(f'label[for="q{built.q("q").pk}-v4"]').click()
    page.get_by_role("button", name="Suivant").click()
    page.get_by_role("heading", name=re.compile("votre session a changé")).wait_for()
    _checked(page, axe_check, "stale form")
    page.get_by_role("link", name="Recharger la page").click()
    page.wait_for_url("**/cartels/page-1/")
    page.locator(f'label[for="q{built.q("q").pk}-v4"]').click()
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/cartels/page-2/")
