"""Every member page in English: no sentence of the French catalogue left untranslated.

The catalogue's source strings are the club's French: any of them (long enough
to be a sentence, and translated to something else) found in a page rendered
in English is a string someone forgot to translate, or a French text shown
where the reader's language was due.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from club.management.commands.seed_demo import ADMIN_EMAIL, MEMBER_EMAIL
from club.members.models import Member
from rewards.shop.models import Gift, Redemption
from rewards.shop.services import gift_redeem

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"


def _french_sentences() -> set[str]:
    text = CATALOGUE.read_text()
    sentences = set()
    for entry in text.split("\n\n"):
        if entry.startswith("#~"):
            continue
        source = "".join(
            re.findall(r'^msgid "(.*)"', entry, re.M) + re.findall(r'^"(.*)"', entry.split("msgstr")[0], re.M)
        )
        target = "".join(re.findall(r'msgstr(?:\[0\])? "(.*)"', entry))
        plain = re.sub(r"%\(\w+\)s|\{[^}]*\}|<[^>]+>", "|", source).replace('\\"', '"')
        for piece in plain.split("|"):
            piece = piece.strip(" .:,;!?«»")
            if len(piece) >= 16 and " " in piece and piece not in target:
                sentences.add(piece)
    return sentences


def _visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text.replace("&#x27;", "'").replace("&nbsp;", " "))


def _walk(client, paths):
    french = _french_sentences()
    assert len(french) > 200  # the catalogue was read
    leftovers = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        text = _visible_text(response.content.decode())
        found = sorted(sentence for sentence in french if sentence in text)
        if found:
            leftovers[path] = found
    assert leftovers == {}, leftovers


def test_every_member_page_in_english_has_no_french_left(client):
    call_command("seed_demo", force=True)
    member = Member.objects.get(email=MEMBER_EMAIL)
    voucher: Redemption = gift_redeem(member=member, gift=Gift.objects.get(slug="carte-postale"))
    client.force_login(member)
    client.post(reverse("set_language"), {"language": "en"})
    _walk(
        client,
        [
            reverse("home"),
            reverse("club:dashboard"),
            reverse("members:card"),
            reverse("members:profile"),
            reverse("ledger:history"),
            reverse("ledger:earn"),
            reverse("shop:shop"),
            reverse("shop:gift", args=["sac"]),
            reverse("shop:redeem", args=["carte-postale"]),
            reverse("shop:vouchers"),
            reverse("shop:voucher", args=[voucher.code]),
            reverse("shop:voucher_cancel", args=[voucher.code]),
            reverse("notifications:inbox"),
            reverse("notifications:preferences"),
            reverse("museums:list"),
            reverse("museums:detail", args=["beaux-arts"]),
            reverse("legal:rules"),
            reverse("legal:privacy"),
            reverse("participate:hub"),
            reverse("surveys:detail", args=["nos-cartels-sont-ils-clairs"]),
            reverse("surveys:answer", args=["nos-cartels-sont-ils-clairs", 1]),
            reverse("surveys:answer", args=["nos-cartels-sont-ils-clairs", 2]),
            reverse("surveys:detail", args=["accueil-billetterie"]),
            reverse("surveys:detail", args=["themes-expositions-2027"]),
            reverse("content:list"),
            f"{reverse('content:list')}?type=jobs",
            reverse("content:detail", args=["metier-restauratrice"]),
            reverse("content:detail", args=["visite-video-01"]),
            reverse("content:detail", args=["entretien-conservatrice"]),
            reverse("content:series", args=["visites-en-video"]),
            *_events_member_pages(member),
        ],
    )


def _events_member_pages(member) -> list[str]:
    """The demo member's activity pages: the list, an activity they can rate, their tickets and one ticket."""
    from museums.events.models import Booking

    ticket = Booking.objects.live().filter(member=member).order_by("-session__starts_at").first()
    from museums.events.selectors import sessions_coming

    booked = set(Booking.objects.live().filter(member=member).values_list("session_id", flat=True))
    bookable = next(s for s in sessions_coming(limit=50) if s.seats_left and s.pk not in booked)
    rated = Booking.objects.filter(member=member, attended_at__isnull=False).first()
    return [
        reverse("events:list"),
        f"{reverse('events:list')}?type=event",
        reverse("events:detail", args=[rated.session.activity.slug]),
        reverse("events:detail", args=["vernissage-vip"]),
        reverse("events:tickets"),
        reverse("events:ticket", args=[ticket.code]),
        reverse("events:cancel", args=[ticket.code]),
        reverse("events:book", args=[bookable.pk]),
    ]


def _moderation_sample(*, reporter, staff):
    """A demo comment reported and another hidden, so that every tab of the moderation queue has an item."""
    from club.moderation.models import Report
    from club.moderation.services import moderation_hide, report_create
    from museums.content.models import Comment

    reported, hidden = Comment.objects.exclude(member=reporter).filter(staff_reply=False).order_by("pk")[:2]
    report_create(member=reporter, item=reported, reason=Report.Reason.OFF_TOPIC, note="Hors sujet.")
    moderation_hide(item=hidden, by=staff, reason="Propos blessants.")


def test_the_staff_pages_in_english_have_no_french_left(client):
    from museums.content.models import Content

    call_command("seed_demo", force=True)
    member = Member.objects.get(email=MEMBER_EMAIL)
    voucher = gift_redeem(member=member, gift=Gift.objects.get(slug="carte-postale"))
    administrator = Member.objects.get(email=ADMIN_EMAIL)
    _moderation_sample(reporter=member, staff=administrator)
    client.force_login(administrator)
    client.post(reverse("set_language"), {"language": "en"})
    _walk(
        client,
        [
            reverse("staff:hub"),
            f"{reverse('staff:members')}?number={member.membership_number}",
            f"{reverse('shop:desk')}?code={voucher.code}",
            reverse("surveys:preview", args=["nos-cartels-sont-ils-clairs"]),
            reverse("content:preview", args=[Content.objects.get(slug="visite-video-10").pk]),
            reverse("staff:moderation"),
            f"{reverse('staff:moderation')}?onglet=recents",
            f"{reverse('staff:moderation')}?onglet=masques",
            *_events_staff_pages(),
        ],
    )


def _events_staff_pages() -> list[str]:
    from museums.events.models import Booking, Session

    full = Session.objects.filter(waiting__isnull=False).distinct().first()
    booking = Booking.objects.live().order_by("pk").first()
    return [
        reverse("events_staff:overview"),
        reverse("events_staff:session", args=[full.pk]),
        reverse("events_staff:cancel", args=[full.pk]),
        reverse("events_staff:move", args=[full.pk]),
        reverse("events_staff:door"),
        f"{reverse('events_staff:door')}?code={booking.code}",
        reverse("events_staff:ratings"),
    ]


def test_the_admin_in_english_has_no_french_left(client):
    """Every admin list, add form and change form the club registers, read by an administrator in English."""
    from django.contrib import admin

    call_command("seed_demo", force=True)
    member = Member.objects.get(email=MEMBER_EMAIL)
    gift_redeem(member=member, gift=Gift.objects.get(slug="carte-postale"))
    administrator = Member.objects.get(email=ADMIN_EMAIL)
    client.force_login(administrator)
    client.post(reverse("set_language"), {"language": "en"})
    paths = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        if meta.app_label not in {
            "members", "ledger", "shop", "notifications", "museums", "core", "surveys", "moderation", "events",
        }:  # fmt: skip
            continue  # the libraries' own pages are theirs to translate
        paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        request = type("Request", (), {"user": administrator})()
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))
    assert len(paths) > 15
    _walk(client, paths)


@pytest.mark.parametrize(
    ("language", "points", "expected"),
    [("fr", 0, "0 point"), ("fr", 1, "1 point"), ("fr", 2, "2 points"), ("en", 0, "0 points"), ("en", 1, "1 point")],
)
def test_plural_forms_follow_each_language(client, give, language, points, expected):
    """French says "0 point" (zero is singular there), English "0 points"."""
    from club.members.tests.factories import MemberFactory

    member = MemberFactory()
    if points:
        give(member, points)
    client.force_login(member)
    client.post(reverse("set_language"), {"language": language})
    text = _visible_text(client.get(reverse("shop:shop")).content.decode())
    assert re.search(r"(?:Vous avez|You have) (\d+ points?) \.", text).group(1) == expected


def test_the_french_catalogue_holds_every_plural_text():
    """`make messages` keeps it so; a plural missing there would read "0 points" in French."""
    french = (Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.po").read_text()
    plurals = re.findall(r'^msgid_plural "(.*)"', CATALOGUE.read_text(), re.M)
    assert len(plurals) > 10
    assert "plural=(n > 1)" in french
    assert [p for p in plurals if f'msgid_plural "{p}"' not in french] == []
