"""Member and desk pages of the shop, with their query budgets."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from club.members.permissions import MUSEUM_TEAM
from club.members.tests.factories import MemberFactory, StaffFactory
from rewards.ledger.models import LedgerEntry
from rewards.ledger.selectors import balance_of
from rewards.shop import services as shop_services
from rewards.shop.models import Redemption
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_staff():
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    return staff


def test_dashboard_shows_balance_goals_and_expiry_warning(client, member, give, settings):
    settings.POINTS_EXPIRY_MONTHS = 1  # 30 days: within the warning window at once
    GiftFactory(name="Sac", slug="sac", points=240)
    give(member, 180)
    client.force_login(member)
    page = client.get(reverse("club:dashboard")).content.decode()
    assert "<strong>180</strong> points" in page
    assert "Plus que 60 points pour « Sac »" in page
    assert "180 points expirent le" in page


def test_history_lists_movements_in_words_with_balance_after(client, member, give):
    give(member, 300)
    shop_services.gift_redeem(member=member, gift=GiftFactory(name="Carte postale", points=60))
    client.force_login(member)
    page = client.get(reverse("ledger:history")).content.decode()
    assert "Cadeau : Carte postale" in page and "-60" in page and "240" in page


@pytest.mark.parametrize("url_name", ["club:dashboard", "ledger:history"])
def test_query_count_is_the_same_for_1_and_500_entries(client, member, give, django_assert_num_queries, url_name):
    GiftFactory.create_batch(5)
    client.force_login(member)
    give(member, 1)
    client.get(reverse(url_name))  # warm-up: session, content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse(url_name))
    for _ in range(499):
        give(member, 1)
    assert LedgerEntry.objects.filter(member=member).count() == 500
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse(url_name))


def test_shop_shows_every_gift_with_missing_points_and_stock(client, member, give):
    give(member, 100)
    GiftFactory(name="Carte postale", slug="carte", points=60, stock=3)
    GiftFactory(name="Parapluie Sisley", slug="parapluie", points=900, stock=0)
    client.force_login(member)
    page = client.get(reverse("shop:shop")).content.decode()
    assert "À votre portée" in page and "Plus que 3 !" in page
    assert "Encore 800 points à gagner" in page and "Épuisé" in page
    anonymous = client.__class__().get(reverse("shop:shop")).content.decode()
    assert "Carte postale" in anonymous and "Adhérez gratuitement" in anonymous


def test_redeeming_from_the_page_leads_to_the_voucher_with_qr(client, member, give):
    give(member, 300)
    gift = GiftFactory(slug="sac", points=240)
    client.force_login(member)
    response = client.post(reverse("shop:redeem", args=["sac"]), follow=True)
    redemption = Redemption.objects.get(member=member, gift=gift)
    assert response.redirect_chain[-1][0] == reverse("shop:voucher", args=[redemption.code])
    page = response.content.decode()
    assert redemption.code in page and "<svg" in page and "Présentez ce bon" in page


def test_refused_redemption_on_the_page_explains_and_writes_nothing(client, member, give):
    give(member, 100)
    GiftFactory(slug="sac", points=240)
    client.force_login(member)
    response = client.post(reverse("shop:redeem", args=["sac"]), follow=True)
    assert "Vous n&#x27;avez pas assez de points." in response.content.decode()
    assert not Redemption.objects.exists() and balance_of(member=member) == 100


def test_member_cancels_own_voucher_but_cannot_see_anothers(client, member, give):
    give(member, 60)
    redemption = shop_services.gift_redeem(member=member, gift=GiftFactory(points=60))
    other = MemberFactory()
    client.force_login(other)
    assert client.get(reverse("shop:voucher", args=[redemption.code])).status_code == 404
    assert client.post(reverse("shop:voucher_cancel", args=[redemption.code])).status_code == 404
    client.force_login(member)
    client.post(reverse("shop:voucher_cancel", args=[redemption.code]))
    assert Redemption.objects.get(pk=redemption.pk).status == "cancelled" and balance_of(member=member) == 60


def test_desk_finds_a_voucher_and_hands_it_over(client, member, give, desk_staff):
    give(member, 60)
    redemption = shop_services.gift_redeem(member=member, gift=GiftFactory(name="Carte postale", points=60))
    client.force_login(desk_staff)
    page = client.get(reverse("shop:desk"), {"code": redemption.code.lower()}).content.decode()
    assert "Carte postale" in page and member.membership_number in page
    response = client.post(reverse("shop:desk_collect", args=[redemption.code]), follow=True)
    assert "remis à" in response.content.decode()
    assert Redemption.objects.get(pk=redemption.pk).collected_by == desk_staff
    again = client.post(reverse("shop:desk_collect", args=[redemption.code]), follow=True)
    assert "Ce bon a déjà été remis." in again.content.decode()


def test_desk_refuses_typos_and_non_staff(client, member, desk_staff):
    client.force_login(desk_staff)
    page = client.get(reverse("shop:desk"), {"code": "ABCD-EFGH-JKMN"}).content.decode()
    assert "vérifiez chaque caractère" in page
    client.force_login(member)
    assert client.get(reverse("shop:desk")).url == reverse("shop:vouchers")  # a member never sees the desk
    client.force_login(StaffFactory())  # staff without the right to hand gifts over
    assert client.get(reverse("shop:desk")).status_code == 403


def test_a_vouchers_qr_code_opens_the_desk_for_staff_and_only_the_own_voucher_for_a_member(client, give):
    from rewards.shop.selectors import voucher_qr_text

    owner, other = MemberFactory(), MemberFactory()
    give(owner, 60)
    voucher = shop_services.gift_redeem(member=owner, gift=GiftFactory(name="Carte", points=60))
    address = voucher_qr_text(redemption=voucher)
    path = address.removeprefix("http://127.0.0.1:8000")
    assert path == f"{reverse('shop:desk')}?code={voucher.code}"
    client.force_login(owner)
    assert client.get(path).url == reverse("shop:voucher", args=[voucher.code])
    client.force_login(other)
    assert client.get(path).url == reverse("shop:vouchers")
    desk = StaffFactory()
    desk.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    client.force_login(desk)
    assert "Carte" in client.get(path).content.decode()
    typed_by_a_scanner = client.get(reverse("shop:desk"), {"code": address})
    assert typed_by_a_scanner.context["found"] == voucher


def test_admin_adjustment_page_applies_a_small_adjustment(admin_client, member):
    url = reverse("ledger_adjust_points", args=[member.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"amount": "0", "reason": "x"})
    assert "différent de zéro" in response.content.decode()
    admin_client.post(url, {"amount": "50", "reason": "Geste commercial"})
    assert balance_of(member=member) == 50


def test_admin_exports_vouchers_as_csv(admin_client, member, give):
    give(member, 60)
    redemption = shop_services.gift_redeem(member=member, gift=GiftFactory(name="Carte postale", points=60))
    response = admin_client.post(
        reverse("admin:shop_redemption_changelist"),
        {"action": "export_csv", "_selected_action": [redemption.pk]},
    )
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert redemption.code in body and "Carte postale" in body and member.membership_number in body


def test_admin_ledger_is_read_only(admin_client, member, give):
    entry = give(member, 10)
    assert admin_client.get(reverse("admin:ledger_ledgerentry_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:ledger_ledgerentry_add")).status_code == 403
    delete = admin_client.post(reverse("admin:ledger_ledgerentry_delete", args=[entry.pk]), {"post": "yes"})
    assert delete.status_code == 403 and LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_admin_restock_adds_without_overwriting(admin_client):
    gift = GiftFactory(stock=4)
    url = reverse("admin:shop_gift_change", args=[gift.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("picture", "museum")}
    data.update({"restock": "6", "name_fr": gift.name, "fulfilment": "stock"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    gift.refresh_from_db()
    assert gift.stock == 10


def test_the_museum_team_sees_the_desk_and_member_look_up_links_by_group_rights(client, desk_staff):
    client.force_login(desk_staff)
    page = client.get(reverse("staff:members"), {"number": MemberFactory().membership_number}).content.decode()
    assert "Ouvrir la fiche dans l'administration" in page
    assert reverse("shop:desk") in client.get(reverse("staff:hub")).content.decode()  # "Remise des cadeaux"


def _gift_form(gift, **changes):
    data = {
        "slug": gift.slug,
        "name_fr": gift.name,
        "points": gift.points,
        "fulfilment": "stock",
        "is_active": "on",
        "position": 0,
        "restock": "",
    }
    data.update(changes)
    return data


def test_a_truncated_jpeg_or_a_huge_bitmap_is_a_form_error_and_leaves_no_file(admin_client, settings):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    gift = GiftFactory(name="Sac", points=240)
    change = reverse("admin:shop_gift_change", args=[gift.pk])
    jpeg = io.BytesIO()
    Image.new("RGB", (400, 300)).save(jpeg, format="JPEG")
    huge = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(huge, format="PNG", optimize=True)
    for name, data in [("sac.jpg", jpeg.getvalue()[:600]), ("sac.png", huge.getvalue())]:
        response = admin_client.post(change, _gift_form(gift, picture=SimpleUploadedFile(name, data)))
        assert response.status_code == 200 and response.context["adminform"].form.errors["picture"]
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_a_good_picture_is_stored_under_a_random_name_with_its_thumbnail(admin_client):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    gift = GiftFactory(name="Sac", points=240)
    jpeg = io.BytesIO()
    Image.new("RGB", (1200, 900), (30, 90, 40)).save(jpeg, format="JPEG")
    upload = SimpleUploadedFile("../../mon sac.jpg", jpeg.getvalue())
    response = admin_client.post(reverse("admin:shop_gift_change", args=[gift.pk]), _gift_form(gift, picture=upload))
    assert response.status_code == 302
    gift.refresh_from_db()
    assert gift.picture.name.startswith("gifts/") and "sac" not in gift.picture.name
    assert gift.thumbnail.name.startswith("gifts/thumbs/") and gift.thumbnail.size > 0


def test_the_voucher_export_writes_formulas_as_text(admin_client, give):
    member = MemberFactory(email="x@exemple.fr", display_name="=cmd|'/Ccalc'!A0")
    member.email = '=HYPERLINK("http://evil")@exemple.fr'
    member.save(update_fields=["email"])
    give(member, 60)
    redemption = shop_services.gift_redeem(member=member, gift=GiftFactory(name="@Carte", points=60))
    response = admin_client.post(
        reverse("admin:shop_redemption_changelist"),
        {"action": "export_csv", "_selected_action": [redemption.pk]},
    )
    body = response.content.decode("utf-8-sig")
    assert "'@Carte" in body and "'=HYPERLINK" in body
    assert ";=" not in body and ";@" not in body


def test_spending_points_asks_first_and_a_get_spends_nothing(client, member, give):
    give(member, 300)
    gift = GiftFactory(name="Sac", slug="sac", points=240)
    client.force_login(member)
    confirm = client.get(reverse("shop:redeem", args=["sac"]))
    body = confirm.content.decode()
    assert confirm.status_code == 200 and "Échanger 240 points contre « Sac » ?" in body
    assert "Votre solde passera de 300 à 60 points" in body
    assert not Redemption.objects.exists() and balance_of(member=member) == 300
    client.post(reverse("shop:redeem", args=["sac"]))
    assert Redemption.objects.get().gift == gift


def test_a_gift_out_of_reach_goes_back_to_its_page_instead_of_asking(client, member, give):
    give(member, 10)
    GiftFactory(slug="sac", points=240)
    client.force_login(member)
    assert client.get(reverse("shop:redeem", args=["sac"])).url == reverse("shop:gift", args=["sac"])


def test_cancelling_a_voucher_asks_first_in_red(client, member, give):
    give(member, 60)
    redemption = shop_services.gift_redeem(member=member, gift=GiftFactory(name="Carte", points=60))
    client.force_login(member)
    confirm = client.get(reverse("shop:voucher_cancel", args=[redemption.code])).content.decode()
    assert "Annuler le bon « Carte » ?" in confirm and "button-danger" in confirm
    redemption.refresh_from_db()
    assert redemption.status == "issued"


def test_the_desk_confirms_a_cancellation_and_shows_a_voucher_not_to_hand_over(client, member, give, desk_staff):
    give(member, 60)
    redemption = shop_services.gift_redeem(member=member, gift=GiftFactory(name="Carte", points=60))
    client.force_login(desk_staff)
    confirm = client.get(reverse("shop:desk_cancel", args=[redemption.code])).content.decode()
    assert "button-danger" in confirm and "ne doit pas être remis" in confirm
    client.post(reverse("shop:desk_cancel", args=[redemption.code]))
    page = client.get(reverse("shop:desk"), {"code": redemption.code}).content.decode()
    assert "Ne pas remettre" in page and "annulé le" in page
    assert "À retirer avant le" not in page and "Marquer comme remis" not in page


def test_a_gift_out_of_reach_points_to_how_points_are_earned(client):
    from club.members.tests.factories import MemberFactory
    from rewards.shop.tests.factories import GiftFactory

    gift = GiftFactory(points=900)
    client.force_login(MemberFactory())
    page = client.get(reverse("shop:gift", args=[gift.slug])).content.decode()
    assert "Il vous manque" in page and reverse("ledger:earn") in page
