"""Prove that every member's balance equals the sum of their ledger entries.

Also checks the expiry lots (Σ remaining), the last entry's balance_after, and
the chain of balance_after (each entry's is the previous one plus its amount),
which catches a row modified after it was written. Prints each mismatch and
exits non-zero if there is any.
"""

from django.core.management.base import BaseCommand, CommandError

from rewards.ledger.models import Account
from rewards.ledger.selectors import ledger_mismatches, ledger_sequence_breaks


class Command(BaseCommand):
    help = "Check balance == Σ entries == Σ lots and the balance_after chain of every member; exit 1 if not."

    def handle(self, *args, **options):
        mismatches = ledger_mismatches()
        for row in mismatches:
            self.stderr.write(
                "member {member_id}: balance {balance}, Σ entries {entries}, Σ lots {lots}, "
                "last entry {last_entry}".format(**row)
            )
        breaks = ledger_sequence_breaks()
        for row in breaks:
            self.stderr.write(
                "member {member_id}: entry {id} says balance {balance_after} after {amount:+d}, "
                "but the previous entry left {previous}".format(**row)
            )
        if mismatches or breaks:
            raise CommandError(
                f"{len(mismatches)} account(s) do not match their ledger; "
                f"{len(breaks)} entr{'y' if len(breaks) == 1 else 'ies'} break the balance chain."
            )
        self.stdout.write(self.style.SUCCESS(f"Ledger consistent for {Account.objects.count()} account(s)."))
