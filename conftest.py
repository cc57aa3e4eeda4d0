"""Shared test set-up: clean caches, test-friendly security settings, browsers.

The browser harness drives the system Chromium through Playwright against
pytest-django's `live_server`, at a phone and a desktop size, and checks pages
with axe-core (bundled by the `axe-playwright-python` package).
"""

import os
import shutil

import pytest
from django.core.cache import cache
from django.utils import translation

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
    # Tasks run in-process unless a test is about Celery itself (those start a real
    # worker, or point the app at a broken broker on purpose).
    from club.celery import app as celery_app

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    # Requests activate the member's language in this thread; start each test in French.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    cache.clear()
    translation.deactivate()
    celery_app.conf.task_always_eager = eager


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
