"""The database itself refuses what must never happen (writes around the ORM)."""

import pytest
from django.db import IntegrityError, connection, transaction

from rewards.ledger.models import Account, Adjustment, LedgerEntry, PointsLot
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db


def _refused(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def test_database_refuses_a_negative_balance(member, give):
    give(member, 50)
    _refused(lambda: Account.objects.filter(member=member).update(balance=-1))
    with connection.cursor() as cursor:
        table = Account._meta.db_table
        _refused(lambda: cursor.execute(f"UPDATE {table} SET balance = balance - 51 WHERE member_id = %s", [member.pk]))
    assert Account.objects.get(member=member).balance == 50


def test_database_refuses_a_negative_stock():
    gift = GiftFactory(stock=1)
    table = gift._meta.db_table
    with connection.cursor() as cursor:
        _refused(lambda: cursor.execute(f"UPDATE {table} SET stock = -1 WHERE id = %s", [gift.pk]))
    _refused(lambda: type(gift).objects.filter(pk=gift.pk).update(stock=-5))


def test_database_refuses_zero_amounts_and_a_second_award_for_one_source(member, give):
    entry = give(member, 10)
    _refused(lambda: LedgerEntry.objects.filter(pk=entry.pk).update(amount=0))
    _refused(
        lambda: LedgerEntry.objects.create(
            member=member, amount=10, reason=entry.reason, reference=entry.reference, balance_after=20
        )
    )
    _refused(lambda: Adjustment.objects.create(member=member, amount=0, reason="x", requested_by=member))


def test_database_refuses_a_lot_with_more_left_than_earned(member, give):
    entry = give(member, 10)
    _refused(lambda: PointsLot.objects.filter(entry=entry).update(remaining=11))
    _refused(lambda: PointsLot.objects.filter(entry=entry).update(remaining=-1))
