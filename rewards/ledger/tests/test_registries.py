"""What features plug into the ledger: reference resolvers and after-award hooks."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rewards.ledger.models import LedgerEntry
from rewards.ledger.registries import (
    after_award_register,
    after_award_unregister,
    reference_resolver_register,
    references_describe,
)
from rewards.ledger.services import points_award
from rewards.shop.services import gift_redeem, redemption_cancel
from rewards.shop.tests.factories import GiftFactory

pytestmark = pytest.mark.django_db


def test_history_names_a_voucher_by_the_gifts_name_in_the_readers_language(client, member, give):
    give(member, 500)
    gift = GiftFactory(name="Vernissage VIP", name_en="VIP opening", points=180)
    redemption_cancel(redemption=gift_redeem(member=member, gift=gift), by=member)
    client.force_login(member)
    french = client.get(reverse("ledger:history")).content.decode()
    assert "Cadeau : Vernissage VIP" in french and "Remboursement : Vernissage VIP" in french
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(reverse("ledger:history")).content.decode()
    assert "VIP opening" in english and "Vernissage VIP" not in english


def test_naming_the_references_costs_one_query_per_kind_whatever_the_page_length(member, give):
    give(member, 10_000)
    gift = GiftFactory(points=60, stock=100)
    gift_redeem(member=member, gift=gift)
    few = list(LedgerEntry.objects.filter(member=member))
    with CaptureQueriesContext(connection) as one:
        references_describe(few)
    for _ in range(20):
        gift_redeem(member=member, gift=gift)
    many = list(LedgerEntry.objects.filter(member=member))
    with CaptureQueriesContext(connection) as twenty:
        references_describe(many)
    assert len(one.captured_queries) == len(twenty.captured_queries) == 1
    assert all(entry.object_name == gift.name for entry in many if entry.reason == "gift")


def test_an_unknown_reference_or_a_missing_row_falls_back_to_the_subject(member):
    entry = points_award(member=member, action="quiz_passed", reference="demo.quiz:7", subject="Quiz d'automne")
    gone = LedgerEntry(member=member, amount=5, reason="gift", reference="shop.redemption:999999", subject="Sac")
    references_describe([entry, gone])
    assert entry.description == "Quiz réussi : Quiz d'automne"
    assert gone.description == "Cadeau : Sac"


def test_a_reference_prefix_must_name_an_app_and_a_model():
    with pytest.raises(ValueError):
        reference_resolver_register("redemption", lambda pks: {})


@pytest.fixture
def awarded():
    seen = []

    def hook(entry):
        seen.append((entry.pk, entry.reason, entry.amount))

    after_award_register(hook)
    yield seen
    after_award_unregister(hook)


def test_after_award_hooks_run_once_the_award_commits_and_never_for_a_repeat(
    member, awarded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = points_award(member=member, action="quiz_passed", reference="quiz:1")
        again = points_award(member=member, action="quiz_passed", reference="quiz:1")
    assert again.pk == first.pk
    assert len(callbacks) == 1
    assert awarded == [(first.pk, "quiz_passed", 20)]


def test_after_award_hooks_do_not_run_for_a_rolled_back_award(member, awarded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            points_award(member=member, action="quiz_passed", reference="quiz:2")
            raise RuntimeError("the caller fails after the award")
    assert awarded == []
    assert not LedgerEntry.objects.filter(reference="quiz:2").exists()


def test_a_failing_hook_never_undoes_the_award(member, django_capture_on_commit_callbacks):
    def broken(entry):
        raise ValueError("badge service bug")

    after_award_register(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            entry = points_award(member=member, action="quiz_passed", reference="quiz:3")
    finally:
        after_award_unregister(broken)
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_the_history_in_english_has_english_punctuation(client, member, give):
    give(member, 500)
    gift = GiftFactory(name="Vernissage VIP", name_en="VIP opening", points=180)
    redemption_cancel(redemption=gift_redeem(member=member, gift=gift), by=member)
    client.force_login(member)
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(reverse("ledger:history")).content.decode()
    assert "Refund: VIP opening" in english and "Gift: VIP opening" in english
