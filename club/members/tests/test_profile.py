"""Profile, consents journal and language preference."""

import pytest
from django.urls import reverse

from club.members import services
from club.members.models import Consent, ConsentRecord
from club.members.tests.factories import MemberFactory, MuseumFactory

pytestmark = pytest.mark.django_db


def _profile_data(**changes):
    data = {"display_name": "Léa", "preferred_language": "fr", "favourite_museum": "", "consent_news": "on"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_profile_saves_name_museum_language_and_consents(client):
    member = MemberFactory()
    museum = MuseumFactory()
    client.force_login(member)
    response = client.post(reverse("members:profile"), _profile_data(favourite_museum=museum.pk, consent_surveys="on"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Léa" and member.favourite_museum == museum
    assert member.consent_news and member.consent_surveys
    assert set(ConsentRecord.objects.filter(member=member).values_list("kind", "granted")) == {
        ("news", True),
        ("surveys", True),
    }


def test_withdrawing_a_consent_is_recorded_with_date_and_version(client, settings):
    member = MemberFactory()
    client.force_login(member)
    client.post(reverse("members:profile"), _profile_data())
    client.post(reverse("members:profile"), _profile_data(consent_news=None))
    member.refresh_from_db()
    assert member.consent_news is False
    latest = ConsentRecord.objects.filter(member=member, kind="news").first()
    assert latest.granted is False and latest.wording_version == settings.CONSENT_WORDING_VERSION
    assert ConsentRecord.objects.filter(member=member).count() == 2
    page = client.get(reverse("members:profile")).content.decode()
    assert "retiré" in page and "accordé" in page


def test_unchanged_consent_writes_no_new_record():
    member = MemberFactory()
    assert services.consent_set(member=member, kind=Consent.NEWS, granted=True, source="profile") is True
    assert services.consent_set(member=member, kind=Consent.NEWS, granted=True, source="profile") is False
    assert ConsentRecord.objects.filter(member=member).count() == 1


def test_profile_refuses_unknown_language_and_museum_with_messages(client):
    member = MemberFactory()
    client.force_login(member)
    response = client.post(
        reverse("members:profile"), _profile_data(preferred_language="de", favourite_museum="999999")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "preferred_language" in errors and "favourite_museum" in errors
    member.refresh_from_db()
    assert member.display_name != "Léa"


def test_language_switch_sets_cookie_and_renders_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.cookies["club_language"].value == "en"
    page = client.get("/").content.decode()
    assert 'lang="en"' in page and "Join for free" in page


def test_language_switch_of_a_member_updates_the_profile(client):
    member = MemberFactory(preferred_language="fr")
    client.force_login(member)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    member.refresh_from_db()
    assert member.preferred_language == "en"
    client.cookies.pop("club_language")
    assert "My club" in client.get(reverse("club:dashboard")).content.decode()


def test_dashboard_shows_name_number_and_qr_card(client):
    member = MemberFactory(display_name="Jeanne")
    client.force_login(member)
    page = client.get(reverse("club:dashboard")).content.decode()
    assert "Jeanne" in page and member.membership_number in page
    assert "<svg" in page and "QR" in page
    card = client.get(reverse("members:card")).content.decode()
    assert member.membership_number in card and "<svg" in card


def test_site_is_french_by_default_whatever_the_browser_says(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="fr"' in page.content.decode() and page["Content-Language"] == "fr"


def test_member_language_comes_from_profile_and_sticks_after_logout(client):
    member = MemberFactory(preferred_language="en")
    client.force_login(member)
    response = client.get(reverse("club:dashboard"))
    assert 'lang="en"' in response.content.decode()
    assert response.cookies["club_language"].value == "en"
    client.post(reverse("account_logout"))
    assert 'lang="en"' in client.get("/").content.decode()


def test_a_link_with_lang_shows_a_visitor_the_site_in_that_language_and_it_sticks(client):
    page = client.get("/", {"lang": "en"})
    assert 'lang="en"' in page.content.decode() and page["Content-Language"] == "en"
    assert page.cookies["club_language"].value == "en"
    assert 'lang="en"' in client.get("/").content.decode()  # the next page, without the parameter
    back = client.get("/", {"lang": "fr"})
    assert 'lang="fr"' in back.content.decode() and back.cookies["club_language"].value == "fr"


@pytest.mark.parametrize("asked", ["xx", "", "EN", "en-us", "../en"])
def test_a_lang_the_site_does_not_speak_changes_nothing(client, asked):
    page = client.get("/", {"lang": asked})
    assert 'lang="fr"' in page.content.decode() and "club_language" not in page.cookies


def test_a_lang_link_does_not_override_a_members_profile(client):
    member = MemberFactory(preferred_language="fr")
    client.force_login(member)
    page = client.get(reverse("club:dashboard"), {"lang": "en"})
    assert 'lang="fr"' in page.content.decode()
    member.refresh_from_db()
    assert member.preferred_language == "fr"


def test_completing_the_profile_pays_once(client):
    from rewards.ledger.models import LedgerEntry

    member = MemberFactory(display_name="")
    museum = MuseumFactory()
    client.force_login(member)
    client.post(reverse("members:profile"), _profile_data(display_name=""))
    assert not LedgerEntry.objects.filter(member=member).exists()
    client.post(reverse("members:profile"), _profile_data(favourite_museum=museum.pk))
    client.post(reverse("members:profile"), _profile_data(favourite_museum=museum.pk, display_name="Autre"))
    assert LedgerEntry.objects.filter(member=member, reason="profile_completed").count() == 1
