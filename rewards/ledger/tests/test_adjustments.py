"""Manual adjustments: reason required, large ones need a second administrator."""

import pytest
from django.contrib.auth.models import Group

from club.members.permissions import CLUB_ADMINISTRATION
from club.members.tests.factories import StaffFactory
from rewards.ledger import services as ledger_services
from rewards.ledger.errors import AdjustmentAlreadyDecided, ApprovalNotAllowed, InsufficientPoints, InvalidAdjustment
from rewards.ledger.models import Adjustment, LedgerEntry
from rewards.ledger.selectors import balance_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins():
    group = Group.objects.get(name=CLUB_ADMINISTRATION)
    first, second = StaffFactory(), StaffFactory()
    first.groups.add(group)
    second.groups.add(group)
    return first, second


def test_small_adjustment_reaches_the_ledger_with_who_and_why(member, admins, ledger_is_consistent):
    staff = admins[0]
    adjustment = ledger_services.points_adjust(
        member=member, amount=120, reason="Carte perdue, points recrédités", by=staff
    )
    assert adjustment.status == "applied"
    entry = LedgerEntry.objects.get(reference=adjustment.reference)
    assert entry.amount == 120 and entry.created_by == staff and entry.note == "Carte perdue, points recrédités"
    assert balance_of(member=member) == 120
    ledger_is_consistent()


@pytest.mark.parametrize(("amount", "reason"), [(0, "motif"), (10, "   "), (10, ""), ("10", "motif"), (True, "m")])
def test_bad_adjustments_are_refused(member, admins, amount, reason):
    with pytest.raises(InvalidAdjustment):
        ledger_services.points_adjust(member=member, amount=amount, reason=reason, by=admins[0])
    assert not Adjustment.objects.exists() and not LedgerEntry.objects.exists()


def test_negative_adjustment_beyond_balance_writes_nothing(member, give, admins):
    give(member, 30)
    with pytest.raises(InsufficientPoints):
        ledger_services.points_adjust(member=member, amount=-31, reason="Erreur de saisie", by=admins[0])
    assert not Adjustment.objects.exists() and balance_of(member=member) == 30


def test_large_adjustment_waits_for_a_second_administrator(member, admins, settings, ledger_is_consistent):
    settings.POINTS_ADJUSTMENT_APPROVAL_THRESHOLD = 500
    requester, approver = admins
    adjustment = ledger_services.points_adjust(member=member, amount=900, reason="Gagnant du concours", by=requester)
    assert adjustment.status == "pending" and balance_of(member=member) == 0
    with pytest.raises(ApprovalNotAllowed):
        ledger_services.adjustment_approve(adjustment=adjustment, by=requester)
    with pytest.raises(ApprovalNotAllowed):
        ledger_services.adjustment_approve(adjustment=adjustment, by=StaffFactory())  # staff, not a club administrator
    ledger_services.adjustment_approve(adjustment=adjustment, by=approver)
    assert balance_of(member=member) == 900
    assert LedgerEntry.objects.get(reference=adjustment.reference).created_by == requester
    with pytest.raises(AdjustmentAlreadyDecided):
        ledger_services.adjustment_reject(adjustment=adjustment, by=approver)
    ledger_is_consistent()


def test_rejected_adjustment_never_reaches_the_ledger(member, admins):
    adjustment = ledger_services.points_adjust(member=member, amount=-600, reason="Fraude", by=admins[0])
    ledger_services.adjustment_reject(adjustment=adjustment, by=admins[1])
    adjustment.refresh_from_db()
    assert adjustment.status == "rejected" and not LedgerEntry.objects.exists()


def test_club_administrators_adjust_and_approve_through_the_admin_by_group_rights_alone(client, member, admins):
    """Not superusers: what they may do comes from the groups (the app label of every check)."""
    from django.urls import reverse

    first, second = admins
    client.force_login(first)
    adjust = reverse("ledger_adjust_points", args=[member.pk])
    assert client.get(adjust).status_code == 200
    client.post(adjust, {"amount": "900", "reason": "Concours de l'été"})
    pending = Adjustment.objects.get(member=member)
    assert pending.status == "pending"
    client.force_login(second)
    changelist = client.get(reverse("admin:ledger_adjustment_changelist"))
    assert "approve" in dict(changelist.context["action_form"].fields["action"].choices)
    client.post(reverse("admin:ledger_adjustment_changelist"), {"action": "approve", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == "applied" and balance_of(member=member) == 900


def test_nobody_adjusts_their_own_points_not_even_an_administrator(admins):
    from rewards.ledger.errors import SelfAdjustment

    first, _second = admins
    with pytest.raises(SelfAdjustment):
        ledger_services.points_adjust(member=first, amount=500, reason="Pour moi", by=first)
    assert not Adjustment.objects.exists() and balance_of(member=first) == 0


def test_three_adjustments_under_the_threshold_add_up_and_wait_for_approval(member, admins):
    first, second = admins
    applied = [ledger_services.points_adjust(member=member, amount=250, reason="Geste", by=first) for _ in range(2)]
    third = ledger_services.points_adjust(member=member, amount=250, reason="Geste", by=first)
    assert [a.status for a in applied] == ["applied", "applied"] and third.status == "pending"
    assert balance_of(member=member) == 500
    # Another administrator has their own budget for this member.
    assert ledger_services.points_adjust(member=member, amount=100, reason="Geste", by=second).status == "applied"


def test_the_member_adjusted_cannot_approve_their_own_pending_adjustment(admins):
    first, second = admins
    pending = ledger_services.points_adjust(member=second, amount=900, reason="Concours", by=first)
    with pytest.raises(ApprovalNotAllowed):
        ledger_services.adjustment_approve(adjustment=pending, by=second)


def test_an_absurd_amount_is_a_form_error_and_the_museum_team_cannot_adjust(client, member, admins):
    from django.urls import reverse

    from club.members.permissions import MUSEUM_TEAM

    client.force_login(admins[0])
    adjust = reverse("ledger_adjust_points", args=[member.pk])
    page = client.post(adjust, {"amount": str(10**12), "reason": "Faute de frappe"})
    assert page.status_code == 200 and page.context["form"].errors["amount"]
    assert not Adjustment.objects.exists()
    team = StaffFactory()
    team.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    client.force_login(team)
    assert client.get(adjust).status_code == 403
