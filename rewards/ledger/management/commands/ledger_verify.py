"""Prove that every member's balance equals the sum of their ledger entries.

Also checks the expiry lots (Σ remaining) and the last entry's balance_after.
Prints each mismatch and exits non-zero if there is any.
"""

from django.core.management.base import BaseCommand, CommandError

from rewards.ledger.models import Account
from rewards.ledger.selectors import ledger_mismatches


class Command(BaseCommand):
    help = "Check balance == Σ entries == Σ lots for every member; exit 1 on any mismatch."

    def handle(self, *args, **options):
        mismatches = ledger_mismatches()
        for row in mismatches:
            self.stderr.write(
                "member {member_id}: balance {balance}, Σ entries {entries}, Σ lots {lots}, "
                "last entry {last_entry}".format(**row)
            )
        if mismatches:
            raise CommandError(f"{len(mismatches)} account(s) do not match their ledger.")
        self.stdout.write(self.style.SUCCESS(f"Ledger consistent for {Account.objects.count()} account(s)."))
