"""The admin's list pages are usable at 1280 px: nothing runs off the right of the screen."""

import pytest
from django.core.management import call_command

from club.core.testing import browser_login
from club.management.commands.seed_demo import ADMIN_EMAIL, ADMIN_PASSWORD, MEMBER_EMAIL
from club.members.models import Member
from rewards.shop.models import Gift
from rewards.shop.services import gift_redeem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTS = [
    "/admin/shop/gift/",
    "/admin/shop/redemption/",
    "/admin/ledger/ledgerentry/",
    "/admin/members/member/",
    "/admin/notifications/announcement/",
]


def test_the_admin_lists_fit_a_1280_px_screen(browser, live_server):
    call_command("seed_demo", force=True)
    member = Member.objects.get(email=MEMBER_EMAIL)
    gift_redeem(member=member, gift=Gift.objects.get(slug="carte-postale"))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    browser_login(page, live_server.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/equipe/")
    for path in LISTS:
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} runs {overflow} px off the screen"
        # Django's list scrolls inside its box: no column may be hidden past its right edge.
        hidden = page.evaluate(
            "(() => { const box = document.querySelector('.results'); "
            "return box ? box.scrollWidth - box.clientWidth : 0; })()"
        )
        assert hidden <= 0, f"{path} hides {hidden} px of columns"
    context.close()
