"""The large data set for benchmarks (`manage.py seed_scale`), built by every app for its own tables.

Each app that owns tables worth measuring declares its part in `<app>/scale.py`
(`PARTS = [ScalePart(...)]`): its command-line options and a function that
fills its tables with bulk SQL (`COPY`, `INSERT … SELECT … generate_series`)
from the rows the parts before it wrote. The command runs the parts in order
inside one transaction, so a failed run leaves nothing behind.

Every row the parts write is recognisable: members get addresses at
`SCALE_EMAIL_DOMAIN`, and rows of other tables belong to those members (or
carry a `scale:` reference), so the command can tell a benchmark database from
one that holds real members, and refuse the latter.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from club.core.discovery import app_modules

SCALE_EMAIL_DOMAIN = "scale.invalid"
MODULE = "scale"


@dataclass
class ScaleRun:
    """What a part gets: the options, the cursor, the moment the data set is built for, and notes to print."""

    options: dict[str, Any]
    cursor: Any
    now: datetime
    summary: list[str] = field(default_factory=list)

    def copy_rows(self, table: str, columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> int:
        """COPY rows (tab-separated text, `\\N` for NULL) into `table`; returns the count."""
        buffer = io.StringIO()
        count = 0
        for row in rows:
            buffer.write("\t".join(r"\N" if value is None else str(value) for value in row))
            buffer.write("\n")
            count += 1
        buffer.seek(0)
        raw = self.cursor.cursor  # the driver's cursor (psycopg2) under Django's wrapper
        raw.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
        return count


@dataclass(frozen=True)
class ScalePart:
    name: str
    order: int  # parts run from the lowest: members before the ledger before the features
    build: Callable[[ScaleRun], None]
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None


@cache
def scale_parts() -> tuple[ScalePart, ...]:
    """Every app's parts, in order."""
    found = [part for module in app_modules(MODULE) for part in getattr(module, "PARTS", ())]
    return tuple(sorted(found, key=lambda part: part.order))
