"""Triggers that `flush` lifts on SQLite for the length of a flush (a registry the apps fill).

PostgreSQL flushes with `TRUNCATE`, which fires no row trigger. SQLite has no
`TRUNCATE`: Django flushes it with a `DELETE` per table, which row triggers
that refuse deletions (the ledger's append-only entries, the surveys' answered
questions and choices) would stop. Each app registers how to lift its
triggers and put them back; `club.core`'s `flush` command does both around
Django's own flush (the test runner uses it between transactional tests).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

TriggerStep = Callable[[BaseDatabaseWrapper], None]


@dataclass(frozen=True)
class FlushTriggers:
    uninstall: TriggerStep
    install: TriggerStep


_registered: dict[str, FlushTriggers] = {}


def flush_triggers_register(name: str, *, uninstall: TriggerStep, install: TriggerStep) -> None:
    _registered[name] = FlushTriggers(uninstall=uninstall, install=install)


def flush_triggers() -> tuple[FlushTriggers, ...]:
    return tuple(_registered.values())
