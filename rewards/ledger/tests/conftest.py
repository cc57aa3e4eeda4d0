import pytest
from django.core.management import call_command

from club.members.tests.factories import MemberFactory
from rewards import services
from rewards.models import Reason


@pytest.fixture
def member(db):
    return MemberFactory()


@pytest.fixture
def give():
    """Give a member points through the ledger (a manual-free earning action)."""
    counter = {"n": 0}

    def give(member, amount, *, now=None, action=Reason.IDEA_PLANNED):  # an action with no cap
        counter["n"] += 1
        return services.points_award(
            member=member, action=action, reference=f"test.source:{counter['n']}", amount=amount, now=now
        )

    return give


@pytest.fixture
def ledger_is_consistent():
    def check():
        call_command("ledger_verify")

    return check
