"""Several apps' numbers about one member, read in one statement.

A page that shows a few numbers owned by different apps (the points, the
vouchers to collect, the unread notifications) would pay one round trip to the
database for each. Each app instead offers its numbers as scalar subqueries
(`<app>.selectors.*_scalars`: SQL it owns, with named parameters, the member
as `%(member)s`), and the page reads them all with `scalars_read`: one
statement, however many apps add a number. The app's own selector runs the
same fragments alone, so the SQL is written once.
"""

import hashlib
import re
import weakref
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection

Scalars = tuple[dict[str, str], dict]  # (name → scalar subquery, named parameters)


def scalars_read(*parts: Scalars, member_id: int) -> dict[str, Any]:
    """Run every part's subqueries as the columns of one SELECT; their values by name."""
    columns: dict[str, str] = {}
    params: dict = {"member": member_id}
    for fragments, fragment_params in parts:
        overlap = (columns.keys() & fragments.keys()) | ((params.keys() - {"member"}) & fragment_params.keys())
        if overlap:
            raise ValueError(f"scalar names or parameters given twice: {sorted(overlap)}")
        columns.update(fragments)
        params.update(fragment_params)
    select = ", ".join(f"({sql}) AS {name}" for name, sql in columns.items())
    row = prepared_fetchone(f"SELECT {select}", params)
    assert row is not None  # (a SELECT without FROM has one row)
    return dict(zip(columns, row, strict=True))


def prepared_fetchone(sql: str, params: dict[str, Any]) -> tuple | None:
    """The first row of `sql` (named parameters, `%(member)s`), planned once per database connection.

    For the few statements of the most visited page ("Mon club"), PostgreSQL
    spent longer planning than running them (bench/pages.py). On PostgreSQL
    (unless `DATABASE_PREPARED` is off: a pooler in transaction mode cannot
    keep a session's statements), the statement is prepared on first use (`PREPARE`, in the same round trip as its
    first `EXECUTE`) and executed by name afterwards, so the server skips
    planning. Parameters must have a type the server can infer from what they
    are compared with. Elsewhere it is an ordinary query. Either way it goes
    through Django's cursor: counted and logged like any query.
    """
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED:
            cursor.execute(sql, params)
            return cursor.fetchone()
        name, text, order = _statement(sql)
        known = _prepared_on(connection.connection)
        if name in known and known[name] is None:  # an earlier attempt failed half-way: ask the server
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = %s)", [name])
            known[name] = cursor.fetchone()[0]
        arguments = ", ".join(f"%({key})s" for key in order)
        execute = f"EXECUTE {name} ({arguments})" if order else f"EXECUTE {name}"
        if known.get(name):
            cursor.execute(execute, params)
        else:
            known[name] = None
            cursor.execute(f"PREPARE {name} AS {text}; {execute}", params)
            known[name] = True
        return cursor.fetchone()


@cache
def _statement(sql: str) -> tuple[str, str, tuple[str, ...]]:
    """A statement's name, its text with positional parameters ($1…), and the parameter names in their order."""
    order: list[str] = []

    def positional(match: re.Match) -> str:
        key = match.group(1)
        if key not in order:
            order.append(key)
        return f"${order.index(key) + 1}"

    text = _NAMED.sub(positional, sql)
    name = "club_" + hashlib.sha256(sql.encode()).hexdigest()[:20]
    return name, text, tuple(order)


_NAMED = re.compile(r"%\((\w+)\)s")


_PREPARED: "weakref.WeakKeyDictionary[Any, dict[str, bool | None]]" = weakref.WeakKeyDictionary()


def _prepared_on(raw_connection: Any) -> dict[str, bool | None]:
    """What was prepared on this driver connection: name → True, or None when unknown (a failed first use)."""
    return _PREPARED.setdefault(raw_connection, {})
