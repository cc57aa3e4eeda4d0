"""Browser: a moderator reads the reported comments on a desktop, hides one with a reason and answers another."""

import pytest
from django.contrib.auth.models import Group

from club.core.testing import browser_login
from club.members.permissions import MUSEUM_TEAM, staff_permissions_sync_all
from club.members.tests.factories import PASSWORD, MemberFactory, StaffFactory
from club.moderation.models import Report
from club.moderation.services import report_create
from museums.content.models import Comment
from museums.content.services import comment_create
from museums.content.tests.factories import ContentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def reported():
    staff_permissions_sync_all()  # an earlier test's flush may have emptied the groups
    content = ContentFactory(title_fr="La collection du mois")
    rude = comment_create(member=MemberFactory(display_name="Camille"), content=content, body="Ce cartel est nul.")
    asking = comment_create(member=MemberFactory(display_name="Jules"), content=content, body="Où est le tableau ?")
    for _n in range(2):
        report_create(member=MemberFactory(), item=rude, reason=Report.Reason.OFFENSIVE)
    report_create(member=MemberFactory(), item=asking, reason=Report.Reason.OFF_TOPIC)
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    return staff, rude, asking


def _open(browser, live_server, staff, viewport):
    context = browser.new_context(viewport=viewport, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    browser_login(page, live_server.url, staff.email, PASSWORD)
    page.wait_for_url("**/equipe/")
    return context, page


def test_a_moderator_hides_a_reported_comment_and_answers_another_on_a_desktop(browser, live_server, axe_check,
                                                                               reported):  # fmt: skip
    staff, rude, asking = reported
    context, page = _open(browser, live_server, staff, DESKTOP)
    page.get_by_role("link", name="Modération").click()
    page.get_by_role("heading", name="Modération", level=1).wait_for()
    titles = page.locator(".moderation-list h2").all_inner_texts()
    assert titles == ["Message de Camille", "Message de Jules"]  # the most reported first
    first = page.locator(f"#content-comment-{rude.pk}")
    assert first.get_by_text("2 signalements").is_visible()
    assert first.get_by_text("Propos blessants ou injurieux (×2)").is_visible()
    axe_check(page, "moderation queue")

    first.get_by_text("Masquer ce message").click()
    first.get_by_role("button", name="Masquer").click()  # no reason
    error = page.locator(f"#content-comment-{rude.pk}").get_by_role("alert")
    error.wait_for()
    assert "Indiquez la raison de votre décision" in error.inner_text()
    axe_check(page, "moderation queue with a missing reason")
    page.locator(f"#content-comment-{rude.pk}").get_by_label("Raison du masquage").fill("Propos blessants.")
    page.locator(f"#content-comment-{rude.pk}").get_by_role("button", name="Masquer").click()
    page.get_by_text("Message masqué : son auteur le voit encore, avec votre raison.").wait_for()
    assert page.locator(".moderation-list h2").all_inner_texts() == ["Message de Jules"]

    second = page.locator(f"#content-comment-{asking.pk}")
    second.get_by_text("Répondre au nom de l'équipe du musée").click()
    second.get_by_label("Votre réponse").fill("Salle 3, au premier étage.")
    second.get_by_role("button", name="Publier la réponse").click()
    page.get_by_text("Réponse publiée sous la marque « Équipe du musée ».").wait_for()
    assert Comment.objects.get(reply_to=asking).staff_reply

    page.get_by_role("link", name="Masqués").click()
    page.get_by_text("Masqué le").wait_for()
    assert page.get_by_text("Propos blessants.").is_visible()
    axe_check(page, "hidden messages")
    context.close()


def test_the_queue_fits_a_phone(browser, live_server, axe_check, reported):
    staff, _rude, _asking = reported
    context, page = _open(browser, live_server, staff, PHONE)
    page.goto(f"{live_server.url}/equipe/moderation/")
    page.get_by_role("heading", name="Message de Camille").wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page runs {overflow} px off a phone's screen"
    axe_check(page, "moderation queue on a phone")
    context.close()
