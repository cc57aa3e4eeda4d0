"""`flush`, able to empty the append-only ledger tables on SQLite too.

PostgreSQL flushes with `TRUNCATE`, which fires no row trigger. SQLite has no
`TRUNCATE`: Django flushes it with a `DELETE` per table, which the ledger's
append-only triggers refuse. On SQLite this command lifts the triggers for the
flush and puts them back at once; the test runner uses it between
transactional tests. Everything else is Django's own `flush`.
"""

from django.core.management.commands import flush
from django.db import connections

from rewards.ledger.triggers import triggers_install, triggers_uninstall


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        triggers_uninstall(connection)
        try:
            return super().handle(**options)
        finally:
            triggers_install(connection)
