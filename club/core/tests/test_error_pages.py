"""A refused page says so in the site's design (403, a stale form), and in JSON under /api/."""

import json

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from club.core import views
from club.members.tests.factories import PASSWORD, MemberFactory
from surveys.models import Draft
from surveys.tests.pages_data import Kind, question, survey_build

pytestmark = pytest.mark.django_db


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_forbidden_page_is_the_sites_403_in_its_design(client):
    client.force_login(MemberFactory())
    response = client.get(reverse("staff:hub"))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="site-nav"' in html and "css/components.css" in html  # base.html, like the 404
    assert "<h1>Accès refusé</h1>" in _main(html) and reverse("club:dashboard") in _main(html)
    assert "Forbidden" not in html


def test_a_forbidden_page_invites_a_visitor_to_log_in():
    request = RequestFactory().get("/equipe/quelque-part/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    html = views.permission_denied(request).content.decode()
    assert f"{reverse('account_login')}?next=/equipe/quelque-part/" in html


def test_a_forbidden_api_address_answers_json():
    response = views.permission_denied(RequestFactory().get("/api/v1/quelque-chose/"))
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "permission_denied"


def _token(html: str) -> str:
    return html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


def _log_in(browser: Client, member) -> None:
    """Through the login form, as a browser does: a login gives the session a new token."""
    form = browser.get(reverse("account_login")).content.decode()
    answer = browser.post(
        reverse("account_login"), {"csrfmiddlewaretoken": _token(form), "login": member.email, "password": PASSWORD}
    )
    assert answer.status_code == 302


def test_a_page_sent_after_the_session_changed_says_so_and_keeps_the_draft():
    built = survey_build(slug="cartels", pages=[[question("q", Kind.RATING)], [question("r", Kind.RATING)]])
    member = MemberFactory()
    browser = Client(enforce_csrf_checks=True)
    _log_in(browser, member)
    url = reverse("surveys:answer", args=["cartels", 1])
    page = browser.get(url).content.decode()
    browser.post(url, {"csrfmiddlewaretoken": _token(page), f"q{built.q('q').pk}": "4", "action": "save"})
    assert Draft.objects.get(member=member).answers == {str(built.q("q").pk): 4}
    stale = _token(browser.get(url).content.decode())
    # Logged out and in again in another tab: the open page's token is no longer the session's.
    browser.post(reverse("account_logout"), {"csrfmiddlewaretoken": stale})
    _log_in(browser, member)
    answers = {"csrfmiddlewaretoken": stale, f"q{built.q('q').pk}": "2", "action": "next"}
    sent = browser.post(url, answers, HTTP_REFERER=f"http://testserver{url}")
    assert sent.status_code == 403
    html = sent.content.decode()
    main = _main(html)
    assert "votre session a changé" in main and "rien n'a été enregistré" in main
    assert "votre brouillon" in main and "sont gardées" in main
    assert f'<a class="button" href="http://testserver{url}">Recharger la page</a>' in main
    assert 'id="site-nav"' in html and "CSRF" not in html and "Forbidden" not in html
    assert Draft.objects.get(member=member).answers == {str(built.q("q").pk): 4}  # untouched
    # Reloaded, the page carries the new token and goes on.
    fresh = _token(browser.get(url).content.decode())
    moved = browser.post(url, {"csrfmiddlewaretoken": fresh, f"q{built.q('q').pk}": "2", "action": "next"})
    assert moved.status_code == 302


def test_a_stale_form_from_another_site_offers_no_link_back_there():
    browser = Client(enforce_csrf_checks=True)
    sent = browser.post(reverse("set_language"), {"language": "en"}, HTTP_REFERER="https://evil.example/x")
    assert sent.status_code == 403
    main = _main(sent.content.decode())
    assert "evil.example" not in main and "Recharger la page" not in main and 'href="/"' in main


def test_a_stale_form_under_api_answers_json():
    request = RequestFactory().post("/api/v1/quelque-chose/")
    response = views.csrf_failure(request, reason="CSRF token missing.")
    assert response.status_code == 403 and json.loads(response.content)["code"] == "csrf_failed"
