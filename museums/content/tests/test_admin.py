"""Content in the admin: what staff type is checked (embeds, pictures, captions, dates) and the queue reorders."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from museums.content.models import Content
from museums.content.tests.factories import ContentFactory, SeriesFactory

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (40, 30), (120, 20, 40)).save(out, format="PNG")
    return SimpleUploadedFile("couverture.png", out.getvalue(), content_type="image/png")


def _fields(**changes) -> dict:
    fields = {
        "kind": "article", "title_fr": "Les coulisses", "slug": "les-coulisses", "summary_fr": "Deux phrases.",
        "body_fr": "Bonjour <script>alert(1)</script> **le club**", "members_only": "on", "publish_at_0": "",
        "publish_at_1": "", "unpublish_at_0": "", "unpublish_at_1": "", "embed_provider": "", "embed_id": "",
        "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0", "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    fields.update(changes)
    return fields


def test_staff_save_a_piece_whose_text_is_sanitised_and_whose_embed_is_kept_as_an_identifier(admin_client):
    response = admin_client.post(
        reverse("admin:content_content_add"),
        _fields(
            embed_provider="youtube",
            embed_id="https://www.youtube.com/watch?v=M7lc1UVf-VE",
            cover=_png(),
            cover_alt_fr="Une salle du musée",
        ),  # fmt: skip
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    content = Content.objects.get(slug="les-coulisses")
    assert content.embed_id == "M7lc1UVf-VE" and "<script" not in content.body_html_fr
    assert "<strong>le club</strong>" in content.body_html_fr and content.cover_thumbnail


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"embed_provider": "youtube", "embed_id": "https://www.tiktok.com/@x/video/1"}, "embed_id", "pas autorisé"),
        ({"embed_provider": "youtube", "embed_id": ""}, "embed_id", "Choisissez le service"),
        ({"cover": "not-an-image"}, "cover", ""),
        ({"captions": SimpleUploadedFile("s.vtt", b"1\n00:00 --> 00:01\nBonjour")}, "captions", "WebVTT"),
        ({"video": SimpleUploadedFile("v.webm", b"x")}, "captions", "sous-titres"),
        ({"video": SimpleUploadedFile("v.avi", b"x")}, "video", "MP4 ou WebM"),
        ({"publish_at_0": "07/12/2026", "publish_at_1": "18:00", "unpublish_at_0": "06/12/2026",
          "unpublish_at_1": "18:00"}, "unpublish_at", "après la parution"),
    ],
)  # fmt: skip
def test_what_staff_type_wrong_is_a_form_error_and_nothing_is_saved(admin_client, changes, field, message):
    if changes.get("cover") == "not-an-image":
        changes = {"cover": SimpleUploadedFile("x.png", b"<?php echo 1; ?>", content_type="image/png"),
                   "cover_alt_fr": "x"}  # fmt: skip
    response = admin_client.post(reverse("admin:content_content_add"), _fields(**changes))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and message in " ".join(errors[field])
    assert not Content.objects.exists()


def test_the_queue_page_shows_the_schedule_ahead_and_reorders_the_queue(admin_client):
    series = SeriesFactory()
    first, second = ContentFactory(publish_at=None, title_fr="Un"), ContentFactory(publish_at=None, title_fr="Deux")
    url = reverse("admin:content_series_queue", args=[series.pk])
    assert "Rien n'est programmé" in admin_client.get(url).content.decode()
    admin_client.post(url, {"queue": [first.pk, second.pk], f"order-{first.pk}": "2", f"order-{second.pk}": "1"})
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.series_position, first.series_position) == (1, 2) and second.publish_at < first.publish_at
    page = admin_client.get(url).content.decode()
    assert page.index("Deux") < page.index("Un")
    assert admin_client.get(reverse("admin:content_series_change", args=[series.pk])).status_code == 200
