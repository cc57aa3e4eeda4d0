"""The API's conventions and the member's own endpoint."""

import pytest
from django.urls import reverse

from club.members.models import ConsentRecord
from club.members.tests.factories import MemberFactory, MuseumFactory

pytestmark = pytest.mark.django_db


def test_me_requires_authentication_with_json_error(client):
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["code"] == "not_authenticated"


def test_me_returns_profile_and_patch_journals_consents(client):
    member = MemberFactory()
    museum = MuseumFactory()
    client.force_login(member)
    body = client.get("/api/v1/me/").json()
    assert body["membership_number"] == member.membership_number and body["email"] == member.email
    response = client.patch(
        "/api/v1/me/",
        {"display_name": "Zoé", "favourite_museum": museum.pk, "consent_surveys": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["display_name"] == "Zoé" and response.json()["consent_surveys"] is True
    assert ConsentRecord.objects.get(member=member).source == "api"


def test_me_patch_rejects_bad_input_with_stable_code(client):
    member = MemberFactory()
    client.force_login(member)
    response = client.patch(
        "/api/v1/me/", {"preferred_language": "de", "membership_number": "X"}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "preferred_language" in body["details"]
    member.refresh_from_db()
    assert member.preferred_language == "fr"


def test_museums_are_listed_publicly_and_unknown_slug_is_json_404(client):
    MuseumFactory(slug="ceramique", name="Musée de la Céramique")
    MuseumFactory(slug="cache", name="Caché", is_active=False)
    body = client.get("/api/v1/museums/").json()
    assert [m["slug"] for m in body["results"]] == ["ceramique"]
    assert client.get("/api/v1/museums/ceramique/").json()["name"] == "Musée de la Céramique"
    missing = client.get("/api/v1/museums/cache/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_schema_and_docs_are_served_without_cdn(client):
    assert client.get(reverse("schema")).status_code == 200
    docs = client.get(reverse("api-docs")).content.decode()
    assert "cdn" not in docs.lower() and "/static/" in docs


def test_openapi_schema_is_valid_and_warning_free(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/redemptions/" in out.read_text()


def test_the_api_refuses_a_hidden_museum_and_a_float_where_an_id_is_expected():
    from rest_framework.test import APIClient

    from club.members.tests.factories import MemberFactory, MuseumFactory

    member = MemberFactory()
    api = APIClient()
    api.force_authenticate(member)
    hidden = MuseumFactory(is_active=False)
    visible = MuseumFactory()
    for value in [hidden.pk, float(visible.pk) + 0.5, True, "1e3"]:
        response = api.patch("/api/v1/me/", {"favourite_museum": value}, format="json")
        assert response.status_code == 400 and response.json()["code"] == "invalid", value
    assert api.patch("/api/v1/me/", {"favourite_museum": visible.pk}, format="json").status_code == 200
    member.refresh_from_db()
    assert member.favourite_museum == visible
    refused = api.post("/api/v1/redemptions/", {"gift": 1.5}, format="json")
    assert refused.status_code == 400


def test_a_password_reset_for_an_address_that_is_no_member_sends_nothing_and_reveals_nothing(client):
    from django.core import mail
    from django.urls import reverse

    response = client.post(reverse("account_reset_password"), {"email": "inconnu@exemple.fr"}, follow=True)
    assert response.status_code == 200 and len(mail.outbox) == 0
