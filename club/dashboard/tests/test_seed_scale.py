"""`seed_scale`: the benchmark data set, built in bulk, consistent, and never on a database with real members."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from club.core.codes import code_is_valid
from club.core.scale import SCALE_EMAIL_DOMAIN
from club.members.models import Member
from club.members.scale import SCALE_PASSWORD, scale_email
from club.members.tests.factories import MemberFactory
from club.notifications.models import Notification
from rewards.ledger.models import Account, LedgerEntry, PointsLot

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="seed_scale needs PostgreSQL")


def _scale_members():
    return Member.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}")


@postgres_only
def test_a_small_scale_data_set_is_consistent_and_usable(client):
    call_command("seed_demo", force=True)
    call_command("seed_scale", members=60, entries=20, news=3)
    call_command("ledger_verify")  # balances, lots and balance_after chains hold
    assert _scale_members().count() == 60
    scale_entries = LedgerEntry.objects.filter(reference__startswith="scale:")
    assert scale_entries.count() == 60 * 20
    assert PointsLot.objects.filter(entry__reference__startswith="scale:").count() == 60 * 20
    assert Account.objects.filter(member__email__endswith=f"@{SCALE_EMAIL_DOMAIN}").count() == 60
    member = Member.objects.get(email=scale_email(7))
    assert member.check_password(SCALE_PASSWORD) and code_is_valid(member.membership_number)
    assert member.email_verified_at is not None
    assert Notification.objects.filter(member=member).count() >= 2  # the welcome, and the news since joining
    client.force_login(member)
    page = client.get(reverse("club:dashboard"))
    assert page.status_code == 200 and member.get_short_name() in page.content.decode()
    history = client.get(reverse("ledger:history"))
    assert history.status_code == 200 and history.context["page"].paginator.count == 20


@postgres_only
def test_it_refuses_a_database_with_real_members_and_writes_nothing():
    MemberFactory(email="camille@exemple.fr")
    with pytest.raises(CommandError, match="1 real member"):
        call_command("seed_scale", members=10, entries=5)
    assert not _scale_members().exists() and not LedgerEntry.objects.exists()


@postgres_only
def test_it_refuses_to_seed_twice():
    call_command("seed_scale", members=5, entries=2, news=0)
    with pytest.raises(CommandError, match="already holds a scale data set"):
        call_command("seed_scale", members=5, entries=2, news=0)
    assert _scale_members().count() == 5


def test_it_says_it_needs_postgresql_elsewhere():
    if connection.vendor == "postgresql":
        pytest.skip("on PostgreSQL it runs")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("seed_scale", members=5, entries=2)
