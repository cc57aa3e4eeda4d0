"""The database itself keeps the ledger append-only: row triggers refuse UPDATE and DELETE.

Ledger entries and lot consumptions are the journal of every point ever
moved; a correction is a new entry, never an edit. Beyond the convention, the
database refuses any `UPDATE` or `DELETE` of those rows — from the ORM, a raw
SQL console or a data migration — with an integrity-class error (SQLSTATE
23000 on PostgreSQL, a constraint error on SQLite), which Django raises as
`IntegrityError`.

`TRUNCATE` stays possible: it fires no row trigger on PostgreSQL, and the test
runner uses it to empty tables between transactional tests. SQLite has no
`TRUNCATE` (its flush is a `DELETE` per table), so the ledger's `flush`
command lifts the triggers for the length of the flush only.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper

APPEND_ONLY_TABLES = ("ledger_ledgerentry", "ledger_lotconsumption")
_FUNCTION = "ledger_append_only"

_POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are append-only: % of a row of % refused; write a new entry instead',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""


def _trigger(table: str, operation: str = "") -> str:
    return f"{table}_append_only{'_' + operation.lower() if operation else ''}"


def _postgres_install(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {_trigger(table)} ON {table}",
        f"CREATE TRIGGER {_trigger(table)} BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}()",
    ]


def _sqlite_install(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {_trigger(table, operation)} BEFORE {operation} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only: {operation} of a row of {table} refused; "
        "write a new entry instead'); END"
        for operation in ("UPDATE", "DELETE")
    ]


def install_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [_POSTGRES_FUNCTION, *[sql for table in APPEND_ONLY_TABLES for sql in _postgres_install(table)]]
    if vendor == "sqlite":
        return [sql for table in APPEND_ONLY_TABLES for sql in _sqlite_install(table)]
    raise ImproperlyConfigured(
        f"The club runs on PostgreSQL (production) or SQLite (the quick start), not {vendor}: "
        "the ledger's append-only triggers exist for those two."
    )


def uninstall_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {_trigger(table)} ON {table}" for table in APPEND_ONLY_TABLES] + [
            f"DROP FUNCTION IF EXISTS {_FUNCTION}()"
        ]
    return [
        f"DROP TRIGGER IF EXISTS {_trigger(table, operation)}"
        for table in APPEND_ONLY_TABLES
        for operation in ("UPDATE", "DELETE")
    ]


def triggers_install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in install_sql(connection.vendor):
            cursor.execute(sql)


def triggers_uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in uninstall_sql(connection.vendor):
            cursor.execute(sql)
