"""Ledger entries and lot consumptions are append-only in the database itself.

Every refusal is proved around the ORM (raw SQL), on SQLite (`make test`) and on
PostgreSQL (CI); the flush between transactional tests keeps working.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from rewards.ledger.models import LedgerEntry, LotConsumption
from rewards.ledger.triggers import triggers_install, triggers_uninstall
from rewards.shop.services import gift_redeem
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db

TABLES = {"entry": LedgerEntry._meta.db_table, "consumption": LotConsumption._meta.db_table}


def _raw(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def history(member, give):
    earned = give(member, 100)
    redemption = gift_redeem(member=member, gift=GiftFactory(points=60))
    spend = LedgerEntry.objects.get(reference=redemption.reference)
    return earned, spend, LotConsumption.objects.get(entry=spend)


@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("entry", "UPDATE {table} SET amount = amount + 1 WHERE id = %s"),
        ("entry", "UPDATE {table} SET subject = 'rewritten' WHERE id = %s"),
        ("entry", "DELETE FROM {table} WHERE id = %s"),
        ("consumption", "UPDATE {table} SET amount = 1 WHERE id = %s"),
        ("consumption", "DELETE FROM {table} WHERE id = %s"),
    ],
)
def test_the_database_refuses_to_change_or_remove_a_ledger_row(history, table, statement):
    _earned, spend, consumption = history
    row = spend.pk if table == "entry" else consumption.pk
    with pytest.raises(IntegrityError, match="append-only"):
        _raw(statement.format(table=TABLES[table]), [row])
    spend.refresh_from_db()
    consumption.refresh_from_db()
    assert (spend.amount, spend.subject, consumption.amount) == (-60, spend.subject, 60)


def test_the_orm_is_refused_too_and_a_correction_is_a_new_entry(history, member, ledger_is_consistent):
    earned, _spend, _consumption = history
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.filter(pk=earned.pk).update(amount=1000)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.filter(pk=earned.pk).delete()
    assert LedgerEntry.objects.filter(member=member).count() == 2
    ledger_is_consistent()


def test_a_data_migration_that_rewrites_history_fails_and_changes_nothing(history, member):
    """What a careless RunSQL would do: every row refused, the whole statement rolled back."""
    with pytest.raises(IntegrityError):
        _raw(f"UPDATE {TABLES['entry']} SET amount = amount * 2 WHERE member_id = %s", [member.pk])
    assert sorted(LedgerEntry.objects.filter(member=member).values_list("amount", flat=True)) == [-60, 100]


@pytest.mark.django_db(transaction=True)
def test_flushing_between_transactional_tests_still_empties_the_ledger(history):
    call_command("flush", interactive=False, verbosity=0)
    assert LedgerEntry.objects.count() == 0 and LotConsumption.objects.count() == 0
    # ...and the triggers are back at once.
    from club.members.tests.factories import MemberFactory
    from rewards.ledger.services import points_award

    entry = points_award(member=MemberFactory(), action="idea_planned", reference="after:flush", amount=5)
    with pytest.raises(IntegrityError):
        _raw(f"DELETE FROM {TABLES['entry']} WHERE id = %s", [entry.pk])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_truncate_stays_allowed_on_postgresql(history):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's (SQLite flushes with DELETE, see the flush command)")
    _raw(f"TRUNCATE {TABLES['consumption']}, {TABLES['entry']} CASCADE")
    assert LedgerEntry.objects.count() == 0


def test_ledger_verify_catches_a_row_modified_behind_the_triggers_back(member, give, ledger_is_consistent):
    """Totals can be kept equal by someone who disables the triggers; the balance chain cannot."""
    first, second = give(member, 100), give(member, 50)
    ledger_is_consistent()
    triggers_uninstall(connection)
    try:
        _raw(f"UPDATE {TABLES['entry']} SET amount = 90 WHERE id = %s", [first.pk])
        _raw(f"UPDATE {TABLES['entry']} SET amount = 60 WHERE id = %s", [second.pk])
    finally:
        triggers_install(connection)
    with pytest.raises(CommandError, match="break the balance chain"):
        call_command("ledger_verify")
