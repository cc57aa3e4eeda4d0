"""API of the points and the shop: tokens, errors, idempotency."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from club.core.api import exception_handler
from club.core.idempotency import idempotency_keys_purge
from club.core.locks import LockTimeout
from club.core.models import IdempotencyKey
from club.members.tests.factories import PASSWORD, MemberFactory
from rewards.ledger.selectors import balance_of
from rewards.shop.models import Gift, Redemption
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(member):
    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"email": member.email, "password": PASSWORD}, format="json")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    return client


def test_token_is_issued_for_email_and_password_and_works(api, member, give):
    give(member, 70)
    body = api.get("/api/v1/me/points/").json()
    assert body["balance"] == 70 and body["count"] == 1
    assert body["results"][0]["amount"] == 70 and body["results"][0]["balance_after"] == 70


def test_token_request_errors_are_json_with_codes(member):
    client = APIClient()
    wrong = client.post("/api/v1/auth/token/", {"email": member.email, "password": "non"}, format="json")
    assert wrong.status_code == 401 and wrong.json()["code"] == "authentication_failed"
    unverified = MemberFactory(verified=False)
    refused = client.post("/api/v1/auth/token/", {"email": unverified.email, "password": PASSWORD}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    invalid = client.post("/api/v1/auth/token/", {"email": "pas-une-adresse"}, format="json")
    assert invalid.status_code == 400 and set(invalid.json()["details"]) == {"email", "password"}


def test_token_requests_are_throttled(member):
    cache.clear()
    client = APIClient()
    codes = [
        client.post("/api/v1/auth/token/", {"email": member.email, "password": "x"}, format="json").status_code
        for _ in range(11)
    ]
    assert codes[-1] == 429


def test_password_change_rotates_the_token(api, member, client):
    old = Token.objects.get(user=member).key
    client.force_login(member)
    client.post(
        "/compte/password/change/",
        {"oldpassword": PASSWORD, "password1": "un nouveau mot de passe", "password2": "un nouveau mot de passe"},
    )
    assert not Token.objects.filter(key=old).exists()
    assert api.get("/api/v1/me/points/").status_code == 401


def test_anonymous_gets_401_and_unknown_api_address_gets_json_404():
    client = APIClient()
    response = client.get("/api/v1/me/points/")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    missing = client.get("/api/v1/nothing-here/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_gifts_list_says_how_many_points_are_missing(api, member, give):
    give(member, 100)
    GiftFactory(slug="carte", points=60)
    GiftFactory(slug="sac", points=240)
    GiftFactory(slug="cache", points=10, is_active=False)
    gifts = {g["slug"]: g for g in api.get("/api/v1/gifts/").json()["results"]}
    assert set(gifts) == {"carte", "sac"}
    assert gifts["carte"]["missing_points"] == 0 and gifts["sac"]["missing_points"] == 140
    assert APIClient().get("/api/v1/gifts/").json()["results"][0]["missing_points"] is None


def test_redeem_and_cancel_through_the_api(api, member, give, ledger_is_consistent):
    give(member, 300)
    gift = GiftFactory(points=240, stock=2)
    created = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "issued" and balance_of(member=member) == 60
    assert [r["code"] for r in api.get("/api/v1/redemptions/").json()["results"]] == [created.json()["code"]]
    cancelled = api.post(f"/api/v1/redemptions/{created.json()['id']}/cancel/")
    assert cancelled.json()["status"] == "cancelled" and balance_of(member=member) == 300
    again = api.post(f"/api/v1/redemptions/{created.json()['id']}/cancel/")
    assert again.status_code == 409 and again.json()["code"] == "voucher_cancelled"
    ledger_is_consistent()


@pytest.mark.parametrize(
    ("setup", "status", "code"),
    [
        ({"points": 500}, 409, "insufficient_points"),
        ({"stock": 0}, 409, "out_of_stock"),
        ({"is_active": False}, 409, "gift_not_available"),
    ],
)
def test_refused_redemption_is_a_json_error_and_writes_nothing(api, member, give, setup, status, code):
    give(member, 300)
    gift = GiftFactory(**{"points": 240, "stock": 2, **setup})
    response = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json")
    assert response.status_code == status and response.json()["code"] == code
    assert set(response.json()) == {"code", "message", "details"}
    assert balance_of(member=member) == 300 and not Redemption.objects.exists()


def test_unknown_gift_and_someone_elses_voucher_are_refused(api, give):
    other = MemberFactory()
    give(other, 100)
    from rewards.shop import services as shop_services

    voucher = shop_services.gift_redeem(member=other, gift=GiftFactory(points=60))
    assert api.post("/api/v1/redemptions/", {"gift": 999999}, format="json").json()["code"] == "invalid"
    response = api.post(f"/api/v1/redemptions/{voucher.pk}/cancel/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Redemption.objects.get(pk=voucher.pk).status == "issued"


def test_idempotency_key_replays_the_first_answer(api, member, give):
    give(member, 1000)
    gift = GiftFactory(points=240, stock=10)
    first = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json", HTTP_IDEMPOTENCY_KEY="cle-1")
    replay = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json", HTTP_IDEMPOTENCY_KEY="cle-1")
    assert replay.status_code == first.status_code == 201
    assert replay.json() == first.json() and replay["Idempotent-Replayed"] == "true"
    assert Redemption.objects.count() == 1 and balance_of(member=member) == 760
    Gift.objects.filter(pk=gift.pk).update(stock=0)
    reused = api.post("/api/v1/redemptions/", {"gift": gift.pk + 1}, format="json", HTTP_IDEMPOTENCY_KEY="cle-1")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"


def test_idempotency_key_still_processing_answers_409(api, member, give):
    give(member, 1000)
    gift = GiftFactory(points=240)
    request_body = {"gift": gift.pk}
    import hashlib
    import json

    fingerprint = hashlib.sha256(
        f"POST /api/v1/redemptions/\n{json.dumps(request_body, sort_keys=True)}".encode()
    ).hexdigest()
    IdempotencyKey.objects.create(member=member, key="en-cours", fingerprint=fingerprint)
    response = api.post("/api/v1/redemptions/", request_body, format="json", HTTP_IDEMPOTENCY_KEY="en-cours")
    assert response.status_code == 409 and response.json()["code"] == "idempotency_key_in_progress"
    assert not Redemption.objects.exists()


def test_refused_request_is_replayed_too_and_keys_are_purged_after_a_day(api, member):
    gift = GiftFactory(points=240)
    first = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    replay = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == replay.status_code == 409 and replay.json() == first.json()
    assert idempotency_keys_purge(older_than_hours=24) == 0
    assert idempotency_keys_purge(older_than_hours=0) == 1


def test_lock_timeout_becomes_503_with_retry_after():
    response = exception_handler(LockTimeout(), {})
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert response.data["code"] == "busy"


def test_api_messages_follow_the_members_language(api, member):
    gift = GiftFactory(points=240)
    french = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json").json()["message"]
    member.preferred_language = "en"
    member.save(update_fields=["preferred_language"])
    english = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json").json()["message"]
    assert french == "Vous n'avez pas assez de points." and english == "You do not have enough points."


def test_a_crash_between_the_effect_and_the_stored_answer_leaves_nothing_and_a_retry_pays_once(
    api, member, give, monkeypatch, ledger_is_consistent
):
    """The key, the voucher and the answer commit together: a crash in between undoes all three."""
    from club.core import idempotency

    give(member, 1000)
    gift = GiftFactory(points=240, stock=10)
    real_store = idempotency._store_answer

    def crash(record, response):
        raise ConnectionError("the process died before the answer was stored")

    monkeypatch.setattr(idempotency, "_store_answer", crash)
    with pytest.raises(ConnectionError):
        api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json", HTTP_IDEMPOTENCY_KEY="panne")
    assert not Redemption.objects.exists() and not IdempotencyKey.objects.exists()
    assert balance_of(member=member) == 1000 and Gift.objects.get(pk=gift.pk).stock == 10

    monkeypatch.setattr(idempotency, "_store_answer", real_store)
    retry = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json", HTTP_IDEMPOTENCY_KEY="panne")
    again = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json", HTTP_IDEMPOTENCY_KEY="panne")
    assert retry.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Redemption.objects.count() == 1 and balance_of(member=member) == 760
    ledger_is_consistent()


def test_a_refused_request_stores_its_answer_with_no_effect(api, member, give):
    give(member, 100)
    gift = GiftFactory(points=240, stock=10)
    refused = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json", HTTP_IDEMPOTENCY_KEY="trop-cher")
    assert refused.status_code == 409 and refused.json()["code"] == "insufficient_points"
    assert IdempotencyKey.objects.get(key="trop-cher").response_status == 409
    assert not Redemption.objects.exists() and Gift.objects.get(pk=gift.pk).stock == 10
    assert balance_of(member=member) == 100


def test_a_server_error_frees_the_key_so_the_client_may_retry(api, member, give, monkeypatch):
    from rewards.shop import services

    give(member, 1000)
    gift = GiftFactory(points=240, stock=10)

    def busy(**kwargs):
        raise LockTimeout()

    monkeypatch.setattr(services, "gift_redeem", busy)
    first = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json", HTTP_IDEMPOTENCY_KEY="occupe")
    assert first.status_code == 503 and not IdempotencyKey.objects.exists()
    monkeypatch.undo()
    retry = api.post("/api/v1/redemptions/", {"gift": gift.pk}, format="json", HTTP_IDEMPOTENCY_KEY="occupe")
    assert retry.status_code == 201 and Redemption.objects.count() == 1


def test_a_password_set_by_staff_in_the_admin_revokes_the_token_too(api, member, admin_client):
    old = Token.objects.get(user=member).key
    response = admin_client.post(
        f"/admin/members/member/{member.pk}/password/",
        {"password1": "un mot de passe tout neuf", "password2": "un mot de passe tout neuf", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert not Token.objects.filter(key=old).exists()
    assert api.get("/api/v1/me/points/").status_code == 401
