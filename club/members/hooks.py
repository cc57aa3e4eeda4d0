"""What other apps do when something happens to a member: the member lifecycle hooks.

Members sit below the ledger and the features in the dependency graph, so their
services cannot call them. Those apps register a hook here instead, in their
`AppConfig.ready()` (the ledger pays the welcome points on `EMAIL_VERIFIED`
and the profile points on `PROFILE_COMPLETED`). A hook runs inside the
member service's transaction: if it fails, the change it reacts to is rolled
back with it, so nothing is half-written.
"""

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from club.members.models import Member


class MemberEvent(StrEnum):
    EMAIL_VERIFIED = "email_verified"
    PROFILE_COMPLETED = "profile_completed"


MemberHook = Callable[["Member"], object]

_hooks: dict[MemberEvent, list[MemberHook]] = {event: [] for event in MemberEvent}


def member_hook_register(*, event: MemberEvent, hook: MemberHook) -> None:
    """Call `hook(member)` each time `event` happens (registering twice is harmless)."""
    if hook not in _hooks[event]:
        _hooks[event].append(hook)


def member_hooks_run(*, event: MemberEvent, member: "Member") -> None:
    for hook in _hooks[event]:
        hook(member)
