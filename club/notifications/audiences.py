"""Audiences that features give to announcements, without the notifications ever importing them.

An announcement of staff names its target (everyone, a museum's fans, the
members who accept survey invitations). A feature that tells many members
something of its own (a new survey, its last day) registers an audience by
name instead, with the kind of notification it sends:

    audience_register("surveys.invited", invited_members, kind=NotificationKind.SURVEYS,
                      label=_("les membres invités à une enquête"))
    # invited_members({"survey": 12}) -> QuerySet[Member]

The announcement stores the name and its JSON parameters, so a worker rebuilds
the audience from ids alone, chunk after chunk. The function returns a plain
`Member` queryset (the fan-out filters it by primary-key ranges and reads a
few columns); it answers for whom the inbox row is meant, consents included
where its kind needs them — the email still needs the kind's consent and the
member's preference on top. Features register in their `AppConfig.ready()`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from club.members.models import Member

AudienceMembers = Callable[[dict], "QuerySet[Member]"]


class UnknownAudience(LookupError):
    """An announcement names an audience no installed feature registered."""


@dataclass(frozen=True)
class Audience:
    name: str
    members: AudienceMembers
    kind: str  # a NotificationKind
    label: Any  # a lazy translation, shown to staff


_audiences: dict[str, Audience] = {}


def audience_register(name: str, members: AudienceMembers, *, kind: str, label: Any) -> None:
    _audiences[name] = Audience(name=name, members=members, kind=kind, label=label)


def audience_unregister(name: str) -> None:
    _audiences.pop(name, None)


def audience_get(name: str) -> Audience:
    try:
        return _audiences[name]
    except KeyError:
        raise UnknownAudience(name) from None


def audience_members(*, name: str, params: dict) -> "QuerySet[Member]":
    return audience_get(name).members(params)
