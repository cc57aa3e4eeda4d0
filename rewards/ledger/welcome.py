"""The points a member earns for joining: welcome (after email verification) and profile.

Registered as member lifecycle hooks (`club.members.hooks`) by the ledger's
AppConfig, because members sit below the ledger and cannot call it. Both are
one award per member (`UNIQUE (member, reason, reference)`), whatever retries.
"""

from club.members.models import Member
from rewards.ledger.models import LedgerEntry, Reason
from rewards.ledger.services import points_award


def _member_reference(member: Member) -> str:
    return f"members.member:{member.pk}"


def welcome_points(member: Member) -> LedgerEntry | None:
    return points_award(member=member, action=Reason.SIGNUP, reference=_member_reference(member))


def profile_points(member: Member) -> LedgerEntry | None:
    return points_award(member=member, action=Reason.PROFILE_COMPLETED, reference=_member_reference(member))
