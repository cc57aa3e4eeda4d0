"""The navigation in a real browser: no label over two lines on desktops, the unread count in sight on a phone."""

import pytest
from django.core.management import call_command

from club.core.testing import browser_login
from club.management.commands.seed_demo import ADMIN_EMAIL, ADMIN_PASSWORD, MEMBER_EMAIL, MEMBER_PASSWORD
from club.members.models import Member
from club.notifications.models import Notification
from club.notifications.services import notification_send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A one-line item is its 44 px touch target; a label broken over two lines makes it taller.
HEIGHT_OF = "el => el.getBoundingClientRect().height"
ONE_LINE = 46


@pytest.mark.parametrize("width", [1024, 1280])
def test_no_label_of_the_staffs_navigation_wraps(browser, live_server, axe_check, width):
    call_command("seed_demo", force=True)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    browser_login(page, live_server.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/equipe/")
    items = page.locator(".site-nav a, .site-nav .link-button, .language-switch .link-button")
    assert items.count() >= 7
    for index in range(items.count()):
        item = items.nth(index)
        assert item.evaluate(HEIGHT_OF) <= ONE_LINE, f"'{item.inner_text()}' wraps at {width} px"
    assert page.locator('.site-nav a[aria-current="page"]').inner_text() == "Espace équipe"
    axe_check(page, f"Espace équipe at {width} px")
    context.close()


def test_the_unread_count_shows_on_a_phone_without_opening_the_menu(phone_page, live_server):
    call_command("seed_demo", force=True)
    member = Member.objects.get(email=MEMBER_EMAIL)
    notification_send(member=member, kind="shop", title="Votre bon est prêt")
    browser_login(phone_page, live_server.url, MEMBER_EMAIL, MEMBER_PASSWORD)
    phone_page.wait_for_url("**/mon-club/")
    assert not phone_page.locator(".site-nav").is_visible()  # the menu is folded
    count = phone_page.locator(".header-count")
    unread = Notification.objects.filter(member=member, read_at__isnull=True).count()
    assert unread >= 2  # the welcome and the voucher, and the demo's event tickets
    assert count.is_visible() and count.inner_text().startswith(str(unread))
    count.click()
    phone_page.wait_for_url("**/mon-club/notifications/")


def test_the_styleguide_is_axe_clean_on_a_phone_and_a_desktop(page, live_server, axe_check):
    call_command("seed_demo", force=True)
    browser_login(page, live_server.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/equipe/")
    page.goto(f"{live_server.url}/equipe/composants/")
    page.get_by_role("heading", name="Guide des composants").wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the styleguide is {overflow} px wider than the screen"
    axe_check(page, f"styleguide ({page.viewport_name})")
