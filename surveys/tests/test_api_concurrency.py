"""The API under a burst of the same response (PostgreSQL): one is stored and paid, the others get a clear answer."""

import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, connections
from rest_framework.test import APIClient

from club.core.models import IdempotencyKey
from club.members.services import member_api_token
from club.members.tests.factories import MemberFactory
from rewards.ledger.models import LedgerEntry
from rewards.ledger.services import earning_rules_ensure_defaults
from surveys.models import Answer, Participation, PendingResponse, Submission
from surveys.tests.test_api import _survey

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
BURST = 12


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and a real concurrent burst need PostgreSQL")
    earning_rules_ensure_defaults()  # a transactional test starts from empty tables


def _burst(url: str, body: dict, member, keys: list[str | None]) -> list[tuple[int, str]]:
    """POST the same body from `len(keys)` threads released together, each with its own connection."""
    barrier = threading.Barrier(len(keys))
    answers: list[tuple[int, str]] = []
    token = member_api_token(member=member)  # created once, before the threads

    def post(key):
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
            barrier.wait()
            response = client.post(url, body, format="json", **headers)
            answers.append((response.status_code, response.json().get("code", "")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_burst_of_the_same_response_stores_and_pays_one(anonymous):
    survey, answers = _survey(questions=3, anonymous=anonymous)
    member = MemberFactory()
    url = f"/api/v1/surveys/{survey.pk}/responses/"
    results = _burst(
        url, {"answers": answers}, member, [f"envoi-{n}" for n in range(BURST // 2)] + [None] * (BURST // 2)
    )
    assert Counter(results) == {(201, ""): 1, (409, "already_answered"): BURST - 1}, results
    assert Participation.objects.count() == 1 and LedgerEntry.objects.filter(member=member).count() == 1
    assert Submission.objects.count() + PendingResponse.objects.count() == 1
    assert Answer.objects.count() == (0 if anonymous else 3)
    call_command("ledger_verify")


def test_a_burst_with_one_key_has_one_effect_and_every_request_gets_its_answer():
    survey, answers = _survey(questions=3)
    member = MemberFactory()
    url = f"/api/v1/surveys/{survey.pk}/responses/"
    results = _burst(url, {"answers": answers}, member, ["la-meme-cle"] * BURST)
    # Those that waited on the key's row replay the first answer; none runs the effect again.
    assert set(results) <= {(201, ""), (409, "idempotency_key_in_progress")}, results
    assert (201, "") in results
    assert Submission.objects.count() == 1 and Participation.objects.count() == 1
    assert LedgerEntry.objects.filter(member=member).count() == 1 and IdempotencyKey.objects.count() == 1
    call_command("ledger_verify")
