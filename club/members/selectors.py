"""Shared reads about members."""

from allauth.account.models import EmailAddress
from django.db.models import QuerySet

from club.core.codes import code_is_valid, code_normalize
from club.core.errors import InvalidCode, MemberNotFound
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


def member_is_verified(*, member: Member) -> bool:
    return EmailAddress.objects.filter(user=member, verified=True).exists()


def consent_history(*, member: Member) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(member=member).order_by("-created_at", "-id")
