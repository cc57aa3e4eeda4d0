"""The surveys and polls API: lists, one survey, drafts, responses, votes — and everything it refuses."""

import hashlib
import json
from datetime import timedelta

import pytest
import yaml
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from club.core.memo import memos_clear
from club.core.models import IdempotencyKey
from club.members.services import member_api_token
from club.members.tests.factories import MemberFactory, MuseumFactory
from rewards.ledger.models import LedgerEntry
from rewards.ledger.selectors import balance_of
from rewards.ledger.services import earning_rules_ensure_defaults
from surveys.anonymity import ANONYMITY_BATCH, anonymous_responses_flush_due
from surveys.models import (
    Answer,
    Choice,
    Draft,
    MatrixRow,
    Participation,
    PendingResponse,
    Question,
    Submission,
    Survey,
    SurveyPage,
)
from surveys.services import submission_create

pytestmark = pytest.mark.django_db
Kind = Question.Kind


# --- Building surveys ------------------------------------------------------------------------------------------


def _survey(*, questions: int = 1, pages: int = 1, **fields) -> tuple[Survey, dict]:
    """A survey of `questions` single-choice questions ("Oui"/"Non") over `pages` pages, and answers to all."""
    now = timezone.now()
    fields = {"opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=7), **fields}
    survey = Survey.objects.create(slug=fields.pop("slug", f"s{Survey.objects.count()}"), title="Cartels", **fields)
    made = [SurveyPage.objects.create(survey=survey, position=n, title=f"Page {n}") for n in range(1, pages + 1)]
    answers = {}
    for position in range(1, questions + 1):
        question = Question.objects.create(
            page=made[(position - 1) % pages], position=position, kind=Kind.SINGLE, text=f"Q{position}"
        )
        yes = Choice.objects.create(question=question, position=1, label="Oui")
        Choice.objects.create(question=question, position=2, label="Non")
        answers[str(question.pk)] = yes.pk
    return survey, answers


def _poll(**fields) -> tuple[Survey, Question, list[Choice]]:
    survey, _answers = _survey(kind=Survey.Kind.POLL, questions=0, **fields)
    question = Question.objects.create(
        page=survey.pages.get(), position=1, kind=Kind.SINGLE, text="Quel thème pour 2027 ?"
    )
    choices = [Choice.objects.create(question=question, position=n, label=f"Thème {n}") for n in (1, 2, 3)]
    return survey, question, choices


class Rich:
    """A survey with a question of every kind answered with a value (and a condition), and a valid response."""

    def __init__(self, **fields):
        self.survey, _none = _survey(questions=0, pages=2, **fields)
        first, second = self.survey.pages.order_by("position")
        q = self.q = {}
        c = self.c = {}
        self._n = 0

        def question(page, kind, **extra):
            self._n += 1
            return Question.objects.create(page=page, position=self._n, kind=kind, text=f"{kind} ?", **extra)

        def choices(question, *labels, other=None):
            made = [Choice.objects.create(question=question, position=n, label=label) for n, label in enumerate(labels)]
            if other:
                made.append(Choice.objects.create(question=question, position=len(made), label=other, is_other=True))
            return made

        q["single"] = question(first, Kind.SINGLE, help_text="Un seul choix")
        c["single"] = choices(q["single"], "Oui", "Non", other="Autre (précisez)")
        q["multiple"] = question(first, Kind.MULTIPLE, max_choices=2)
        c["multiple"] = choices(q["multiple"], "Peinture", "Sculpture", "Photographie")
        q["rating"] = question(first, Kind.RATING)
        q["nps"] = question(first, Kind.NPS)
        q["likert"] = question(first, Kind.LIKERT)
        c["likert"] = choices(q["likert"], "Pas d'accord", "Neutre", "D'accord")
        self.rows = [MatrixRow.objects.create(question=q["likert"], position=n, label=f"Ligne {n}") for n in (1, 2)]
        q["ranking"] = question(second, Kind.RANKING)
        c["ranking"] = choices(q["ranking"], "Matin", "Midi", "Soir")
        q["number"] = question(second, Kind.NUMBER, min_value=0, max_value=120)
        q["free_number"] = question(second, Kind.NUMBER, required=False)
        q["date"] = question(second, Kind.DATE)
        q["short"] = question(second, Kind.SHORT_TEXT, required=False, max_length=500)
        q["dropdown"] = question(second, Kind.DROPDOWN, required=False)
        c["dropdown"] = choices(q["dropdown"], "Rouen", "Elbeuf")
        # Shown only when "single" is answered "Non"; required then.
        q["why"] = question(
            second,
            Kind.LONG_TEXT,
            max_length=300,
            condition_question=q["single"],
            condition_choice=c["single"][1],
        )

    def key(self, name: str) -> str:
        return str(self.q[name].pk)

    def answers(self, **changes) -> dict:
        c, rows = self.c, self.rows
        answers = {
            self.key("single"): c["single"][0].pk,
            self.key("multiple"): [c["multiple"][0].pk, c["multiple"][2].pk],
            self.key("rating"): 4,
            self.key("nps"): 9,
            self.key("likert"): {str(rows[0].pk): c["likert"][2].pk, str(rows[1].pk): c["likert"][1].pk},
            self.key("ranking"): [c["ranking"][1].pk, c["ranking"][0].pk, c["ranking"][2].pk],
            self.key("number"): 35,
            self.key("date"): "2026-05-01",
            self.key("short"): "Très clair",
        }
        for name, value in changes.items():
            if value is _DROP:
                answers.pop(self.key(name))
            else:
                answers[self.key(name)] = value
        return answers


_DROP = object()


def _nothing_written(member) -> bool:
    return (
        not (
            Participation.objects.filter(member=member).exists()
            or Submission.objects.exists()
            or Answer.objects.exists()
            or PendingResponse.objects.exists()
            or LedgerEntry.objects.filter(member=member).exists()
        )
        and balance_of(member=member) == 0
    )


def _client(member) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {member_api_token(member=member)}")
    return client


@pytest.fixture
def api(member):
    return _client(member)


def _queries(call) -> int:
    cache.clear()  # the earning rule read afresh each time: counts comparable whatever ran before
    memos_clear()
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code < 300, response.content
    return len(queries)


# --- Lists and one survey -----------------------------------------------------------------------------------------


def test_the_surveys_open_to_me_are_listed_with_points_state_and_my_flags(api, member):
    museum = MuseumFactory()
    now = timezone.now()
    open_one, _a = _survey(slug="ouverte", pages=3, points=75, museum=museum, closes_at=now + timedelta(days=2))
    answered, answers = _survey(slug="repondue", closes_at=now + timedelta(days=3))
    drafted, _b = _survey(slug="brouillon", closes_at=now + timedelta(days=4))
    _survey(slug="a-venir", opens_at=now + timedelta(days=1))
    _survey(slug="close", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
    _poll(slug="un-sondage")
    other_fans, _c = _survey(slug="fans", audience=Survey.Audience.MUSEUM_FANS)
    other_fans.audience_museums.add(MuseumFactory())
    submission_create(member=member, survey=answered, answers=answers)
    Draft.objects.create(member=member, survey=drafted, answers={}, page=1)

    body = api.get("/api/v1/surveys/").json()

    assert body["count"] == 3 and body["next"] is None
    listed = {item["slug"]: item for item in body["results"]}
    assert list(listed) == ["ouverte", "repondue", "brouillon"]  # soonest closing first
    first = listed["ouverte"]
    assert first["id"] == open_one.pk and first["points"] == 75 and first["page_count"] == 3
    assert first["museum"] == {"slug": museum.slug, "name": museum.name}
    assert first["state"] == "open" and not first["answered"] and not first["has_draft"]
    assert listed["repondue"]["state"] == "answered" and listed["repondue"]["answered"]
    assert listed["repondue"]["points"] == 40  # the earning rule's
    assert listed["brouillon"]["has_draft"] and listed["brouillon"]["museum"] is None


def test_the_list_costs_the_same_queries_for_1_and_20_surveys(api):
    _survey(slug="seule", pages=2)
    one = _queries(lambda: api.get("/api/v1/surveys/"))
    for n in range(19):
        _survey(slug=f"autre-{n}", pages=2)
    assert api.get("/api/v1/surveys/").json()["count"] == 20
    assert _queries(lambda: api.get("/api/v1/surveys/")) == one <= 4


def test_a_survey_shows_its_pages_questions_choices_rows_bounds_and_condition(api):
    rich = Rich()
    body = api.get(f"/api/v1/surveys/{rich.survey.pk}/").json()

    assert body["state"] == "open" and body["page_count"] == 2 and body["draft"] is None
    assert [page["position"] for page in body["pages"]] == [1, 2]
    questions = {question["id"]: question for page in body["pages"] for question in page["questions"]}
    single = questions[rich.q["single"].pk]
    assert single["kind"] == "single" and single["help_text"] == "Un seul choix" and single["required"]
    assert [(c["label"], c["is_other"]) for c in single["choices"]] == [
        ("Oui", False),
        ("Non", False),
        ("Autre (précisez)", True),
    ]
    assert single["choices"][0]["thumbnail"] is None and single["condition"] is None
    assert questions[rich.q["multiple"].pk]["max_choices"] == 2
    assert (questions[rich.q["rating"].pk]["min_value"], questions[rich.q["rating"].pk]["max_value"]) == (1, 5)
    assert (questions[rich.q["nps"].pk]["min_value"], questions[rich.q["nps"].pk]["max_value"]) == (0, 10)
    assert (questions[rich.q["number"].pk]["min_value"], questions[rich.q["number"].pk]["max_value"]) == (0, 120)
    assert questions[rich.q["free_number"].pk]["min_value"] is None
    likert = questions[rich.q["likert"].pk]
    assert [row["id"] for row in likert["rows"]] == [row.pk for row in rich.rows] and len(likert["choices"]) == 3
    assert questions[rich.q["short"].pk]["max_length"] == 200  # a short text's own limit
    why = questions[rich.q["why"].pk]
    assert why["max_length"] == 300 and questions[rich.q["rating"].pk]["max_length"] is None
    assert why["condition"] == {"question": rich.q["single"].pk, "choice": rich.c["single"][1].pk}
    assert [q["id"] for q in body["pages"][1]["questions"]][0] == rich.q["ranking"].pk


def test_a_survey_costs_the_same_queries_for_1_and_20_questions(api, member):
    small, answers = _survey(questions=1)
    big, big_answers = _survey(questions=20, pages=4)
    for survey, given in ((small, answers), (big, big_answers)):
        Draft.objects.create(member=member, survey=survey, answers=given, page=1)
    one = _queries(lambda: api.get(f"/api/v1/surveys/{small.pk}/"))
    twenty = _queries(lambda: api.get(f"/api/v1/surveys/{big.pk}/"))
    assert one == twenty <= 8
    assert len(api.get(f"/api/v1/surveys/{big.pk}/").json()["draft"]["answers"]) == 20


@pytest.mark.parametrize(("shift", "state"), [(timedelta(days=30), "upcoming"), (timedelta(days=-30), "closed")])
def test_a_survey_not_open_is_readable_with_its_state_its_questions_only_once_open(api, shift, state):
    survey, _answers = _survey(questions=3, pages=2)
    Survey.objects.filter(pk=survey.pk).update(opens_at=survey.opens_at + shift, closes_at=survey.closes_at + shift)
    body = api.get(f"/api/v1/surveys/{survey.pk}/").json()
    assert body["state"] == state and body["page_count"] == 2
    shown = sum(len(page["questions"]) for page in body["pages"])
    assert shown == (0 if state == "upcoming" else 3)


def test_an_answered_survey_says_so(api, member):
    survey, answers = _survey()
    submission_create(member=member, survey=survey, answers=answers)
    body = api.get(f"/api/v1/surveys/{survey.pk}/").json()
    assert body["state"] == "answered" and body["answered"] and body["draft"] is None


@pytest.mark.parametrize("address", ["999999", "99999999999999999999999", "abc", "١٢", "-1"])
def test_an_unknown_survey_is_a_json_404(api, address):
    response = api.get(f"/api/v1/surveys/{address}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_survey_for_other_members_and_a_poll_are_404_under_surveys(api, member):
    fans, answers = _survey(audience=Survey.Audience.MUSEUM_FANS)
    fans.audience_museums.add(MuseumFactory())
    poll, _question, _choices = _poll()
    for survey in (fans, poll):
        assert api.get(f"/api/v1/surveys/{survey.pk}/").json()["code"] == "not_found"
        refused = api.post(f"/api/v1/surveys/{survey.pk}/responses/", {"answers": answers}, format="json")
        assert refused.status_code == 404 and refused.json()["code"] == "not_found"
        assert api.put(f"/api/v1/surveys/{survey.pk}/draft/", {"answers": {}}, format="json").status_code == 404
    assert _nothing_written(member) and not Draft.objects.exists()


def test_a_survey_for_my_favourite_museum_is_mine(api, member):
    museum = MuseumFactory()
    member.favourite_museum = museum
    member.save(update_fields=["favourite_museum"])
    fans, answers = _survey(audience=Survey.Audience.MUSEUM_FANS)
    fans.audience_museums.add(museum, MuseumFactory())
    assert [item["id"] for item in api.get("/api/v1/surveys/").json()["results"]] == [fans.pk]
    assert api.post(f"/api/v1/surveys/{fans.pk}/responses/", {"answers": answers}, format="json").status_code == 201


def test_visitors_get_401_everywhere():
    survey, answers = _survey()
    poll, _question, choices = _poll()
    client = APIClient()
    calls = [
        client.get("/api/v1/surveys/"),
        client.get(f"/api/v1/surveys/{survey.pk}/"),
        client.put(f"/api/v1/surveys/{survey.pk}/draft/", {"answers": {}}, format="json"),
        client.delete(f"/api/v1/surveys/{survey.pk}/draft/"),
        client.post(f"/api/v1/surveys/{survey.pk}/responses/", {"answers": answers}, format="json"),
        client.get("/api/v1/polls/"),
        client.get(f"/api/v1/polls/{poll.pk}/"),
        client.post(f"/api/v1/polls/{poll.pk}/votes/", {"choice": choices[0].pk}, format="json"),
    ]
    assert {(r.status_code, r.json()["code"]) for r in calls} == {(401, "not_authenticated")}
    assert not Participation.objects.exists() and not Draft.objects.exists()


def test_every_address_describes_itself_to_options(api):
    survey, _answers = _survey()
    poll, _question, _choices = _poll()
    addresses = ["/api/v1/surveys/", f"/api/v1/surveys/{survey.pk}/", f"/api/v1/surveys/{survey.pk}/draft/"]
    addresses += [f"/api/v1/surveys/{survey.pk}/responses/", "/api/v1/polls/", f"/api/v1/polls/{poll.pk}/votes/"]
    for address in addresses + ["/api/v1/surveys/0/responses/", "/api/v1/polls/0/votes/"]:
        response = api.options(address)
        assert response.status_code == 200, (address, response.content[:200])
    assert "answers" in api.options(addresses[3]).json()["actions"]["POST"]


# --- Drafts ------------------------------------------------------------------------------------------------------


def test_a_draft_is_saved_resumed_and_discarded(api, member):
    rich = Rich()
    partial = {rich.key("single"): rich.c["single"][1].pk, rich.key("why"): "Trop de texte"}
    saved = api.put(f"/api/v1/surveys/{rich.survey.pk}/draft/", {"answers": partial, "page": 2}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["answers"] == partial and saved.json()["page"] == 2
    body = api.get(f"/api/v1/surveys/{rich.survey.pk}/").json()
    assert body["has_draft"] and body["draft"]["answers"] == partial and body["draft"]["page"] == 2
    beyond = api.put(f"/api/v1/surveys/{rich.survey.pk}/draft/", {"answers": partial, "page": 90}, format="json")
    assert beyond.json()["page"] == 2  # kept within the survey's pages
    assert api.delete(f"/api/v1/surveys/{rich.survey.pk}/draft/").status_code == 204
    assert not Draft.objects.filter(member=member).exists()
    assert api.get(f"/api/v1/surveys/{rich.survey.pk}/").json()["draft"] is None
    assert api.delete(f"/api/v1/surveys/{rich.survey.pk}/draft/").status_code == 204


def test_drafts_are_each_members_own(api, member):
    survey, answers = _survey(questions=2)
    other = MemberFactory()
    theirs = Draft.objects.create(member=other, survey=survey, answers={"secret": 1}, page=1)
    body = api.get(f"/api/v1/surveys/{survey.pk}/").json()
    assert body["draft"] is None and not body["has_draft"]
    api.put(f"/api/v1/surveys/{survey.pk}/draft/", {"answers": answers}, format="json")
    api.delete(f"/api/v1/surveys/{survey.pk}/draft/")
    theirs.refresh_from_db()
    assert theirs.answers == {"secret": 1}
    # My response does not take their draft along, nor does it answer for them.
    assert api.post(f"/api/v1/surveys/{survey.pk}/responses/", {"answers": answers}, format="json").status_code == 201
    assert Draft.objects.filter(member=other).exists() and not Participation.objects.filter(member=other).exists()


@pytest.mark.parametrize(
    ("body", "status", "code", "where"),
    [
        ({"answers": {"999999": 1}}, 400, "answers_invalid", "999999"),
        ({"answers": {str(n): 1 for n in range(10_000)}}, 400, "answers_invalid", "answers"),
        ({"answers": []}, 400, "invalid", "answers"),
        ({"answers": "oui"}, 400, "invalid", "answers"),
        ({}, 400, "invalid", "answers"),
        ({"answers": {}, "page": "deux"}, 400, "invalid", "page"),
        ({"answers": {}, "page": 10**30}, 400, "invalid", "page"),
        ({"answers": {"QUESTION": "a\x00b"}}, 400, "answers_invalid", "QUESTION"),
        ({"answers": {"QUESTION": [[[["trop profond"]]]]}}, 400, "answers_invalid", "QUESTION"),
        ({"answers": {"QUESTION": 10**40}}, 400, "answers_invalid", "QUESTION"),
    ],
)
def test_a_draft_refuses_bad_input_and_keeps_nothing(api, member, body, status, code, where):
    survey, answers = _survey()
    key = next(iter(answers))
    body = json.loads(json.dumps(body).replace("QUESTION", key))
    response = api.put(f"/api/v1/surveys/{survey.pk}/draft/", body, format="json")
    assert response.status_code == status and response.json()["code"] == code, response.json()
    details = response.json()["details"]
    assert where.replace("QUESTION", key) in (details.get("errors", details))
    assert not Draft.objects.exists()


@pytest.mark.parametrize(
    ("shift", "code"), [(timedelta(days=-30), "survey_closed"), (timedelta(days=30), "survey_not_yet_open")]
)
def test_a_draft_of_a_survey_not_open_is_refused(api, shift, code):
    survey, answers = _survey()
    Survey.objects.filter(pk=survey.pk).update(opens_at=survey.opens_at + shift, closes_at=survey.closes_at + shift)
    response = api.put(f"/api/v1/surveys/{survey.pk}/draft/", {"answers": answers}, format="json")
    assert response.status_code == 409 and response.json()["code"] == code
    assert not Draft.objects.exists()


def test_a_draft_of_an_answered_survey_is_refused(api, member):
    survey, answers = _survey()
    submission_create(member=member, survey=survey, answers=answers)
    response = api.put(f"/api/v1/surveys/{survey.pk}/draft/", {"answers": answers}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "already_answered"
    assert not Draft.objects.exists()


# --- Responses ---------------------------------------------------------------------------------------------------


def test_a_response_is_stored_paid_once_and_its_draft_removed(api, member, ledger_is_consistent):
    rich = Rich()
    Draft.objects.create(member=member, survey=rich.survey, answers={}, page=2)
    response = api.post(f"/api/v1/surveys/{rich.survey.pk}/responses/", {"answers": rich.answers()}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {"points": 40, "balance": 40, "capped": False}
    submission = Submission.objects.get(survey=rich.survey)
    assert submission.member == member and not Draft.objects.exists()
    # single 1, multiple 2, rating, nps, likert 2, ranking 3, number, date, short: 13 rows
    assert submission.answers.count() == 13
    assert submission.answers.get(question=rich.q["date"]).date.isoformat() == "2026-05-01"
    again = api.post(f"/api/v1/surveys/{rich.survey.pk}/responses/", {"answers": rich.answers()}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_answered"
    assert Submission.objects.count() == 1 and balance_of(member=member) == 40
    ledger_is_consistent()


def test_a_shown_condition_asks_for_its_answer_and_an_other_choice_for_its_text(api, member):
    rich = Rich()
    other = {"choice": rich.c["single"][2].pk, "other": "Les deux"}
    accepted = api.post(
        f"/api/v1/surveys/{rich.survey.pk}/responses/",
        {"answers": rich.answers(single=rich.c["single"][1].pk, why="Trop de mots savants.", dropdown=other["choice"])},
        format="json",
    )
    # The dropdown is given another question's choice: refused, nothing stored.
    assert accepted.status_code == 400 and set(accepted.json()["details"]["errors"]) == {rich.key("dropdown")}
    accepted = api.post(
        f"/api/v1/surveys/{rich.survey.pk}/responses/",
        {"answers": rich.answers(single=other)},
        format="json",
    )
    assert accepted.status_code == 201, accepted.json()
    assert Answer.objects.get(question=rich.q["single"]).text == "Les deux"


def _bad_answers(rich: Rich) -> dict:
    c, rows = rich.c, rich.rows
    return {
        "missing required": ("rating", {"rating": _DROP}),
        "choice of another question": ("single", {"single": c["multiple"][0].pk}),
        "choice not an integer": ("single", {"single": "oui"}),
        "choice a float": ("single", {"single": 1.5}),
        "choice a boolean": ("single", {"single": True}),
        "choice a huge integer": ("single", {"single": 10**30}),
        "other without its text": ("single", {"single": c["single"][2].pk}),
        "text on a plain choice": ("single", {"single": {"choice": c["single"][0].pk, "other": "x"}}),
        "too many choices": ("multiple", {"multiple": [choice.pk for choice in c["multiple"]]}),
        "same choice twice": ("multiple", {"multiple": [c["multiple"][0].pk, c["multiple"][0].pk]}),
        "multiple not a list": ("multiple", {"multiple": c["multiple"][0].pk}),
        "rating above 5": ("rating", {"rating": 6}),
        "rating below 1": ("rating", {"rating": 0}),
        "nps above 10": ("nps", {"nps": 11}),
        "nps negative": ("nps", {"nps": -1}),
        "likert row of another question": ("likert", {"likert": {"999999": c["likert"][0].pk}}),
        "likert row missing": ("likert", {"likert": {str(rows[0].pk): c["likert"][0].pk}}),
        "likert not an object": ("likert", {"likert": [c["likert"][0].pk]}),
        "ranking with a duplicate": ("ranking", {"ranking": [c["ranking"][0].pk] * 3}),
        "ranking with a gap": ("ranking", {"ranking": [c["ranking"][0].pk, c["ranking"][1].pk]}),
        "number above its maximum": ("number", {"number": 121}),
        "number below its minimum": ("number", {"number": -1}),
        "number beyond the database": ("free_number", {"free_number": 2**31}),
        "number not a number": ("number", {"number": "trente"}),
        "date not a date": ("date", {"date": "2026-02-30"}),
        "date not text": ("date", {"date": {"jour": 1}}),
        "hidden question answered": ("why", {"why": "Je réponds quand même."}),
        "text beyond its limit": ("short", {"short": "x" * 201}),
        "text with a NUL": ("short", {"short": "avant\x00après"}),
        "text not text": ("short", {"short": ["liste"]}),
        "nested garbage": ("short", {"short": {"a": {"b": {"c": {"d": 1}}}}}),
        "a very long list": ("multiple", {"multiple": list(range(1, 2000))}),
    }


BAD_ANSWERS = [
    "missing required", "choice of another question", "choice not an integer", "choice a float",
    "choice a boolean", "choice a huge integer", "other without its text", "text on a plain choice",
    "too many choices", "same choice twice", "multiple not a list", "rating above 5", "rating below 1",
    "nps above 10", "nps negative", "likert row of another question", "likert row missing",
    "likert not an object", "ranking with a duplicate", "ranking with a gap", "number above its maximum",
    "number below its minimum", "number beyond the database", "number not a number", "date not a date",
    "date not text", "hidden question answered", "text beyond its limit", "text with a NUL", "text not text",
    "nested garbage", "a very long list",
]  # fmt: skip


@pytest.mark.parametrize("case", BAD_ANSWERS)
def test_a_bad_answer_is_refused_per_question_and_nothing_is_stored_or_paid(api, member, case):
    rich = Rich()
    name, changes = _bad_answers(rich)[case]
    response = api.post(
        f"/api/v1/surveys/{rich.survey.pk}/responses/", {"answers": rich.answers(**changes)}, format="json"
    )
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "answers_invalid" and set(body) == {"code", "message", "details"}
    assert set(body["details"]["errors"]) == {rich.key(name)}, body
    assert _nothing_written(member)


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "code"),
    [
        (b'{"answers": {', "application/json", 400, "parse_error"),
        (b"[1, 2]", "application/json", 400, "invalid"),
        (b'"answers"', "application/json", 400, "invalid"),
        (b"null", "application/json", 400, "invalid"),
        (b'{"answers": [1]}', "application/json", 400, "invalid"),
        (b'{"answers": null}', "application/json", 400, "invalid"),
        (b'{"answers": {"1": NaN}}', "application/json", 400, "parse_error"),
        (b'{"answers": {"1": 1e400}}', "application/json", 400, "answers_invalid"),
        (b'{"answers": ' + b"[" * 5000 + b"]" * 5000 + b"}", "application/json", 400, "parse_error"),
        (b"answers=1", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b'{"answers": {"\\ud800": 1}}', "application/json", 400, "answers_invalid"),
        (b'{"answers": {"1": "\\udfff"}}', "application/json", 400, "answers_invalid"),
        (b'{"answers": {"1": "' + b"x" * 1_000_001 + b'"}}', "application/json", 413, "request_too_large"),
    ],
)
def test_a_body_that_is_not_a_response_is_refused_with_a_stable_code(api, member, raw, content_type, status, code):
    survey, _answers = _survey()
    for key in (None, "cle-corps"):
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        response = api.generic(
            "POST", f"/api/v1/surveys/{survey.pk}/responses/", raw, content_type=content_type, **headers
        )
        assert response.status_code == status and response.json()["code"] == code, response.content[:300]
    assert _nothing_written(member)


def test_ten_thousand_answers_are_refused_before_the_survey_is_read(api, member):
    survey, _answers = _survey()
    answers = {str(n): 1 for n in range(10_000)}
    with CaptureQueriesContext(connection) as queries:
        response = api.post(f"/api/v1/surveys/{survey.pk}/responses/", {"answers": answers}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "answers_invalid"
    assert set(response.json()["details"]["errors"]) == {"answers"}
    assert not [q for q in queries if "surveys_question" in q["sql"]]
    assert _nothing_written(member)


@pytest.mark.parametrize(
    ("shift", "code"), [(timedelta(days=-30), "survey_closed"), (timedelta(days=30), "survey_not_yet_open")]
)
def test_a_response_to_a_survey_not_open_is_refused(api, member, shift, code):
    survey, answers = _survey()
    Survey.objects.filter(pk=survey.pk).update(opens_at=survey.opens_at + shift, closes_at=survey.closes_at + shift)
    response = api.post(f"/api/v1/surveys/{survey.pk}/responses/", {"answers": answers}, format="json")
    assert response.status_code == 409 and response.json()["code"] == code
    assert _nothing_written(member)


def test_the_days_cap_is_said_and_nothing_is_paid_beyond_it(api, member):
    statuses = []
    for n in range(4):
        survey, answers = _survey(slug=f"jour-{n}")
        statuses.append(api.post(f"/api/v1/surveys/{survey.pk}/responses/", {"answers": answers}, format="json").json())
    assert statuses[-1] == {"points": 0, "balance": 120, "capped": True}  # the survey rule: 3 a day
    assert [s["capped"] for s in statuses[:3]] == [False] * 3
    assert Participation.objects.filter(member=member).count() == 4


def test_storing_a_response_costs_the_same_queries_for_1_and_20_questions(member):
    small, small_answers = _survey(questions=1)
    big, big_answers = _survey(questions=20, pages=4)
    counts = []
    for survey, answers in ((small, small_answers), (big, big_answers)):
        client = _client(MemberFactory())
        url = f"/api/v1/surveys/{survey.pk}/responses/"
        counts.append(_queries(lambda: client.post(url, {"answers": answers}, format="json")))  # noqa: B023
    assert counts[0] == counts[1]
    assert Answer.objects.filter(submission__survey=big).count() == 20


# --- Idempotency --------------------------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_replays_the_answer_and_stores_nothing_twice(api, member, ledger_is_consistent):
    survey, answers = _survey(questions=3)
    url = f"/api/v1/surveys/{survey.pk}/responses/"
    first = api.post(url, {"answers": answers}, format="json", HTTP_IDEMPOTENCY_KEY="envoi-1")
    replay = api.post(url, {"answers": answers}, format="json", HTTP_IDEMPOTENCY_KEY="envoi-1")
    assert first.status_code == replay.status_code == 201 and replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Submission.objects.count() == 1 and Answer.objects.count() == 3 and balance_of(member=member) == 40
    other = {key: value + 1 for key, value in answers.items()}  # the "Non" choices
    reused = api.post(url, {"answers": other}, format="json", HTTP_IDEMPOTENCY_KEY="envoi-1")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    ledger_is_consistent()


def _answer_found_in_fingerprint(record: IdempotencyKey, url: str, question: Question) -> int | None:
    """Who holds the database tries every possible answer against the key's stored fingerprint."""
    for choice in question.choices.all():
        candidate = json.dumps({"answers": {str(question.pk): choice.pk}}, sort_keys=True)
        if hashlib.sha256(f"POST {url}\n{candidate}".encode()).hexdigest() == record.fingerprint:
            return choice.pk
    return None


@pytest.mark.parametrize("anonymous", [True, False])
def test_an_anonymous_response_keeps_nothing_of_its_answers_with_the_key(api, member, anonymous):
    survey, answers = _survey(anonymous=anonymous)
    question = Question.objects.get(page__survey=survey)
    url = f"/api/v1/surveys/{survey.pk}/responses/"
    answers = {str(question.pk): answers[str(question.pk)] + 1}  # "Non"
    response = api.post(url, {"answers": answers}, format="json", HTTP_IDEMPOTENCY_KEY="cle-1")
    assert response.status_code == 201, response.json()
    record = IdempotencyKey.objects.get(member=member)
    assert record.response_body == {"points": 40, "balance": 40, "capped": False}
    found = _answer_found_in_fingerprint(record, url, question)
    if not anonymous:  # the control: the same attempt finds a named response's answer
        assert found == answers[str(question.pk)]
        return
    assert found is None
    assert PendingResponse.objects.count() == 1 and not Submission.objects.exists()  # written with others later
    replay = api.post(url, {"answers": answers}, format="json", HTTP_IDEMPOTENCY_KEY="cle-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert PendingResponse.objects.count() == 1 and Participation.objects.count() == 1


def test_an_anonymous_response_refused_for_its_answers_stores_no_key(api, member):
    survey, answers = _survey(anonymous=True, questions=2)
    bad = dict.fromkeys(answers, 999999)
    url = f"/api/v1/surveys/{survey.pk}/responses/"
    response = api.post(url, {"answers": bad}, format="json", HTTP_IDEMPOTENCY_KEY="anonyme-refus")
    assert response.status_code == 400 and set(response.json()["details"]["errors"]) == set(answers)
    assert not IdempotencyKey.objects.exists() and _nothing_written(member)
    fixed = api.post(url, {"answers": answers}, format="json", HTTP_IDEMPOTENCY_KEY="anonyme-refus")
    assert fixed.status_code == 201


def test_a_named_response_refused_is_replayed_with_its_key(api, member):
    survey, answers = _survey(questions=2)
    url = f"/api/v1/surveys/{survey.pk}/responses/"
    bad = dict.fromkeys(answers, 999999)
    first = api.post(url, {"answers": bad}, format="json", HTTP_IDEMPOTENCY_KEY="refus")
    again = api.post(url, {"answers": bad}, format="json", HTTP_IDEMPOTENCY_KEY="refus")
    assert first.status_code == again.status_code == 400 and again["Idempotent-Replayed"] == "true"
    assert _nothing_written(member)


@pytest.mark.django_db(transaction=True)
def test_anonymous_responses_through_the_key_commit_sealed_and_are_written_later_once():
    """The key's durable transaction holds the member's half (sealed answers); the job writes them, once."""
    earning_rules_ensure_defaults()  # a transactional test starts from empty tables
    survey, answers = _survey(anonymous=True, questions=2)
    url = f"/api/v1/surveys/{survey.pk}/responses/"
    clients = [_client(MemberFactory()) for _ in range(2 * ANONYMITY_BATCH)]
    for n, client in enumerate(clients):
        response = client.post(url, {"answers": answers}, format="json", HTTP_IDEMPOTENCY_KEY=f"k-{n}")
        assert response.status_code == 201, response.json()
    assert PendingResponse.objects.count() == 2 * ANONYMITY_BATCH and not Submission.objects.exists()
    assert anonymous_responses_flush_due() == ANONYMITY_BATCH  # all but five, in one transaction of their own
    assert not Submission.objects.filter(member__isnull=False).exists()
    for n, client in enumerate(clients):
        replay = client.post(url, {"answers": answers}, format="json", HTTP_IDEMPOTENCY_KEY=f"k-{n}")
        assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert Participation.objects.count() == LedgerEntry.objects.count() == 2 * ANONYMITY_BATCH
    assert Submission.objects.count() == PendingResponse.objects.count() == ANONYMITY_BATCH
    assert Answer.objects.count() == 2 * ANONYMITY_BATCH
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT xmin::text FROM surveys_submission")
            batch = {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT DISTINCT xmin::text FROM core_idempotencykey")
            keys = {row[0] for row in cursor.fetchall()}
        assert len(batch) == 1 and not batch & keys


# --- Polls -------------------------------------------------------------------------------------------------------


def test_open_polls_are_listed_with_their_question_and_no_results_before_voting(api):
    poll, question, choices = _poll(points=15)
    _poll(slug="fini", opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1))
    _survey(slug="une-enquete")
    body = api.get("/api/v1/polls/").json()
    assert body["count"] == 1
    listed = body["results"][0]
    assert listed["id"] == poll.pk and listed["points"] == 15 and listed["state"] == "open"
    assert listed["question"]["id"] == question.pk and [c["id"] for c in listed["question"]["choices"]] == [
        choice.pk for choice in choices
    ]
    assert listed["results"] is None and listed["results_shown"] == "live"


def test_a_vote_pays_and_shows_the_live_results(api, member):
    poll, _question, choices = _poll()
    for other in range(3):
        submission_create(member=MemberFactory(), survey=poll, answers={str(_question.pk): choices[other % 2].pk})
    response = api.post(f"/api/v1/polls/{poll.pk}/votes/", {"choice": choices[1].pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["points"], body["balance"], body["capped"]) == (10, 10, False)
    assert body["results"]["votes"] == 4
    assert [(bar["label"], bar["count"], bar["percent"]) for bar in body["results"]["bars"]] == [
        ("Thème 1", 2, 50),
        ("Thème 2", 2, 50),
        ("Thème 3", 0, 0),
    ]
    shown = api.get(f"/api/v1/polls/{poll.pk}/").json()
    assert shown["state"] == "answered" and shown["results"] == body["results"]
    twice = api.post(f"/api/v1/polls/{poll.pk}/votes/", {"choice": choices[0].pk}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "already_answered"


def test_results_after_the_close_stay_hidden_until_then(api):
    poll, _question, choices = _poll(results=Survey.Results.AFTER_CLOSE)
    voted = api.post(f"/api/v1/polls/{poll.pk}/votes/", {"choice": choices[0].pk}, format="json").json()
    assert voted["results"] is None and api.get(f"/api/v1/polls/{poll.pk}/").json()["results"] is None
    Survey.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    closed = api.get(f"/api/v1/polls/{poll.pk}/").json()
    assert closed["results"]["votes"] == 1 and closed["results"]["bars"][0]["count"] == 1


def test_an_anonymous_vote_answers_without_results_and_keeps_no_vote_with_the_key(api, member):
    poll, _question, choices = _poll(anonymous=True)
    url = f"/api/v1/polls/{poll.pk}/votes/"
    response = api.post(url, {"choice": choices[0].pk}, format="json", HTTP_IDEMPOTENCY_KEY="vote")
    assert response.status_code == 201 and response.json()["results"] is None
    record = IdempotencyKey.objects.get(member=member)
    assert record.response_body == {"points": 10, "balance": 10, "capped": False, "results": None}
    for choice in choices:
        candidate = json.dumps({"choice": choice.pk}, sort_keys=True)
        assert hashlib.sha256(f"POST {url}\n{candidate}".encode()).hexdigest() != record.fingerprint


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"choice": "un"}, "invalid"),
        ({"choice": 1.5}, "invalid"),
        ({"choice": True}, "invalid"),
        ({"choice": 10**30}, "invalid"),
        ({"choice": -3}, "invalid"),
        ({}, "invalid"),
        ({"choice": "OWN", "answer": "OWN"}, "invalid"),
        ({"choice": "FOREIGN"}, "answers_invalid"),
        ({"answer": [[[["x"]]]]}, "answers_invalid"),
        ({"answer": "\x00"}, "answers_invalid"),
    ],
)
def test_a_bad_vote_is_refused_and_nothing_is_stored(api, member, body, code):
    poll, _question, choices = _poll()
    _other, _q, foreign = _poll(slug="autre")
    body = {key: choices[0].pk if v == "OWN" else foreign[0].pk if v == "FOREIGN" else v for key, v in body.items()}
    response = api.post(f"/api/v1/polls/{poll.pk}/votes/", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == code, response.json()
    assert _nothing_written(member)


def test_a_vote_may_be_given_as_an_answer_for_a_rating_poll(api):
    poll, _answers = _survey(kind=Survey.Kind.POLL, questions=0)
    Question.objects.create(page=poll.pages.get(), position=1, kind=Kind.RATING, text="Votre note ?")
    response = api.post(f"/api/v1/polls/{poll.pk}/votes/", {"answer": 5}, format="json")
    assert response.status_code == 201, response.json()
    assert [bar["count"] for bar in response.json()["results"]["bars"]] == [0, 0, 0, 0, 1]
    assert api.post(f"/api/v1/polls/{poll.pk}/votes/", {"answer": 6}, format="json").status_code == 409


def test_a_vote_on_a_closed_poll_is_refused(api, member):
    poll, _question, choices = _poll(opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now())
    response = api.post(f"/api/v1/polls/{poll.pk}/votes/", {"choice": choices[0].pk}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "survey_closed"
    assert _nothing_written(member)


def test_the_polls_list_costs_the_same_queries_for_1_and_20_polls(api, member):
    poll, question, choices = _poll(slug="p-0")
    submission_create(member=member, survey=poll, answers={str(question.pk): choices[0].pk})
    one = _queries(lambda: api.get("/api/v1/polls/"))
    for n in range(1, 20):
        poll, question, choices = _poll(slug=f"p-{n}")
        submission_create(member=member, survey=poll, answers={str(question.pk): choices[0].pk})
    body = api.get("/api/v1/polls/").json()
    assert body["count"] == 20 and all(item["results"]["votes"] == 1 for item in body["results"])
    assert _queries(lambda: api.get("/api/v1/polls/")) == one


def test_errors_speak_the_members_language(api, member):
    survey, answers = _survey()
    member.preferred_language = "en"
    member.save(update_fields=["preferred_language"])
    refused = api.post(f"/api/v1/surveys/{survey.pk}/responses/", {"answers": {"999999": 1}}, format="json").json()
    assert refused["message"] == "Some answers need another look."


# --- The schema ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return yaml.safe_load(Client().get("/api/schema/").content)


def _component(schema, operation, status):
    ref = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_the_schema_documents_every_survey_and_poll_operation_with_its_answer_and_errors(schema):
    paths = schema["paths"]
    expected = {
        ("/api/v1/surveys/", "get"): ("200", {"400", "401", "403", "404"}),
        ("/api/v1/surveys/{id}/", "get"): ("200", {"401", "403", "404"}),
        ("/api/v1/surveys/{id}/draft/", "put"): ("200", {"400", "401", "403", "404", "409", "413", "415"}),
        ("/api/v1/surveys/{id}/draft/", "delete"): ("204", {"401", "403", "404"}),
        ("/api/v1/surveys/{id}/responses/", "post"): (
            "201",
            {"400", "401", "403", "404", "409", "413", "415", "422", "503"},
        ),
        ("/api/v1/polls/", "get"): ("200", {"400", "401", "403", "404"}),
        ("/api/v1/polls/{id}/", "get"): ("200", {"401", "403", "404"}),
        ("/api/v1/polls/{id}/votes/", "post"): ("201", {"400", "401", "403", "404", "409", "413", "415", "422", "503"}),
    }
    for (path, method), (success, errors) in expected.items():
        responses = paths[path][method]["responses"]
        assert set(responses) == {success, "414"} | errors, (path, method, set(responses))
    assert "already_answered" in paths["/api/v1/surveys/{id}/responses/"]["post"]["responses"]["409"]["description"]
    outcome = _component(schema, paths["/api/v1/surveys/{id}/responses/"]["post"], "201")
    assert set(outcome["properties"]) == {"points", "balance", "capped"}
    detail = _component(schema, paths["/api/v1/surveys/{id}/"]["get"], "200")
    assert {"pages", "draft", "state", "page_count"} <= set(detail["properties"])
    page = _component(schema, paths["/api/v1/surveys/"]["get"], "200")
    assert {"count", "results"} <= set(page["properties"])
    idempotency = [p["name"] for p in paths["/api/v1/polls/{id}/votes/"]["post"]["parameters"]]
    assert "Idempotency-Key" in idempotency


@pytest.mark.parametrize("paid, balance, capped", [(40, 140, False), (0, 100, True)])
def test_the_written_out_outcome_is_what_its_serializer_documents(paid, balance, capped):
    from rewards.ledger.selectors import AwardOutcome
    from surveys.serializers import OutcomeSerializer, outcome_data

    outcome = AwardOutcome(
        action="survey_answered", label="Enquête", paid=paid, balance=balance, capped=capped, repeat=False,
        cap_count=3, cap_period="day",
    )  # fmt: skip
    assert outcome_data(outcome) == dict(OutcomeSerializer(outcome).data)
