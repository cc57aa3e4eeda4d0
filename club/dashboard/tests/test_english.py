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
        ],
    )


def test_the_staff_pages_in_english_have_no_french_left(client):
    call_command("seed_demo", force=True)
    member = Member.objects.get(email=MEMBER_EMAIL)
    voucher = gift_redeem(member=member, gift=Gift.objects.get(slug="carte-postale"))
    client.force_login(Member.objects.get(email=ADMIN_EMAIL))
    client.post(reverse("set_language"), {"language": "en"})
    _walk(
        client,
        [
            reverse("staff:hub"),
            f"{reverse('staff:members')}?number={member.membership_number}",
            f"{reverse('shop:desk')}?code={voucher.code}",
        ],
    )
