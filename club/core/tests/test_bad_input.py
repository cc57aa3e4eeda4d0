"""Bad input gets a 4xx with a clear answer, never a 500 (core helpers and their use)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from club.core.exports import cell_safe
from club.core.images import MAX_IMAGE_PIXELS, image_check
from club.core.links import link_validate

pytestmark = pytest.mark.django_db


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (120, 30, 60)).save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/redemptions/", "/api/v1/me/"])
def test_json_nested_a_thousand_levels_deep_is_a_400_parse_error(path, member):
    api = APIClient()
    api.force_authenticate(member)
    body = "[" * 1000 + "]" * 1000
    method = api.patch if path == "/api/v1/me/" else api.post
    response = method(path, body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


@pytest.mark.parametrize("path", ["/mon-club/bons/%00/", "/boutique/%00/", "/musees/%00/", "/api/v1/museums/%00/"])
def test_a_nul_byte_in_the_address_is_a_404(client, member, path):
    client.force_login(member)
    assert client.get(path).status_code == 404


def test_a_huge_bitmap_in_a_small_file_is_refused_before_it_is_decoded():
    data = _png(12_000, 12_000)
    assert len(data) < 300_000 and 12_000 * 12_000 > MAX_IMAGE_PIXELS
    with pytest.raises(ValidationError) as refused:
        image_check(SimpleUploadedFile("carte.png", data, content_type="image/png"))
    assert refused.value.code == "image_too_large"


def test_a_truncated_jpeg_and_a_file_that_is_no_image_are_refused():
    with pytest.raises(ValidationError) as truncated:
        image_check(SimpleUploadedFile("sac.jpg", _jpeg()[:600], content_type="image/jpeg"))
    assert truncated.value.code == "image_invalid"
    with pytest.raises(ValidationError):
        image_check(SimpleUploadedFile("sac.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg"))
    assert image_check(SimpleUploadedFile("sac.jpg", _jpeg(), content_type="image/jpeg")) == "JPEG"


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,x",
        "http://musees-rouen-normandie.fr/",
        "//evil.example/",
        "https://evil.example/",
        "/boutique/\nSet-Cookie: x",
    ],
)
def test_links_staff_write_are_site_paths_or_https_on_allowed_hosts(link):
    with pytest.raises(ValidationError):
        link_validate(link)


@pytest.mark.parametrize(
    "link", ["", "/boutique/", "/mon-club/points/?page=2", "https://musees-rouen-normandie.fr/agenda"]
)
def test_good_links_pass(link):
    link_validate(link)


@pytest.mark.parametrize("value", ["=cmd|'/Ccalc'!A0", "+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_a_cell_that_would_be_a_formula_is_written_as_text(value):
    assert cell_safe(value) == "'" + value


def test_ordinary_cells_are_left_alone():
    assert [cell_safe(v) for v in ["Camille", "A1-2", 42, None]] == ["Camille", "A1-2", 42, None]


@pytest.mark.django_db
def test_a_form_with_too_many_fields_gets_a_page_that_says_so(client, settings):
    settings.DEBUG = False
    fields = {f"f{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post("/compte/login/", fields)
    assert response.status_code == 400
    assert "Rien n'a été enregistré" in response.content.decode()


@pytest.mark.django_db
def test_an_api_body_with_too_many_fields_gets_a_json_error(client, settings):
    fields = {f"f{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post("/api/v1/auth/token/", fields)
    assert response.status_code == 400 and response.json()["code"] in {"bad_request", "invalid", "parse_error"}
