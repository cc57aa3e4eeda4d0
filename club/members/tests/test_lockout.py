"""One failure counter for every way in (site login, admin login, API token), per account and per IP.

The client IP is the trusted proxies' word: with no trusted proxy a forged
X-Forwarded-For is ignored; with one, each visitor behind it counts alone.
"""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from club.core.ip import client_ip
from club.members.tests.factories import PASSWORD, MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db

WRONG = "pas le bon mot de passe"


def _site_login(client, email, password, **headers):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **headers)


def _admin_login(client, email, password, **headers):
    return client.post(reverse("admin:login"), {"username": email, "password": password}, **headers)


def _token(email, password, **headers):
    return APIClient().post("/api/v1/auth/token/", {"email": email, "password": password}, format="json", **headers)


def _fail(way, email, times, client, **headers):
    for _ in range(times):
        if way == "site":
            _site_login(client, email, WRONG, **headers)
        elif way == "admin":
            _admin_login(client, email, WRONG, **headers)
        else:
            _token(email, WRONG, **headers)


@pytest.fixture(autouse=True)
def _token_throttle_out_of_the_way(monkeypatch):
    # The token endpoint's own rate limit (10/min) would answer first; this is about the lockout.
    from club.members.api import LoginThrottle

    monkeypatch.setattr(LoginThrottle, "THROTTLE_RATES", {"token": "1000/min"})


@pytest.mark.parametrize("way", ["site", "admin", "token"])
def test_failures_through_any_entry_point_lock_all_three_for_that_account(client, way):
    member = StaffFactory(is_superuser=True)
    _fail(way, member.email, settings.AXES_FAILURE_LIMIT, client)
    site = _site_login(client, member.email, PASSWORD)
    assert site.status_code == 429 and "Trop d'essais" in site.content.decode()
    assert "_auth_user_id" not in client.session
    assert _admin_login(client, member.email, PASSWORD).status_code == 429
    token = _token(member.email, PASSWORD)
    assert token.status_code == 429 and token.json()["code"] == "too_many_attempts"
    assert int(token["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


def test_one_failure_fewer_than_the_limit_still_lets_the_right_password_in(client):
    member = MemberFactory()
    _fail("token", member.email, settings.AXES_FAILURE_LIMIT - 1, client)
    assert _token(member.email, PASSWORD).status_code == 200


def test_the_lock_lifts_after_the_cool_off(client, clock):
    member = MemberFactory()
    _fail("site", member.email, settings.AXES_FAILURE_LIMIT, client)
    assert _token(member.email, PASSWORD).status_code == 429
    clock.shift(settings.AXES_COOLOFF_TIME * 1.01)
    assert _token(member.email, PASSWORD).status_code == 200


def test_failures_are_recorded_for_the_staff(client):
    from axes.models import AccessFailureLog

    member = MemberFactory()
    _fail("token", member.email, 2, client)
    assert AccessFailureLog.objects.filter(username=member.email).count() == 2


def test_with_no_trusted_proxy_a_forged_forwarded_for_does_not_dodge_the_ip_counter(client):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _token(f"inconnu{n}@exemple.fr", WRONG, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    # Same real address (the test client's): the attacker is locked whatever header it sends.
    assert _token("encore@exemple.fr", WRONG, HTTP_X_FORWARDED_FOR="203.0.113.250").status_code == 429


def test_behind_one_trusted_proxy_an_attacker_locks_only_themself(client, settings):
    settings.TRUSTED_PROXIES = 1
    member = MemberFactory()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _token(f"inconnu{n}@exemple.fr", WRONG, HTTP_X_FORWARDED_FOR="forged, 203.0.113.9")
    assert _token("encore@exemple.fr", WRONG, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    # Every visitor arrives from the proxy's address; the member behind it is not locked out.
    response = _site_login(client, member.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "forged-by-client, 203.0.113.9", "203.0.113.9"),
        (2, "forged, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "", "127.0.0.1"),
    ],
)
def test_the_client_ip_is_read_from_the_trusted_end_of_forwarded_for(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == expected


def test_the_api_throttle_keys_on_the_same_address(settings):
    from rest_framework.request import Request

    from club.members.api import LoginThrottle

    factory = RequestFactory()
    forged = Request(factory.post("/", HTTP_X_FORWARDED_FOR="203.0.113.1", REMOTE_ADDR="10.0.0.1"))
    assert LoginThrottle().get_ident(forged) == "10.0.0.1"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.TRUSTED_PROXIES = 1
    assert LoginThrottle().get_ident(forged) == "203.0.113.1"
