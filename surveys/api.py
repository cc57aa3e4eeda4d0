"""The surveys and polls API under /api/v1/ (members: session or token): routes in `api_urls`, included by `club.urls`.

- `GET surveys/` the surveys open to me; `GET surveys/{id}/` one with its pages,
  questions, choices, conditions and my draft; `PUT|DELETE surveys/{id}/draft/`;
  `POST surveys/{id}/responses/` stores my response and pays its points.
- `GET polls/`, `GET polls/{id}/` with the results when they may be shown;
  `POST polls/{id}/votes/`.

A survey (or poll) that is not meant for me, by its audience, is a 404 like
one that does not exist. One that is closed, not open yet or answered is
readable with its `state`, except its questions, withheld until it opens
(staff may still be writing them). Writes go through `surveys.services`,
which check and refuse exactly as the pages do; bodies are checked for their
shape first (`surveys.serializers`) and are limited to `MAX_BODY_BYTES`.

Anonymous surveys: nothing of the answers is kept with the member's
`Idempotency-Key` — its stored answer holds the points and balance only, its
fingerprint leaves the answers out (`idempotency_fingerprint_data`; a hash of
a poll's vote would give the vote away to anyone trying each choice), and
the answers are checked before the key is claimed, so a refusal's details
(which question, why) are not stored either.
"""

from functools import wraps

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from club.core.api import IDEMPOTENCY_PARAMETER
from club.core.idempotency import idempotent
from club.core.parsers import SafeJSONParser
from club.core.schema import error_responses
from rewards.ledger.selectors import award_outcome
from surveys import services
from surveys.answers import AnswersInvalid, answer_rows, structure_of, survey_rules
from surveys.building import survey_state
from surveys.models import Draft, Participation, Question, Survey, SurveyPage
from surveys.polls import poll_cards
from surveys.selectors import survey_action, survey_points, surveys_meant_for, surveys_open_for
from surveys.serializers import (
    NO_QUESTION,
    DraftSerializer,
    DraftWriteSerializer,
    OutcomeSerializer,
    PollResultsSerializer,
    PollSerializer,
    ResponseWriteSerializer,
    SurveyDetailSerializer,
    SurveySummarySerializer,
    VoteOutcomeSerializer,
    VoteWriteSerializer,
    answers_screen,
    outcome_data,
)

_SURVEY_ROW = "SELECT * FROM surveys_survey WHERE id = %s AND kind = %s"  # a write's survey (fixed names)
MAX_BODY_BYTES = 1_000_000  # far above a real response (500 questions), far below what would tie up a worker
_MAX_ID = 2**63 - 1

_NOT_OPEN = "`survey_closed`, `survey_not_yet_open`, `already_answered`"
_ANSWERS_400 = (
    "`answers_invalid`: `details.errors` holds a message per question id (or under `answers`); "
    "`invalid` (see `details`), `parse_error`"
)
DRAFT_ERRORS = {
    400: _ANSWERS_400 + ".",
    403: "`permission_denied`; `survey_not_for_you` (the survey's audience changed).",
    409: _NOT_OPEN + ".",
    413: "`request_too_large`: a body over 1 MB.",
}
ANSWER_ERRORS = {
    **DRAFT_ERRORS,
    400: _ANSWERS_400 + ", `idempotency_key_invalid`.",
    409: _NOT_OPEN + ", `survey_changed` (its questions changed meanwhile: read it again), "
    "`idempotency_key_in_progress`.",
}


class RequestTooLarge(APIException):
    status_code = 413
    default_code = "request_too_large"
    default_detail = _("Cette requête est trop volumineuse.")


class BoundedJSONParser(SafeJSONParser):
    """JSON only, refused unread when it declares more than `MAX_BODY_BYTES`."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            raise RequestTooLarge()
        return super().parse(stream, media_type, parser_context)


def _meant_for(survey: Survey, member) -> bool:
    return surveys_meant_for(Survey.objects.filter(pk=survey.pk), member).exists()


def _state(survey: Survey, now) -> str:
    """`survey_state` (upcoming, open, closed), or "answered" once I have."""
    return "answered" if getattr(survey, "answered", False) else str(survey_state(survey=survey, now=now))


def _prepare(surveys: list[Survey], now) -> None:
    """What every listed survey shows besides its columns: its points and its state (no query)."""
    for survey in surveys:
        survey.points_paid = survey_points(survey=survey)
        survey.state = _state(survey, now)


def _page_counts(surveys: list[Survey]) -> None:
    counts = dict(
        SurveyPage.objects.filter(survey__in=surveys)
        .order_by()  # the model's ordering would join the GROUP BY
        .values("survey_id")
        .annotate(n=Count("pk"))
        .values_list("survey_id", "n")
    )
    for survey in surveys:
        survey.page_count = counts.get(survey.pk, 0)


def _attach_structure(survey: Survey) -> None:
    """The survey's pages, each with its questions, choices and rows: four queries whatever their number."""
    pages = list(SurveyPage.objects.filter(survey=survey).order_by("position"))
    survey.page_count = len(pages)
    survey.page_list = [] if survey.state == "upcoming" else pages
    if survey.state == "upcoming":
        return
    structure = structure_of(survey)
    by_page: dict[int, list[Question]] = {page.pk: [] for page in pages}
    for question in structure.questions:
        question.choice_list = list(structure.choices.get(question.pk, {}).values())
        question.row_list = list(structure.rows.get(question.pk, {}).values())
        by_page.setdefault(question.page_id, []).append(question)
    for page in pages:
        page.question_list = by_page[page.pk]


class _MemberSurveys(viewsets.GenericViewSet):
    """What surveys and polls share: one of mine found once per request, bodies read once, JSON only.

    Each subclass reads its own body's answers with `answers()` (a response's
    answers, or a vote as the answers of the poll's question).
    """

    kind: str
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [BoundedJSONParser]
    queryset = Survey.objects.none()  # for the schema (integer ids); `survey()` finds the rows
    private_fields: tuple[str, ...] = ()
    serializers_by_action: dict[str, type[serializers.Serializer]] = {}

    def get_serializer_class(self):
        """What OPTIONS describes (the views themselves name their serializers)."""
        action = getattr(self, "action_map", {}).get(self.request.method.lower(), self.action)
        return self.serializers_by_action.get(action or "", serializers.Serializer)

    def survey(self) -> Survey:
        """The survey of the address, if meant for me (its audience); else 404. Once per request.

        A read brings its museum and whether I answered or keep a draft, in
        one query. A write — the hottest path — reads the survey alone (the
        services check the rest), and whether I answered only for an
        anonymous survey (`_checked_before_the_key` needs it). A survey for
        all members needs no audience query; one for some museums' fans asks
        `surveys_meant_for`.
        """
        if not hasattr(self, "_survey"):
            pk = str(self.kwargs.get("pk", ""))
            if not pk.isascii() or not pk.isdigit() or int(pk) > _MAX_ID:
                raise NotFound()
            member = self.request.user
            if self.request.method == "GET":
                surveys = (
                    Survey.objects.filter(kind=self.kind)
                    .annotate(
                        answered=Exists(Participation.objects.filter(survey=OuterRef("pk"), member=member)),
                        has_draft=Exists(Draft.objects.filter(survey=OuterRef("pk"), member=member)),
                    )
                    .select_related("museum")
                )
                try:
                    found = surveys.get(pk=int(pk))
                except Survey.DoesNotExist:
                    raise NotFound() from None
            else:  # the row alone, in SQL the ORM takes longer to write than the database to run
                found = next(iter(Survey.objects.raw(_SURVEY_ROW, [int(pk), self.kind])), None)
                if found is None:
                    raise NotFound()
            if found.audience != Survey.Audience.ALL and not _meant_for(found, member):
                raise NotFound()
            if self.request.method == "GET":
                found.points_paid = survey_points(survey=found)
            else:
                found.answered = found.anonymous and Participation.objects.filter(survey=found, member=member).exists()
            found.state = _state(found, timezone.now())
            self._survey = found
        return self._survey

    def idempotency_fingerprint_data(self, request):
        """What the Idempotency-Key's fingerprint hashes: the body, less an anonymous survey's answers."""
        try:
            anonymous = self.survey().anonymous
        except NotFound:
            return request.data
        if not anonymous:
            return request.data
        data = request.data
        return (
            {key: value for key, value in data.items() if key not in self.private_fields}
            if isinstance(data, dict)
            else None
        )

    def _outcome(self, entry) -> dict:
        """What a response paid, as `award_outcome` explains it: points, balance, capped."""
        outcome = award_outcome(member=self.request.user, action=survey_action(survey=self.survey()), entry=entry)
        return outcome_data(outcome)


def _checked_before_the_key(method):
    """For an anonymous survey open to me, the answers are checked before the Idempotency-Key is claimed.

    A refusal is then never stored with the key: its details (which question,
    why) would say something of the answers next to the member's name. Named
    surveys go straight to `submission_create`, which checks them anyway.
    """

    @wraps(method)
    def wrapper(view, request, *args, **kwargs):
        survey = view.survey()
        if survey.anonymous and survey.state == "open":
            answer_rows(survey_rules(survey), view.answers())
        return method(view, request, *args, **kwargs)

    return wrapper


class SurveyViewSet(_MemberSurveys):
    """Surveys: the open ones, one with its questions and my draft, my draft saved, my response."""

    kind = Survey.Kind.SURVEY
    private_fields = ("answers",)
    serializers_by_action = {
        "list": SurveySummarySerializer,
        "retrieve": SurveyDetailSerializer,
        "draft": DraftWriteSerializer,
        "responses": ResponseWriteSerializer,
    }

    def answers(self) -> dict:
        if not hasattr(self, "_answers"):
            data = self.request.data
            answers = data.get("answers") if isinstance(data, dict) else None
            if not isinstance(answers, dict):  # the serializer words the refusal (a JSON body's keys are text)
                body = ResponseWriteSerializer(data=data)
                body.is_valid(raise_exception=True)
                answers = body.validated_data["answers"]
            self._answers = answers_screen(answers)
        return self._answers

    @extend_schema(responses=SurveySummarySerializer(many=True))
    def list(self, request):
        """The surveys open to me now (answered ones included), soonest closing first."""
        surveys = surveys_open_for(member=request.user, kind=self.kind)
        page = self.paginate_queryset(surveys) or []
        _prepare(page, timezone.now())
        _page_counts(page)
        return self.get_paginated_response(SurveySummarySerializer(page, many=True).data)

    @extend_schema(responses=SurveyDetailSerializer)
    def retrieve(self, request, pk=None):
        """A survey with its pages, questions, choices, matrix rows, conditions, and my draft (or null)."""
        survey = self.survey()
        _attach_structure(survey)
        survey.draft = Draft.objects.filter(member=request.user, survey=survey).first() if survey.has_draft else None
        return Response(SurveyDetailSerializer(survey, context={"request": request}).data)

    @extend_schema(request=DraftWriteSerializer, responses=DraftSerializer)
    @action(detail=True, methods=["put"])
    @error_responses(DRAFT_ERRORS)
    def draft(self, request, pk=None):
        """Keep my answers so far (checked at submission only for which questions they answer)."""
        survey = self.survey()
        body = DraftWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answers = answers_screen(body.validated_data["answers"])
        draft = services.draft_save(
            member=request.user, survey=survey, answers=answers, page=body.validated_data["page"]
        )
        return Response(DraftSerializer(draft).data)

    @extend_schema(request=None, responses={204: None})
    @draft.mapping.delete
    def draft_delete(self, request, pk=None):
        """Forget my answers so far."""
        services.draft_discard(member=request.user, survey=self.survey())
        return Response(status=204)

    @extend_schema(
        request=ResponseWriteSerializer, responses={201: OutcomeSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @action(detail=True, methods=["post"])
    @error_responses(ANSWER_ERRORS)
    @_checked_before_the_key
    @idempotent
    def responses(self, request, pk=None):
        """Submit my response, once: checked like the page's, stored, and paid (see `capped`)."""
        survey = self.survey()
        _participation, entry = services.submission_create(member=request.user, survey=survey, answers=self.answers())
        return Response(self._outcome(entry), status=201)


def _cards(polls: list[Survey], now) -> None:
    """Each poll's question and, when they may be shown, its bars (`surveys.polls`, as the pages draw them).

    Three queries whatever the number of polls; a poll's question is withheld until it opens.
    """
    answered = {poll.pk for poll in polls if getattr(poll, "answered", False)}
    for poll, card in zip(polls, poll_cards(polls=polls, answered=answered, now=now), strict=True):
        question = card.question if poll.state != "upcoming" else None
        if question is not None:
            question.choice_list = list(card.structure.choices.get(question.pk, {}).values())
            question.row_list = list(card.structure.rows.get(question.pk, {}).values())
        poll.question = question
        poll.result_counts = {"votes": card.votes, "bars": card.bars} if card.results_visible else None


class PollViewSet(_MemberSurveys):
    """Polls: one question, one vote, the results shown live after voting or after the close."""

    kind = Survey.Kind.POLL
    private_fields = ("choice", "answer")
    serializers_by_action = {"list": PollSerializer, "retrieve": PollSerializer, "votes": VoteWriteSerializer}

    def answers(self) -> dict:
        if not hasattr(self, "_answers"):
            body = VoteWriteSerializer(data=self.request.data)
            body.is_valid(raise_exception=True)
            poll = self.survey()
            question = poll_cards(polls=[poll], answered=set())[0].question
            if question is None:
                raise AnswersInvalid(details={"errors": {"answers": str(NO_QUESTION)}})
            self._answers = answers_screen({str(question.pk): body.answer_for(question)})
        return self._answers

    @extend_schema(responses=PollSerializer(many=True))
    def list(self, request):
        """The polls open to me now, with their question, and the results where they may be shown."""
        now = timezone.now()
        polls = surveys_open_for(member=request.user, kind=self.kind, now=now)
        page = self.paginate_queryset(polls) or []
        _prepare(page, now)
        _cards(page, now)
        return self.get_paginated_response(PollSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(responses=PollSerializer)
    def retrieve(self, request, pk=None):
        """A poll with its question and, when they may be shown, its results."""
        poll = self.survey()
        _cards([poll], timezone.now())
        return Response(PollSerializer(poll, context={"request": request}).data)

    @extend_schema(
        request=VoteWriteSerializer, responses={201: VoteOutcomeSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @action(detail=True, methods=["post"])
    @error_responses(ANSWER_ERRORS)
    @_checked_before_the_key
    @idempotent
    def votes(self, request, pk=None):
        """Vote, once: the points, and the results when they may be shown (null for an anonymous poll)."""
        poll = self.survey()
        _participation, entry = services.submission_create(member=request.user, survey=poll, answers=self.answers())
        results = None
        if not poll.anonymous:
            poll.answered = True
            _cards([poll], timezone.now())
            results = PollResultsSerializer(poll.result_counts).data if poll.result_counts else None
        return Response({**self._outcome(entry), "results": results}, status=201)


router = SimpleRouter()
router.register("surveys", SurveyViewSet, basename="survey")
router.register("polls", PollViewSet, basename="poll")
api_urls: list = router.urls
