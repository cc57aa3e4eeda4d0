"""Shared test set-up: clean caches, test-friendly settings, shared fixtures, browsers.

Fixtures every app's tests use live here once (`member`, `give`,
`ledger_is_consistent`, `hung_port`); plain helpers live in
`club.core.testing`, factories in each app's `tests/factories.py`.

The browser harness drives the system Chromium through Playwright against
pytest-django's `live_server`, at a phone and a desktop size, and checks pages
with axe-core (bundled by the `axe-playwright-python` package).
"""

import os
import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from club.core.memo import memos_clear
from club.core.testing import hung_listener

# Playwright's sync API runs an event loop in the test thread; the ORM calls made
# by tests around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.SECURE_SSL_REDIRECT = False
    # Hashing passwords properly is slow by design; tests only need it to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    memos_clear()
    # Tasks run in-process unless a test is about Celery itself (those start a real
    # worker, or point the app at a broken broker on purpose).
    from club.celery import app as celery_app

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    # Requests activate the member's language in this thread; start each test in French.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    cache.clear()
    memos_clear()
    translation.deactivate()
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def member(db):
    from club.members.tests.factories import MemberFactory

    return MemberFactory()


@pytest.fixture
def give():
    """Give a member points through the ledger (an earning action with no cap)."""
    from rewards.ledger.models import Reason
    from rewards.ledger.services import points_award

    counter = {"n": 0}

    def give(member, amount, *, now=None, action=Reason.IDEA_PLANNED):
        counter["n"] += 1
        return points_award(
            member=member, action=action, reference=f"test.source:{counter['n']}", amount=amount, now=now
        )

    return give


@pytest.fixture
def ledger_is_consistent():
    """Call at the end of a test that moved points: `ledger_verify` must pass."""

    def check():
        call_command("ledger_verify")

    return check


# Where the `clock` fixture starts: a Saturday noon in Paris, far from any day boundary.
CLOCK_START = datetime(2026, 11, 14, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def clock():
    """Frozen time for tests about dates (time-machine, the one library for it).

    Starts at CLOCK_START and stands still; `clock.move_to(when)` and
    `clock.shift(timedelta)` move it. Everything reads it: `timezone.now()`,
    model defaults, the services' own clock.
    """
    with time_machine.travel(CLOCK_START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def hung_port():
    """A local port that accepts connections and never answers (a hung broker)."""
    with hung_listener() as port:
        yield port


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install the Debian package 'chromium'.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, viewport: str, locale: str = "fr-FR"):
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        locale=locale,
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_server):
    """A fresh browser page, once at phone size and once at desktop size."""
    context, page = _new_page(browser, request.param)
    page.viewport_name = request.param
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context, page = _new_page(browser, "phone")
    yield page
    context.close()


@pytest.fixture
def axe_check():
    """Run axe-core on the page; fail on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, label: str = ""):
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        details = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in bad
        )
        assert not bad, f"axe found serious/critical violations on {label or page.url}:\n{details}"
        return results

    return check
