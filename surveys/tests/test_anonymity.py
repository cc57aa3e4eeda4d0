"""Anonymous surveys against their threat: whoever holds a full database dump tries to join answers to members.

Members answer an anonymous survey (some through the API with an
`Idempotency-Key`, after saving a draft); each gives a secret word only the
test knows belongs to them. Then the test attacks with what a dump holds:
columns, ids, the order rows were written in, time stamps, PostgreSQL's
system columns (`xmin`), the ledger, the idempotency keys and every table's
text. Each attack that needs one has a control showing it does join a naive
write, so a pass means something.
"""

import hashlib
import json
import uuid
from datetime import timedelta

import pytest
from django.db import connection, models, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from club.core.models import IdempotencyKey
from club.members.models import Member
from club.members.tests.factories import MemberFactory
from rewards.ledger.models import Account, LedgerEntry
from rewards.ledger.services import earning_rules_ensure_defaults
from surveys.anonymity import ANONYMITY_BATCH, anonymous_responses_flush_due
from surveys.models import (
    Answer,
    Choice,
    Draft,
    Participation,
    PendingResponse,
    Question,
    ResponseCount,
    Submission,
    Survey,
    SurveyPage,
    Tally,
)
from surveys.services import draft_save, submission_create

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: the anonymous half is written after them

MEMBERS = 24  # batches of 5, 5 and 5 while open, then the 9 left when it closes
ANSWERS_TABLES = ("surveys_submission", "surveys_answer", "surveys_tally", "surveys_responsecount")


def _secret(member: Member) -> str:
    return f"mot-secret-{member.pk}-{uuid.uuid4().hex[:8]}"


class Scene:
    """An anonymous survey answered by MEMBERS members, in order; what only the test knows: who wrote what."""

    def __init__(self, *, api_every: int = 2, days_apart: bool = False, clock=None, anonymous: bool = True):
        earning_rules_ensure_defaults()  # a transactional test starts from empty tables
        now = timezone.now()
        self.survey = Survey.objects.create(
            slug="accueil-anonyme", title="L'accueil à la billetterie", anonymous=anonymous, points=20,
            opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=MEMBERS + 2),
        )  # fmt: skip
        page = SurveyPage.objects.create(survey=self.survey, position=1)
        self.pick = Question.objects.create(page=page, position=1, kind=Question.Kind.SINGLE, text="Attendu ?")
        self.choices = [Choice.objects.create(question=self.pick, position=n, label=f"C{n}") for n in (1, 2)]
        self.rating = Question.objects.create(page=page, position=2, kind=Question.Kind.RATING, text="Accueil ?")
        self.words = Question.objects.create(page=page, position=3, kind=Question.Kind.SHORT_TEXT, text="Un mot")
        self.members: list[Member] = []
        self.secret_of: dict[int, str] = {}  # member id → their secret word
        for n in range(MEMBERS):
            member = MemberFactory()
            answers = {
                str(self.pick.pk): self.choices[n % 2].pk,
                str(self.rating.pk): 1 + n % 5,
                str(self.words.pk): _secret(member),
            }
            draft_save(member=member, survey=self.survey, answers=answers)  # left and came back
            if api_every and n % api_every == 0:
                self._through_the_api(member, answers, key=f"cle-{n}")
            else:
                submission_create(member=member, survey=self.survey, answers=answers)  # autocommit: commits now
            anonymous_responses_flush_due()  # the periodic job runs between responses
            self.members.append(member)
            self.secret_of[member.pk] = answers[str(self.words.pk)]
            if days_apart:
                clock.shift(timedelta(days=1))
        self.pending_before_close = PendingResponse.objects.filter(survey=self.survey).count()
        anonymous_responses_flush_due(now=self.survey.closes_at + timedelta(minutes=10))  # the job, after closing

    def _through_the_api(self, member: Member, answers: dict, *, key: str) -> None:
        client = APIClient()
        client.force_authenticate(user=member)
        url = f"/api/v1/surveys/{self.survey.pk}/responses/"
        response = client.post(url, {"answers": answers}, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 201, response.json()

    def author_of(self) -> dict[uuid.UUID, int]:
        """The truth the attacker looks for: submission id → member id (from the secret words)."""
        member_of_secret = {secret: member_id for member_id, secret in self.secret_of.items()}
        return {
            answer.submission_id: member_of_secret[answer.text]
            for answer in Answer.objects.filter(question=self.words).only("submission_id", "text")
        }

    def answer_order(self) -> list[int]:
        return [member.pk for member in self.members]


def _correct_pairs(guess: dict, truth: dict) -> int:
    return sum(1 for submission_id, member_id in guess.items() if truth.get(submission_id) == member_id)


def _pairing_attack(submission_ids: list, member_ids: list[int]) -> dict:
    """The k-th submission (in some order) is taken for the k-th member to answer."""
    return dict(zip(submission_ids, member_ids, strict=False))


def _physical_order(table: str, where: str, params: list) -> list:
    """Rows in the order they lie on disk (PostgreSQL's ctid, SQLite's rowid): the order they were inserted."""
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE {where} ORDER BY {position}", params)  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _xmins(table: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text::bigint FROM {table}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


# --- The write ----------------------------------------------------------------------------------------------------


def test_every_response_is_written_once_and_paid_once_and_no_draft_survives():
    scene = Scene()
    assert scene.pending_before_close == 9  # 24 answers: batches of 5 at the 10th, 15th and 20th, 9 waiting
    assert not PendingResponse.objects.exists()
    truth = scene.author_of()
    assert sorted(truth.values()) == sorted(scene.answer_order())  # every member's answers, once
    assert Submission.objects.filter(survey=scene.survey).count() == MEMBERS
    assert Participation.objects.filter(survey=scene.survey).count() == MEMBERS
    assert not Draft.objects.filter(survey=scene.survey).exists()
    assert sum(ResponseCount.objects.filter(survey=scene.survey).values_list("count", flat=True)) == MEMBERS


# --- Columns ------------------------------------------------------------------------------------------------------


def test_no_column_of_the_answers_or_their_counters_points_to_a_member_or_a_participation():
    scene = Scene()
    personal = {Member._meta.db_table, Participation._meta.db_table, LedgerEntry._meta.db_table}
    with connection.cursor() as cursor:
        for table in ANSWERS_TABLES:
            for column, (_target_column, target) in connection.introspection.get_relations(cursor, table).items():
                if target in personal:
                    # Only the submission's member, for named surveys: empty here.
                    assert (table, column) == ("surveys_submission", "member_id")
        participation_targets = {
            target
            for _column, target in connection.introspection.get_relations(cursor, "surveys_participation").values()
        }
    assert not participation_targets & set(ANSWERS_TABLES)
    assert {f.name for f in Participation._meta.concrete_fields} == {"id", "member", "survey", "answered_on"}
    submissions = Submission.objects.filter(survey=scene.survey)
    assert not submissions.filter(member__isnull=False).exists()
    assert (
        not submissions.filter(favourite_museum__isnull=False).exists()
        and not submissions.exclude(language="").exists()
    )
    assert set(Tally.objects.filter(survey=scene.survey).values_list("museum", "language")) == {(0, "")}
    assert set(ResponseCount.objects.filter(survey=scene.survey).values_list("museum", "language")) == {(0, "")}


def test_no_time_stamp_finer_than_the_day_is_kept_with_the_answers():
    Scene(api_every=0)
    for model in (Submission, Answer, Tally, ResponseCount, PendingResponse):
        fine = [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField | models.TimeField)]
        assert not fine, f"{model.__name__} keeps {fine}"
    if connection.vendor == "postgresql":  # and the database agrees (no column added behind the models' back)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_name = ANY(%s) "
                "AND (data_type LIKE 'timestamp%%' OR data_type LIKE 'time %%' OR data_type = 'interval')",
                [[*ANSWERS_TABLES, "surveys_pendingresponse"]],
            )
            assert cursor.fetchall() == []


# --- Ids and order ------------------------------------------------------------------------------------------------


def test_ids_are_random_and_neither_their_order_nor_the_disk_order_follows_who_answered_when():
    scene = Scene()
    truth = scene.author_of()
    order = scene.answer_order()
    submissions = Submission.objects.filter(survey=scene.survey)
    ids = list(submissions.order_by("id").values_list("id", flat=True))
    assert {_uuid(i).version for i in ids} == {4}
    assert {_uuid(i).version for i in Answer.objects.values_list("id", flat=True)} == {4}
    by_id = _pairing_attack(ids, order)
    by_disk = _pairing_attack(
        [_uuid(i) for i in _physical_order("surveys_submission", "survey_id = %s", [scene.survey.pk])], order
    )
    # Chance level: about 1 right for random ids, about 2 for the disk order (batches of 5 drawn among 10,
    # shuffled); 12 or more right has a probability below 1 in 100,000 (simulated).
    assert _correct_pairs(by_id, truth) < MEMBERS // 2
    assert _correct_pairs(by_disk, truth) < MEMBERS // 2
    # Neither is the order written: the secret words of answer rows on disk do not follow the members either.
    words = _physical_order("surveys_answer", "question_id = %s", [scene.words.pk])
    text_of = dict(Answer.objects.filter(question=scene.words).values_list("id", "text"))
    secret_order = [text_of[_uuid(i)] for i in words]
    assert secret_order != [scene.secret_of[m] for m in order]


def test_control_the_pairing_attack_joins_a_naive_write_completely():
    """Written one response at a time with a sequential id, the same attack finds everyone."""
    earning_rules_ensure_defaults()
    survey = Survey.objects.create(
        slug="naif", title="Naïf", anonymous=True, opens_at=timezone.now(), closes_at=timezone.now() + timedelta(days=1)
    )
    members = [MemberFactory() for _ in range(MEMBERS)]
    truth = {}
    for member in members:
        with transaction.atomic():
            Participation.objects.create(member=member, survey=survey, answered_on=timezone.localdate())
        with transaction.atomic():
            submission = Submission.objects.create(survey=survey, submitted_on=timezone.localdate())
        truth[submission.pk] = member.pk
    disk = [_uuid(i) for i in _physical_order("surveys_submission", "survey_id = %s", [survey.pk])]
    assert _correct_pairs(_pairing_attack(disk, [m.pk for m in members]), truth) == MEMBERS


# --- System columns (PostgreSQL) ----------------------------------------------------------------------------------


def _xmin_attack(survey: Survey) -> dict:
    """Each submission is taken for the last participation written before it (by transaction id)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT member_id, xmin::text::bigint FROM surveys_participation WHERE survey_id = %s", [survey.pk]
        )
        participations = sorted(cursor.fetchall(), key=lambda row: row[1])
        cursor.execute("SELECT id, xmin::text::bigint FROM surveys_submission WHERE survey_id = %s", [survey.pk])
        submissions = cursor.fetchall()
    guess = {}
    for submission_id, xmin in submissions:
        before = [member_id for member_id, p_xmin in participations if p_xmin < xmin]
        if before:
            guess[_uuid(submission_id)] = before[-1]
    return guess


@pytest.mark.postgres
def test_no_transaction_id_joins_the_answers_to_the_members_records():
    if connection.vendor != "postgresql":
        pytest.skip("xmin is PostgreSQL's")
    scene = Scene()
    member_side = {
        xmin
        for model in (Participation, LedgerEntry, Account, IdempotencyKey, Member)
        for xmin in _xmins(model._meta.db_table)
    }
    submissions = _xmins("surveys_submission")
    for table in ANSWERS_TABLES:
        assert not set(_xmins(table)) & member_side, f"{table} shares a transaction with a member's records"
    # Every transaction that wrote answers wrote at least ANONYMITY_BATCH responses.
    per_transaction = {xmin: submissions.count(xmin) for xmin in set(submissions)}
    assert min(per_transaction.values()) >= ANONYMITY_BATCH, per_transaction
    assert set(_xmins("surveys_answer")) <= set(per_transaction)
    # "The last participation before the submission" finds at most one per batch (the member whose commit
    # set the batch off, when the draw took their response: a one-in-two chance, among five or more).
    truth = scene.author_of()
    correct = _correct_pairs(_xmin_attack(scene.survey), truth)
    participations = sorted(_xmins("surveys_participation"))
    gaps = [xmin - max(p for p in participations if p < xmin) for xmin in sorted(per_transaction)]
    print(f"batches {sorted(per_transaction.values())}, xmin after the last participation +{gaps}, joined {correct}")  # noqa: T201
    assert correct <= len(per_transaction)


@pytest.mark.postgres
def test_control_transaction_ids_join_answers_written_right_after_the_participation():
    """Why the answers wait for a batch: on a quiet database the next transaction id is the submission's."""
    if connection.vendor != "postgresql":
        pytest.skip("xmin is PostgreSQL's")
    earning_rules_ensure_defaults()
    survey = Survey.objects.create(
        slug="naif", title="Naïf", anonymous=True, opens_at=timezone.now(), closes_at=timezone.now() + timedelta(days=1)
    )
    truth, gaps = {}, []
    for _ in range(MEMBERS):
        member = MemberFactory()
        with transaction.atomic():  # the member's half, then the answers' half in a transaction of its own
            participation = Participation.objects.create(member=member, survey=survey, answered_on=timezone.localdate())
        with transaction.atomic():
            submission = Submission.objects.create(survey=survey, submitted_on=timezone.localdate())
        truth[submission.pk] = member.pk
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT xmin::text::bigint FROM surveys_submission WHERE id = %s) "
                "- (SELECT xmin::text::bigint FROM surveys_participation WHERE id = %s)",
                [submission.pk, participation.pk],
            )
            gaps.append(cursor.fetchone()[0])
    # Ordering alone joins everyone, whatever else the cluster runs in between...
    assert _correct_pairs(_xmin_attack(survey), truth) == MEMBERS
    # ...and on this quiet test database the submission's id is mostly the participation's plus one.
    print(f"xmin gaps submission - participation: {sorted(gaps)}")  # noqa: T201 - the figure the README quotes
    assert all(gap >= 1 for gap in gaps)


# --- What else a dump holds ---------------------------------------------------------------------------------------


def test_the_ledger_points_to_participations_and_no_other_table_holds_an_answer():
    scene = Scene()
    entries = LedgerEntry.objects.filter(member__in=scene.members)
    participations = {p.reference for p in Participation.objects.filter(survey=scene.survey)}
    assert set(entries.values_list("reference", flat=True)) == participations
    submission_ids = {str(pk) for pk in Submission.objects.values_list("id", flat=True)}
    secrets = set(scene.secret_of.values())
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - every table of the dump
            dump = "\n".join(repr(row) for row in cursor.fetchall())
            if table != "surveys_answer":
                found = [secret for secret in secrets if secret in dump]
                assert not found, f"{table} holds answers: {found[:3]}"
            if table not in {"surveys_submission", "surveys_answer"}:
                assert not [pk for pk in submission_ids if pk in dump or pk.replace("-", "") in dump], table


def _fingerprint_of(survey: Survey, answers: dict) -> str:
    """What an attacker computes for a guessed body: the API's fingerprint formula, without a secret."""
    body = json.dumps({"answers": answers}, sort_keys=True)
    return hashlib.sha256(f"POST /api/v1/surveys/{survey.pk}/responses/\n{body}".encode()).hexdigest()


def _body_of(submission: Submission, scene) -> dict:
    """The body a member sent, rebuilt from their written answers (the order of keys does not matter)."""
    answers: dict = {}
    for answer in submission.answers.all():
        if answer.question_id == scene.pick.pk:
            answers[str(answer.question_id)] = answer.choice_id
        elif answer.question_id == scene.rating.pk:
            answers[str(answer.question_id)] = answer.number
        else:
            answers[str(answer.question_id)] = answer.text
    return answers


@pytest.mark.parametrize("anonymous", [True, False], ids=["anonymous", "control-named"])
def test_the_idempotency_keys_hold_no_answer_and_no_fingerprint_of_one(anonymous):
    """Every written response's body is rebuilt and hashed: no stored fingerprint matches (a named one's do)."""
    scene = Scene(api_every=2, anonymous=anonymous)
    keys = IdempotencyKey.objects.all()
    assert keys.count() == MEMBERS // 2
    fingerprints = set(keys.values_list("fingerprint", flat=True))
    rebuilt = {
        _fingerprint_of(scene.survey, _body_of(submission, scene))
        for submission in Submission.objects.filter(survey=scene.survey).prefetch_related("answers")
    }
    if not anonymous:  # the control: the attack finds every named response sent with a key
        assert len(fingerprints & rebuilt) == MEMBERS // 2
        return
    assert not fingerprints & rebuilt
    for body in keys.values_list("response_body", flat=True):
        assert set(body) == {"points", "balance", "capped"}


# --- The day ------------------------------------------------------------------------------------------------------


def test_a_day_with_a_single_response_does_not_give_it_away(clock):
    """Each member answers on a day of their own: the day of a submission must not single its author out."""
    scene = Scene(api_every=0, days_apart=True, clock=clock)
    answered_on = dict(Participation.objects.filter(survey=scene.survey).values_list("member_id", "answered_on"))
    members_of_day: dict = {}
    for member_id, day in answered_on.items():
        members_of_day.setdefault(day, []).append(member_id)
    submissions_of_day: dict = {}
    for submission_id, day in Submission.objects.filter(survey=scene.survey).values_list("id", "submitted_on"):
        submissions_of_day.setdefault(day, []).append(submission_id)
    # The attack: a submission alone on a day a single member answered is theirs.
    guess = {
        ids[0]: members_of_day[day][0]
        for day, ids in submissions_of_day.items()
        if len(ids) == 1 and len(members_of_day.get(day, [])) == 1
    }
    assert not guess and _correct_pairs(guess, scene.author_of()) == 0
    # Every day that carries answers carries a whole batch of them, in the submissions and in the counters.
    assert all(len(ids) >= ANONYMITY_BATCH for ids in submissions_of_day.values())
    by_counters = Tally.objects.filter(question=scene.words).values("day").annotate(n=models.Sum("count"))
    assert all(row["n"] >= ANONYMITY_BATCH for row in by_counters)
