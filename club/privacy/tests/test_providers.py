"""Every model that holds a member is declared by its app, and the export reads them all."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from club.core.personal_data import Kind
from club.privacy.registry import personal_data_export, personal_data_providers
from rewards.shop.services import gift_redeem
from rewards.shop.tests.factories import GiftFactory


def _member_fields_by_model() -> dict[str, set[str]]:
    """Every relation to the member model, forward only (FK, one-to-one, many-to-many)."""
    member_model = get_user_model()
    found: dict[str, set[str]] = {}
    for model in apps.get_models():
        if model._meta.proxy:  # the same rows as its concrete model
            continue
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model is member_model:
                found.setdefault(model._meta.label, set()).add(field.name)
    return found


def test_every_model_that_references_a_member_is_declared_by_a_provider():
    declared: dict[str, set[str]] = {}
    for provider in personal_data_providers():
        declared.setdefault(provider.model, set()).update(provider.member_fields)
    missing = {
        model: sorted(fields - declared.get(model, set()))
        for model, fields in _member_fields_by_model().items()
        if fields - declared.get(model, set())
    }
    assert missing == {}, f"declare these in the app's personal_data.py: {missing}"


def test_every_declaration_names_a_real_model_and_real_member_fields():
    member_model = get_user_model()
    for provider in personal_data_providers():
        model = apps.get_model(provider.model)
        for name in provider.member_fields:
            assert model._meta.get_field(name).related_model is member_model, (provider.model, name)
        if provider.kind == Kind.TECHNICAL:
            assert provider.export_fields == (), f"{provider.model}: technical rows are never exported"


@pytest.mark.django_db
def test_export_holds_the_members_rows_and_nobody_elses(member, give):
    other = type(member).objects.create_user("autre@exemple.fr", "mot-de-passe-long")
    give(member, 100)
    give(other, 70)
    gift_redeem(member=member, gift=GiftFactory(name="Carte postale", points=60))
    export = personal_data_export(member=member)
    assert sorted(row["amount"] for row in export["ledger.LedgerEntry"]) == [-60, 100]
    assert export["ledger.Account"] == [{"balance": 40, "updated_at": export["ledger.Account"][0]["updated_at"]}]
    assert [row["gift__name"] for row in export["shop.Redemption"]] == ["Carte postale"]
    assert len(export["notifications.Notification"]) == 1  # "your voucher is ready"
    assert "core.IdempotencyKey" not in export and "authtoken.Token" not in export
