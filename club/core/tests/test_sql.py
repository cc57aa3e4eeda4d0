"""Several apps' numbers in one statement (`club.core.sql`)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from club.core.sql import scalars_read
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
