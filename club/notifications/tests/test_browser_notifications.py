"""Browser journey of notifications: a voucher arrives in the inbox and leads to it."""

import pytest

from club.core.testing import browser_login, browser_open_menu
from club.members.tests.factories import PASSWORD, MemberFactory
from club.notifications.services import notification_send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_sees_the_unread_count_opens_the_item_and_sets_preferences(page, live_server, axe_check):
    member = MemberFactory(display_name="Nina")
    notification_send(member=member, kind="shop", title="Votre bon « Sac » est prêt", url="/boutique/")
    browser_login(page, live_server.url, member.email, PASSWORD)
    page.wait_for_url("**/mon-club/")
    browser_open_menu(page)
    page.get_by_role("link", name="Notifications 1 non lues").click()
    page.wait_for_url("**/mon-club/notifications/")
    axe_check(page, "inbox")
    page.get_by_role("link", name="Votre bon « Sac » est prêt").click()
    page.wait_for_url("**/boutique/")
    assert not page.locator(".count").count()

    page.goto(f"{live_server.url}/mon-club/notifications/preferences/")
    axe_check(page, "notification preferences")
    page.get_by_label("Nouvelles du club").uncheck()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Vos préférences sont enregistrées.").wait_for()
    assert not page.get_by_label("Nouvelles du club").is_checked()
