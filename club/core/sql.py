"""Several apps' numbers about one member, read in one statement.

A page that shows a few numbers owned by different apps (the points, the
vouchers to collect, the unread notifications) would pay one round trip to the
database for each. Each app instead offers its numbers as scalar subqueries
(`<app>.selectors.*_scalars`: SQL it owns, with named parameters, the member
as `%(member)s`), and the page reads them all with `scalars_read`: one
statement, however many apps add a number. The app's own selector runs the
same fragments alone, so the SQL is written once.
"""

from typing import Any

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
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}", params)
        row = cursor.fetchone()
    return dict(zip(columns, row, strict=True))
