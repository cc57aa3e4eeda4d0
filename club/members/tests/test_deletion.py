"""Members do not vanish with their history: PROTECT, a clear refusal, and what may still go."""

import pytest
from allauth.account.models import EmailAddress
from django.db.models import ProtectedError
from django.urls import reverse

from club.core.personal_data import Kind
from club.members.errors import MemberHasHistory
from club.members.models import ConsentRecord, Member
from club.members.services import member_delete
from club.members.tests.factories import MemberFactory, StaffFactory
from club.privacy.registry import personal_data_providers
from rewards.ledger.models import LedgerEntry
from rewards.ledger.services import points_adjust
from rewards.shop.services import gift_redeem
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db


def test_a_member_with_points_cannot_be_deleted_in_code_and_nothing_changes(member, give, ledger_is_consistent):
    give(member, 100)
    gift_redeem(member=member, gift=GiftFactory(points=60))
    with pytest.raises(ProtectedError):
        member.delete()
    with pytest.raises(MemberHasHistory) as refused:
        member_delete(member=member)
    assert refused.value.code == "member_has_history" and refused.value.details["history"]
    assert Member.objects.filter(pk=member.pk).exists()
    assert LedgerEntry.objects.filter(member=member).count() == 2
    ledger_is_consistent()


def test_consent_records_are_history_too():
    member = MemberFactory()
    ConsentRecord.objects.create(member=member, kind="news", granted=True, wording_version="1", source="signup")
    with pytest.raises(MemberHasHistory):
        member_delete(member=member)


def test_a_sign_up_never_verified_and_without_history_can_still_be_deleted():
    member = MemberFactory(verified=False)
    member_delete(member=member)
    assert not Member.objects.filter(pk=member.pk).exists()
    assert not EmailAddress.objects.filter(email=member.email).exists()


def test_a_staff_member_who_acted_stays_and_can_be_deactivated_instead(member):
    staff = StaffFactory(is_superuser=True)
    points_adjust(member=member, amount=20, reason="Carte perdue", by=staff)
    with pytest.raises(MemberHasHistory):
        member_delete(member=staff)
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert LedgerEntry.objects.get(member=member).created_by == staff


def test_the_admin_refuses_with_the_reason_and_never_a_500(admin_client, member, give):
    give(member, 100)
    delete = reverse("admin:members_member_delete", args=[member.pk])
    page = admin_client.get(delete)
    assert page.status_code == 200 and "protected" in page.context  # Django lists what protects it
    assert page.context["protected"]
    response = admin_client.post(delete, {"post": "yes"})
    assert response.status_code == 200 and Member.objects.filter(pk=member.pk).exists()
    bulk = admin_client.post(
        reverse("admin:members_member_changelist"), {"action": "delete_selected", "_selected_action": [member.pk]}
    )
    assert bulk.status_code == 200 and Member.objects.filter(pk=member.pk).exists()


def test_every_history_row_protects_the_members_it_names():
    """What a personal-data provider calls history can never be deleted along with a member."""
    from django.apps import apps
    from django.db.models import PROTECT

    for provider in personal_data_providers():
        if provider.kind != Kind.HISTORY:
            continue
        model = apps.get_model(provider.model)
        for name in provider.member_fields:
            on_delete = model._meta.get_field(name).remote_field.on_delete
            assert on_delete is PROTECT, f"{provider.model}.{name} must use PROTECT"
