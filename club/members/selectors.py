"""Shared reads about members."""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse

from club.core.codes import code_is_valid, code_normalize
from club.core.errors import InvalidCode, MemberNotFound
from club.core.qr import qr_svg_cached
from club.members.models import ConsentRecord, Member


def member_by_number(*, text: str) -> Member:
    """The member whose membership number was typed or scanned at a desk.

    A typo is refused by the check character before any lookup.
    """
    if not code_is_valid(text):
        raise InvalidCode()
    member = Member.objects.select_related("favourite_museum").filter(membership_number=code_normalize(text)).first()
    if member is None:
        raise MemberNotFound()
    return member


SEARCH_LIMIT = 20


NUMBER_LENGTH = 12  # 11 random characters and the check character


def _looks_like_a_number(text: str) -> bool:
    """A valid membership number, or one mistyped (its length, with a digit: names have none)."""
    if code_is_valid(text):
        return True
    compact = code_normalize(text).replace("-", "")
    return len(compact) == NUMBER_LENGTH and any(char.isdigit() for char in compact)


def members_search(*, text: str, limit: int = SEARCH_LIMIT) -> list[Member]:
    """The desk's look-up: a membership number (typo refused before any lookup), an email, or a name.

    A number or a full email finds one member; part of a name or an email lists
    up to `limit`, the most recent members first.
    """
    text = (text or "").strip()
    if _looks_like_a_number(text):
        return [member_by_number(text=text)]
    if len(text) < 2:
        return []
    members = Member.objects.select_related("favourite_museum")
    if "@" in text:
        exact = list(members.filter(email__iexact=text)[:1])
        if exact:
            return exact
    found = members.filter(Q(display_name__icontains=text) | Q(email__icontains=text)).order_by("-date_joined")
    return list(found[:limit])


def card_qr_text(*, member: Member) -> str:
    """What the card's QR code holds: the staff look-up address for this member.

    Any phone's camera app opens it; staff land on the member, a member who
    scans a card lands on their own card (never another's).
    """
    query = urlencode({"number": member.membership_number})
    return f"{settings.SITE_URL}{reverse('staff:members')}?{query}"


def member_is_verified(*, member: Member) -> bool:
    """Whether the member ever proved an address (no query: the flag is on the member's row)."""
    return member.email_verified_at is not None


def card_qr_svg(*, member: Member) -> str:
    """The card's QR code as SVG, encoded once and kept in the cache (it never changes)."""
    return qr_svg_cached(card_qr_text(member=member))


def consent_history(*, member: Member) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(member=member).order_by("-created_at", "-id")
