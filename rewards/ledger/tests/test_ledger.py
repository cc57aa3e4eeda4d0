"""Earning: idempotence, rules, caps, balances, and ledger_verify."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from club.members.tests.factories import MemberFactory
from rewards.ledger import services as ledger_services
from rewards.ledger.errors import UnknownAction
from rewards.ledger.models import Account, EarningRule, LedgerEntry, PointsLot, Reason
from rewards.ledger.selectors import balance_of

pytestmark = pytest.mark.django_db


def test_award_pays_rule_points_and_records_balance_after(member, ledger_is_consistent):
    entry = ledger_services.points_award(member=member, action=Reason.SURVEY_ANSWERED, reference="surveys.submission:1")
    assert entry.amount == EarningRule.objects.get(action="survey_answered").points
    assert entry.balance_after == balance_of(member=member) == entry.amount
    assert PointsLot.objects.get(entry=entry).remaining == entry.amount
    ledger_is_consistent()


def test_same_source_never_pays_twice(member):
    first = ledger_services.points_award(member=member, action=Reason.QUIZ_PASSED, reference="surveys.quiz:7")
    again = ledger_services.points_award(member=member, action=Reason.QUIZ_PASSED, reference="surveys.quiz:7")
    assert again.pk == first.pk
    assert LedgerEntry.objects.filter(member=member).count() == 1
    assert balance_of(member=member) == first.amount


def test_object_may_set_its_own_points(member):
    entry = ledger_services.points_award(member=member, action=Reason.SURVEY_ANSWERED, reference="s:1", amount=75)
    assert entry.amount == 75


def test_daily_cap_applies_to_every_award_of_the_action(clock, member):
    EarningRule.objects.filter(action="museum_checkin").update(points=25, cap_count=1, cap_period="day")
    assert ledger_services.points_award(member=member, action="museum_checkin", reference="c:1")
    assert ledger_services.points_award(member=member, action="museum_checkin", reference="c:2") is None
    assert ledger_services.points_award(member=member, action="museum_checkin", reference="c:3", amount=99) is None
    clock.shift(timedelta(days=1))
    assert ledger_services.points_award(member=member, action="museum_checkin", reference="c:4")
    assert balance_of(member=member) == 50


def test_inactive_rule_pays_nothing_and_unknown_action_is_refused(member):
    EarningRule.objects.filter(action="content_viewed").update(is_active=False)
    assert ledger_services.points_award(member=member, action="content_viewed", reference="x:1") is None
    with pytest.raises(UnknownAction):
        ledger_services.points_award(member=member, action="gift", reference="x:2")
    assert not LedgerEntry.objects.exists()


def test_ledger_verify_passes_then_catches_a_tampered_balance(member, give, capsys):
    give(member, 100)
    give(MemberFactory(), 40)
    call_command("ledger_verify")
    Account.objects.filter(member=member).update(balance=90)
    with pytest.raises(CommandError):
        call_command("ledger_verify")
    assert f"member {member.pk}: balance 90" in capsys.readouterr().err


def test_description_reads_as_words(member):
    entry = ledger_services.points_award(
        member=member, action=Reason.SURVEY_ANSWERED, reference="s:9", subject="Vos cartels sont-ils clairs ?"
    )
    assert entry.description == "Enquête : Vos cartels sont-ils clairs ?"


def test_rule_edited_in_the_admin_applies_to_the_next_award(admin_client, member):
    from django.urls import reverse

    ledger_services.points_award(member=member, action=Reason.POLL_ANSWERED, reference="p:1")
    rule = EarningRule.objects.get(action="poll_answered")
    url = reverse("admin:ledger_earningrule_change", args=[rule.pk])
    data = {"action": "poll_answered", "points": "33", "cap_count": "", "cap_period": "day", "is_active": "on"}
    assert admin_client.post(url, data).status_code == 302
    assert ledger_services.points_award(member=member, action=Reason.POLL_ANSWERED, reference="p:2").amount == 33


def test_an_award_that_pays_nothing_changes_nothing_and_spends_no_savepoint(member, ledger_is_consistent):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    first = ledger_services.points_award(member=member, action=Reason.QUIZ_PASSED, reference="surveys.quiz:8")
    EarningRule.objects.filter(action="museum_checkin").update(points=25, cap_count=1, cap_period="day")
    ledger_services.points_award(member=member, action="museum_checkin", reference="c:1")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        again = ledger_services.points_award(member=member, action=Reason.QUIZ_PASSED, reference="surveys.quiz:8")
        capped = ledger_services.points_award(member=member, action="museum_checkin", reference="c:2")
        assert balance_of(member=member) == first.amount + 25  # the caller's transaction goes on
    assert again.pk == first.pk and capped is None
    assert not [query for query in queries if "SAVEPOINT" in query["sql"]]
    assert LedgerEntry.objects.filter(member=member).count() == PointsLot.objects.filter(member=member).count() == 2
    ledger_is_consistent()
