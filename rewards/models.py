"""The points ledger, earning rules and the club shop."""
