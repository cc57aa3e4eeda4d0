"""Build the benchmark data set: `manage.py seed_scale --members 100000 --entries 50`.

Each app fills its own tables through its part (`<app>/scale.py`, see
`club.core.scale`), with bulk SQL, in one transaction. PostgreSQL only; refuses
a database that holds real members (any address outside the scale and demo
domains) and one that already holds a scale data set.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone, translation

from club.core.scale import SCALE_EMAIL_DOMAIN, ScaleRun, scale_parts
from club.management.commands.seed_demo import DEMO_EMAIL_DOMAIN
from club.members.models import Member


class Command(BaseCommand):
    help = "Fill a benchmark database with a large, reproducible data set (bulk SQL, PostgreSQL only)."

    def add_arguments(self, parser):
        for part in scale_parts():
            if part.add_arguments:
                part.add_arguments(parser)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale needs PostgreSQL (set DATABASE_URL): it writes with COPY and generate_series."
            )
        real = Member.objects.exclude(email__iendswith=f"@{SCALE_EMAIL_DOMAIN}").exclude(
            email__iendswith=f"@{DEMO_EMAIL_DOMAIN}"
        )
        if real.exists():
            raise CommandError(
                f"This database holds {real.count():,} real member(s): seed_scale only runs on a benchmark database."
            )
        if Member.objects.filter(email__iendswith=f"@{SCALE_EMAIL_DOMAIN}").exists():
            raise CommandError("This database already holds a scale data set: recreate it (or run flush) first.")
        run = ScaleRun(options=options, cursor=None, now=timezone.now())
        started = time.perf_counter()
        with transaction.atomic(), translation.override("fr"), connection.cursor() as cursor:
            run.cursor = cursor
            for part in scale_parts():
                part_started = time.perf_counter()
                part.build(run)
                self.stdout.write(f"{part.name}: {time.perf_counter() - part_started:.1f} s")
            cursor.execute("ANALYZE")
        for line in run.summary:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Scale data set ready in {time.perf_counter() - started:.1f} s."))
