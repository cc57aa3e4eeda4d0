"""Several apps' numbers in one statement, prepared once per connection (`club.core.sql`)."""

import os
import uuid

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from club.core.sql import _prepared_on, _statement, prepared_fetchone, scalars_read
from club.members.tests.factories import MemberFactory
from club.notifications.selectors import unread_scalars
from club.notifications.services import notification_send
from rewards.ledger.selectors import points_scalars, points_summary_from

pytestmark = pytest.mark.django_db


def test_numbers_of_several_apps_come_in_one_statement(give):
    member = MemberFactory()
    give(member, 70)
    notification_send(member=member, kind="news", title="Nouvelle exposition")
    with CaptureQueriesContext(connection) as queries:
        numbers = scalars_read(points_scalars(), unread_scalars(), member_id=member.pk)
    assert len(queries) == 1
    assert points_summary_from(numbers).balance == 70 and numbers["unread"] == 1


def test_a_member_who_never_earned_reads_zero():
    numbers = scalars_read(points_scalars(), member_id=MemberFactory().pk)
    assert points_summary_from(numbers).balance == 0 and points_summary_from(numbers).expiring.points == 0


def test_two_parts_may_not_use_the_same_name():
    with pytest.raises(ValueError, match="unread"):
        scalars_read(unread_scalars(), unread_scalars(), member_id=1)


# Prepared statements (`prepared_fetchone`): planned once per connection on PostgreSQL.

SQUARE = "SELECT CAST(%(n)s AS integer) * CAST(%(n)s AS integer), CAST(%(label)s AS text), 100 %% 7"


on_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="prepared statements are PostgreSQL's"
)


def _fresh(sql: str) -> str:
    """The statement under a name never prepared before on this connection."""
    return f"{sql} /* {uuid.uuid4()} */"


def _server_has(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = %s)", [name])
        return cursor.fetchone()[0]


def test_a_statement_answers_the_same_prepared_or_not(settings):
    assert prepared_fetchone(SQUARE, {"n": 7, "label": "a"}) == (49, "a", 2)
    with CaptureQueriesContext(connection) as queries:
        assert prepared_fetchone(SQUARE, {"n": 3, "label": "b%"}) == (9, "b%", 2)
    assert len(queries) == 1
    settings.DATABASE_PREPARED = False
    assert prepared_fetchone(SQUARE, {"n": 4, "label": "c"}) == (16, "c", 2)


@pytest.mark.postgres
@on_postgresql
def test_on_postgresql_the_statement_is_prepared_once_then_executed_by_name():
    statement = _fresh(SQUARE)
    name = _statement(statement)[0]
    with CaptureQueriesContext(connection) as queries:
        prepared_fetchone(statement, {"n": 2, "label": "x"})
        prepared_fetchone(statement, {"n": 5, "label": "y"})
    assert [query["sql"].split()[0] for query in queries] == ["PREPARE", "EXECUTE"]
    assert _server_has(name)


@pytest.mark.postgres
@on_postgresql
def test_a_first_execution_that_fails_after_preparing_is_recovered():
    """PREPARE worked, EXECUTE failed in the same round trip: the next call asks the server (no "already exists")."""
    failing = _fresh("SELECT 10 / CAST(%(d)s AS integer)")
    name = _statement(failing)[0]
    with pytest.raises(DataError), transaction.atomic():
        prepared_fetchone(failing, {"d": 0})
    assert _prepared_on(connection.connection)[name] is None
    assert prepared_fetchone(failing, {"d": 5}) == (2,)
    assert _prepared_on(connection.connection)[name] is True


@pytest.mark.postgres
@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    prepared_fetchone(SQUARE, {"n": 1, "label": "z"})
    connection.close()
    with CaptureQueriesContext(connection) as queries:
        assert prepared_fetchone(SQUARE, {"n": 6, "label": "z"}) == (36, "z", 2)
    assert queries[0]["sql"].startswith("PREPARE ")
