"""Staff: member look-up at the desk, groups and admin."""

import html
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from club.core.codes import code_generate
from club.core.errors import InvalidCode
from club.members.permissions import MUSEUM_TEAM
from club.members.selectors import member_by_number
from club.members.tests.factories import PASSWORD, MemberFactory, MuseumFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _team_member():
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    return staff


def _number_with_digits() -> str:
    """A valid membership number with digits in it (a typo in it must read as a typo, not a name)."""
    from club.core.codes import _check_character, code_format

    payload = "3AB7K9QX2M4"
    return code_format(payload + _check_character(payload))


def _typo(code: str) -> str:
    last = code[-1]
    return code[:-2] + ("A" if code[-2] != "A" else "B") + last


def test_staff_finds_a_member_by_number_typed_loosely(client):
    member = MemberFactory(display_name="Louis")
    client.force_login(_team_member())
    typed = member.membership_number.lower().replace("-", " ")
    response = client.get(reverse("staff:members"), {"number": typed})
    assert response.context["found"] == [member] and response.context["panel"]["member"] == member
    assert "Louis" in response.content.decode()


def test_mistyped_number_is_refused_without_touching_the_database(django_assert_num_queries):
    member = MemberFactory()
    with django_assert_num_queries(0), pytest.raises(InvalidCode):
        member_by_number(text=_typo(member.membership_number))


def test_mistyped_number_shows_a_clear_message(client):
    member = MemberFactory(membership_number=_number_with_digits())
    client.force_login(_team_member())
    response = client.get(reverse("staff:members"), {"number": _typo(member.membership_number)})
    assert response.context["found"] == [] and response.context["panel"] is None
    assert "vérifiez chaque caractère" in response.content.decode()


def test_valid_but_unknown_number_says_so(client):
    client.force_login(_team_member())
    response = client.get(reverse("staff:members"), {"number": code_generate(length=11)})
    assert "Aucun membre n&#x27;a ce numéro." in response.content.decode()


def test_member_lookup_is_for_staff_allowed_to_see_members(client):
    anonymous = client.get(reverse("staff:members"))
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("account_login"))
    client.force_login(MemberFactory())
    assert client.get(reverse("staff:members")).url == reverse("members:card")
    client.force_login(StaffFactory())  # staff, but with no permission at all
    assert client.get(reverse("staff:members"), {"number": MemberFactory().membership_number}).status_code == 403


def test_museum_team_member_uses_admin_within_permissions(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    staff.museums.add(MuseumFactory())
    client.force_login(staff)
    assert client.get(reverse("admin:museums_museum_changelist")).status_code == 200
    assert client.get(reverse("admin:members_member_changelist")).status_code == 200
    member = MemberFactory()
    assert client.get(reverse("admin:members_member_change", args=[member.pk])).status_code == 200
    assert client.post(reverse("admin:members_member_delete", args=[member.pk]), {"post": "yes"}).status_code == 403


def test_admin_search_finds_member_by_number_typed_at_desk(admin_client):
    member = MemberFactory()
    MemberFactory.create_batch(3)
    typed = member.membership_number.replace("-", "").lower()
    response = admin_client.get(reverse("admin:members_member_changelist"), {"q": typed})
    assert list(response.context["cl"].result_list) == [member]


def test_admin_pages_render_in_french(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Membres du club" in page and "Musées du réseau" in page
    assert admin_client.get(reverse("admin:members_member_add")).status_code == 200
    assert admin_client.get(reverse("admin:museums_museum_add")).status_code == 200


def test_a_profile_completed_by_staff_in_the_admin_pays_its_points_once(admin_client):
    from rewards.ledger.models import LedgerEntry

    member = MemberFactory(display_name="")
    museum = MuseumFactory()
    change = reverse("admin:members_member_change", args=[member.pk])
    form = admin_client.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        display_name="Élise",
        favourite_museum=museum.pk,
        preferred_language="fr",
        groups=[],
        museums=[],
        user_permissions=[],
        is_active="on",
        **{"consent_records-TOTAL_FORMS": "0", "consent_records-INITIAL_FORMS": "0"},
    )
    data = {key: value for key, value in data.items() if value not in (False, "")}
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.display_name == "Élise" and member.favourite_museum == museum
    assert LedgerEntry.objects.filter(member=member, reason="profile_completed").count() == 1
    admin_client.post(change, data)
    assert LedgerEntry.objects.filter(member=member, reason="profile_completed").count() == 1


def test_the_desk_finds_members_by_email_or_by_name(client):
    camille = MemberFactory(display_name="Camille Dupont", email="camille@exemple.fr")
    MemberFactory(display_name="Camille Martin")
    MemberFactory(display_name="Louis")
    client.force_login(_team_member())
    by_email = client.get(reverse("staff:members"), {"number": "CAMILLE@exemple.fr"})
    assert by_email.context["found"] == [camille]
    by_name = client.get(reverse("staff:members"), {"number": "camille"})
    assert len(by_name.context["found"]) == 2 and by_name.context["panel"] is None
    assert "2 membres correspondent" in by_name.content.decode()
    nobody = client.get(reverse("staff:members"), {"number": "Zoé"})
    assert "Aucun membre ne correspond" in nobody.content.decode()


def test_a_found_member_shows_points_open_vouchers_to_hand_over_and_recent_activity(client, give):
    from rewards.shop.services import gift_redeem
    from rewards.shop.tests.factories import GiftFactory

    member = MemberFactory(display_name="Inès")
    give(member, 300)
    voucher = gift_redeem(member=member, gift=GiftFactory(name="Sac", points=240))
    client.force_login(_team_member())
    page = client.get(reverse("staff:members"), {"number": member.membership_number}).content.decode()
    assert "<dd>60</dd>" in page and voucher.code in page and "Marquer comme remis" in page
    assert "Cadeau : Sac" in page and reverse("shop:desk_collect", args=[voucher.code]) in page


def test_the_look_up_costs_the_same_queries_for_a_short_or_long_history(client, give, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = MemberFactory()
    give(member, 5)
    client.force_login(_team_member())
    url = reverse("staff:members")
    client.get(url, {"number": member.membership_number})
    with CaptureQueriesContext(connection) as short:
        client.get(url, {"number": member.membership_number})
    for _ in range(60):
        give(member, 1)
    with django_assert_num_queries(len(short.captured_queries)):
        client.get(url, {"number": member.membership_number})


def test_staff_land_on_espace_equipe_and_members_on_mon_club(client):
    staff = _team_member()
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.url == reverse("staff:hub")
    hub = client.get(reverse("staff:hub")).content.decode()
    assert reverse("staff:members") in hub and reverse("shop:desk") in hub
    client.logout()
    member = MemberFactory()
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.url == reverse("club:dashboard")
    assert client.get(reverse("staff:hub")).status_code == 403


def test_the_admin_as_a_museum_team_member_shows_the_teams_work_and_hides_the_rest(client):
    client.force_login(_team_member())
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    apps = {app["app_label"] for app in index.context["app_list"]}
    assert {"museums", "shop", "ledger", "members"} <= apps
    assert not apps & {"django_celery_beat", "authtoken", "auth", "axes", "core", "notifications"}
    for name in [
        "admin:shop_gift_changelist",
        "admin:shop_redemption_changelist",
        "admin:ledger_ledgerentry_changelist",
    ]:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 403
    assert client.get(reverse("admin:ledger_adjustment_add")).status_code == 403


def test_the_adjustment_form_states_the_threshold_and_its_window(admin_client, member):
    page = admin_client.get(reverse("ledger_adjust_points", args=[member.pk])).content.decode()
    assert "Au-delà de 500 points" in page and "30 jours" in page


def test_a_cards_qr_code_opens_the_member_for_staff_and_the_own_card_for_a_member(client):
    from club.members.selectors import card_qr_text

    member, stranger = MemberFactory(display_name="Inès"), MemberFactory()
    address = card_qr_text(member=member)
    path = address.removeprefix("http://127.0.0.1:8000")
    assert path == f"{reverse('staff:members')}?number={member.membership_number}"
    client.force_login(stranger)
    assert client.get(path).url == reverse("members:card")
    client.force_login(_team_member())
    assert client.get(path).context["panel"]["member"] == member
    scanned_into_the_field = client.get(reverse("staff:members"), {"number": address})
    assert scanned_into_the_field.context["panel"]["member"] == member


def test_the_styleguide_shows_every_component_in_both_languages_to_staff_only(client, settings):
    settings.DEBUG = False
    assert client.get(reverse("staff:styleguide")).status_code == 403
    client.force_login(MemberFactory())
    assert client.get(reverse("staff:styleguide")).status_code == 403
    client.force_login(_team_member())
    page = client.get(reverse("staff:styleguide")).content.decode()
    for component in [
        "button-danger",
        "badge-ok",
        "stack-table",
        "<progress",
        "confirm-danger",
        "empty-state",
        "stat-value",
        "tabs",
        "qr-block",
        "pagination",
        "list-item",
        "points-outcome-paid",
        "field-error",
    ]:
        assert page.count(component) >= 2, component  # once per language
    assert 'lang="fr"' in page and 'lang="en"' in page and "Yes, cancel the voucher" in page


def test_long_names_in_admin_lists_are_cut_with_the_whole_value_in_a_title(admin_client):
    from rewards.shop.tests.factories import GiftFactory

    long_name = "Reproduction encadrée du « Pont de Moret » d'Alfred Sisley, édition numérotée du centenaire"
    GiftFactory(name=long_name)
    page = admin_client.get(reverse("admin:shop_gift_changelist")).content.decode()
    shown = re.search(r'<span title="([^"]+)">([^<]+)</span>', page)
    assert html.unescape(shown.group(1)) == long_name
    assert html.unescape(shown.group(2)) == long_name[:39].rstrip() + "…"
