"""`flush`, able to empty tables guarded by row triggers on SQLite too (see `club.core.flush_triggers`).

On SQLite it lifts every registered app's triggers, flushes, and puts them
back at once. Everything else is Django's own `flush`.
"""

from django.core.management.commands import flush
from django.db import connections

from club.core.flush_triggers import flush_triggers


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        registered = flush_triggers()
        for triggers in registered:
            triggers.uninstall(connection)
        try:
            return super().handle(**options)
        finally:
            for triggers in registered:
                triggers.install(connection)
