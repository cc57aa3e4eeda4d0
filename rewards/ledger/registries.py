"""What features plug into the ledger, without the ledger ever importing them.

Reference resolvers
    An entry's `reference` reads `<app>.<model>:<pk>[:<detail>]`
    (`shop.redemption:42`, `surveys.submission:7`). The app that owns the
    model registers how to name its references in the reader's language, so
    the history shows a staff-written name translated ("VIP opening"), not the
    French `subject` copied at the time. A resolver receives every pk of one
    page of history at once and answers in one query, so the history's query
    count does not grow with its length:

        reference_resolver_register("shop.redemption", redemption_names)
        # redemption_names(["42", "43"]) -> {"42": "VIP opening", ...}

    An unknown prefix, or a pk the resolver does not answer, falls back to the
    entry's `subject`.

After-award hooks
    `after_award_register(hook)`: `hook(entry)` is called once an award has
    committed (never for a repeat, a reached cap or a rolled-back award). Badges
    use it. A hook that fails is logged and does not undo the award.

Ways to earn
    `earning_way_register(action, url_name=…, how=…)`: a feature that pays for
    an action says where members do it, so "Comment gagner des points" lists
    only what exists (surveys appear with the surveys feature), with the
    points and caps of the action's earning rule.

Features register in their `AppConfig.ready()`.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rewards.ledger.models import LedgerEntry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EarningWay:
    action: str
    url_name: str  # where members do it
    how: Any  # a short, translatable sentence: "Confirmez votre adresse e-mail."


ReferenceResolver = Callable[[list[str]], dict[str, str]]
AfterAwardHook = Callable[["LedgerEntry"], object]

_resolvers: dict[str, ReferenceResolver] = {}
_after_award: list[AfterAwardHook] = []
_earning_ways: dict[str, EarningWay] = {}


def earning_way_register(action: str, *, url_name: str, how: Any) -> None:
    _earning_ways[action] = EarningWay(action=action, url_name=url_name, how=how)


def earning_ways() -> tuple[EarningWay, ...]:
    return tuple(_earning_ways.values())


def reference_resolver_register(prefix: str, resolver: ReferenceResolver) -> None:
    """Name the references `<prefix>:<pk>…` with `resolver(pks) -> {pk: name}`."""
    if ":" in prefix or "." not in prefix:
        raise ValueError(f"a reference prefix reads '<app>.<model>', not {prefix!r}")
    _resolvers[prefix] = resolver


def _split(reference: str) -> tuple[str, str] | None:
    prefix, _sep, rest = reference.partition(":")
    if not rest:
        return None
    return prefix, rest.split(":", 1)[0]


def references_describe(entries: Iterable["LedgerEntry"]) -> None:
    """Set `object_name` on each entry whose reference a feature can name (one query per kind)."""
    entries = list(entries)
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        parts = _split(entry.reference)
        if parts and parts[0] in _resolvers:
            wanted[parts[0]].add(parts[1])
    names = {prefix: _resolvers[prefix](sorted(pks)) for prefix, pks in wanted.items()}
    for entry in entries:
        parts = _split(entry.reference)
        if parts:
            entry.object_name = names.get(parts[0], {}).get(parts[1], "")


def after_award_register(hook: AfterAwardHook) -> None:
    if hook not in _after_award:
        _after_award.append(hook)


def after_award_unregister(hook: AfterAwardHook) -> None:
    if hook in _after_award:
        _after_award.remove(hook)


def after_award_hooks() -> tuple[AfterAwardHook, ...]:
    return tuple(_after_award)


def after_award_run(entry: "LedgerEntry") -> None:
    for hook in tuple(_after_award):
        try:
            hook(entry)
        except Exception:  # noqa: BLE001 - a hook never undoes the award that already committed
            logger.exception("after-award hook %r failed for entry %s", hook, entry.pk)
