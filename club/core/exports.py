"""Spreadsheet exports that cannot carry an attack.

A cell that starts with `=`, `+`, `-`, `@` (or a tab or carriage return) is a
formula to Excel and LibreOffice: a member who signs up as `=cmd|' /C calc'!A0`
would run code on the computer of the staff member who opens the export. Such
cells are written with a leading apostrophe, which spreadsheets show as text.
"""

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: Any) -> Any:
    """The value as a spreadsheet will show it as text, never run it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_write_rows(writer: Any, rows: Iterable[Iterable[Any]]) -> None:
    """Write rows through a `csv.writer`, every cell made safe."""
    for row in rows:
        writer.writerow([cell_safe(value) for value in row])


def csv_writer(stream) -> Any:
    """The club's CSV dialect: semicolons (what French spreadsheets expect)."""
    return csv.writer(stream, delimiter=";")
