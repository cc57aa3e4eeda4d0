import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from club.members.models import Member
from club.members.tests.factories import MuseumFactory
from museums.models import Museum

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_with_the_eight_museums():
    call_command("seed_demo", force=True)
    first = list(Museum.objects.values_list("slug", "name"))
    members = list(Member.objects.values_list("email", "membership_number"))
    call_command("seed_demo", force=True)
    assert list(Museum.objects.values_list("slug", "name")) == first
    assert list(Member.objects.values_list("email", "membership_number")) == members
    assert len(first) == 8
    towns = set(Museum.objects.values_list("town", flat=True))
    assert {"Rouen", "Elbeuf", "Notre-Dame-de-Bondeville", "Petit-Couronne"} == towns
    assert Member.objects.filter(is_staff=True).count() == 2  # the museum team and the club administration
    assert not Member.objects.filter(is_superuser=True).exists()


def test_museum_pages_show_address_hours_and_presentation(client):
    call_command("seed_demo", force=True)
    page = client.get(reverse("museums:list")).content.decode()
    assert page.count('class="card"') == 8
    detail = client.get(reverse("museums:detail", args=["corderie-vallois"])).content.decode()
    assert "185, route de Dieppe" in detail and "76960" in detail and "roue à aubes" in detail


def test_hidden_or_unknown_museum_is_a_404(client):
    MuseumFactory(slug="cache", is_active=False)
    assert client.get(reverse("museums:detail", args=["cache"])).status_code == 404
    assert client.get(reverse("museums:detail", args=["inconnu"])).status_code == 404


def test_english_text_falls_back_to_french_when_missing():
    museum = MuseumFactory(name="Musée des Antiquités", presentation="Texte français")
    museum.name_en = "Museum of Antiquities"
    museum.save()
    with translation.override("en"):
        museum = Museum.objects.get(pk=museum.pk)
        assert museum.name == "Museum of Antiquities"
        assert museum.presentation == "Texte français"


def test_museum_list_query_count_does_not_grow(client, django_assert_num_queries):
    MuseumFactory()
    with django_assert_num_queries(1):
        client.get(reverse("museums:list"))
    MuseumFactory.create_batch(30)
    with django_assert_num_queries(1):
        client.get(reverse("museums:list"))
