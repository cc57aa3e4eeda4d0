"""What the surveys API reads and writes.

Bodies are checked for their shape here, without a query: the envelope by the
serializers (`answers` an object, `page` and `choice` integers in range), then
the answers by `answers_screen`, which refuses what no survey could accept
before anything is read — more answers than `MAX_ANSWERS`, values nested
deeper than any question's format, integers beyond the database's columns,
numbers that are not finite, NUL characters and lone surrogates (neither
PostgreSQL nor JSON output can carry them). Whether each answer is right for
its question is `surveys.answers.answers_check`'s business, called by the
services, so the API refuses exactly what the page refuses.

The response serializers render plain objects the API views prepare (a survey
with its `state`, its pages, questions, choices and rows attached), so a
survey costs the same few queries whatever its size.
"""

import math

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from surveys.answers import (
    INTEGER_RANGE,
    INVALID_CHARACTER,
    MAX_ANSWERS,
    NPS_RANGE,
    OTHER_TEXT_LIMIT,
    OUT_OF_RANGE,
    RATING_RANGE,
    SHORT_TEXT_LIMIT,
    AnswersInvalid,
    text_storable,
)
from surveys.models import Question, Survey

MAX_DEPTH = 3  # containers within one answer: a list of {"choice", "other"} objects is 2
MAX_ITEMS = MAX_ANSWERS  # values within one answer (choices picked, rows, ranks)

STATES = [
    ("open", "open: answer it"),
    ("upcoming", "not open yet (its questions are shown once it opens)"),
    ("closed", "closed"),
    ("answered", "I have answered it"),
]

UNREADABLE = _("Les réponses sont illisibles.")
TOO_MANY = _("Trop de réponses pour cette enquête.")
SHAPELESS = _("Cette réponse n'a pas la forme attendue.")
FORBIDDEN_CHARACTER = INVALID_CHARACTER  # the page's message too (`surveys.answers`)
ONE_OF_CHOICE_OR_ANSWER = _("Indiquez soit un choix, soit une réponse.")
NO_QUESTION = _("Ce sondage n'a pas encore de question.")


def _problem(value) -> str | None:
    """What makes one answer unacceptable whatever its question, or None (walked without recursion)."""
    stack, seen = [(value, 0)], 0
    while stack:
        item, depth = stack.pop()
        seen += 1
        if seen > MAX_ITEMS * 2:
            return str(SHAPELESS)
        if isinstance(item, dict | list):
            if depth >= MAX_DEPTH or len(item) > MAX_ITEMS:
                return str(SHAPELESS)
            if isinstance(item, dict):
                if not all(text_storable(key) for key in item):
                    return str(FORBIDDEN_CHARACTER)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            if not text_storable(item):
                return str(FORBIDDEN_CHARACTER)
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if not INTEGER_RANGE[0] <= item <= INTEGER_RANGE[1]:
                return str(OUT_OF_RANGE)
        elif isinstance(item, float):
            if not math.isfinite(item):
                return str(OUT_OF_RANGE)
        else:
            return str(SHAPELESS)
    return None


def answers_screen(answers: dict) -> dict:
    """The answers, if nothing in them is beyond any survey; else `AnswersInvalid` (no query).

    Errors are keyed by question id like `answers_check`'s, or by "answers"
    when the keys themselves cannot be read (a key is never echoed then).
    """
    if len(answers) > MAX_ANSWERS:
        raise AnswersInvalid(details={"errors": {"answers": str(TOO_MANY)}})
    if not all(text_storable(key) for key in answers):
        raise AnswersInvalid(details={"errors": {"answers": str(UNREADABLE)}})
    errors = {key: problem for key, value in answers.items() if (problem := _problem(value))}
    if errors:
        raise AnswersInvalid(details={"errors": errors})
    return answers


ANSWERS_HELP = (
    "Question id → answer. Single choice, dropdown, image choice: a choice id, or "
    '{"choice": id, "other": "…"} for an "other" choice; multiple choice: a list of those; '
    "rating (1–5), NPS (0–10), number: an integer; Likert matrix: {row id: choice id}; "
    'ranking: every choice id once, the preferred first; text: a string; date: "YYYY-MM-DD". '
    "Answers to questions hidden by their condition are refused."
)


class ResponseWriteSerializer(serializers.Serializer):
    answers = serializers.DictField(help_text=ANSWERS_HELP)


class DraftWriteSerializer(serializers.Serializer):
    answers = serializers.DictField(help_text="Answers so far, in the format of a response; checked at submission.")
    page = serializers.IntegerField(
        min_value=1, max_value=32767, default=1, help_text="The page to resume at (kept within the survey's pages)."
    )


@extend_schema_field(OpenApiTypes.ANY)
class _AnyField(serializers.Field):
    """Any JSON value, taken as it came (screened by `answers_screen`, checked by the services)."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class VoteWriteSerializer(serializers.Serializer):
    choice = serializers.IntegerField(
        min_value=1,
        max_value=INTEGER_RANGE[1],
        required=False,
        help_text="For a choice question: the id of the choice voted for.",
    )
    answer = _AnyField(
        required=False,
        help_text="Instead of `choice`, for any question: the answer in a response's format "
        "(a rating as an integer, a multiple choice as a list of choice ids…).",
    )

    def validate(self, attrs):
        if ("choice" in attrs) == ("answer" in attrs):
            raise serializers.ValidationError(str(ONE_OF_CHOICE_OR_ANSWER))
        return attrs

    def answer_for(self, question: Question):
        """The vote as an answer to the poll's question, in a response's format."""
        if "answer" in self.validated_data:
            return self.validated_data["answer"]
        choice = self.validated_data["choice"]
        return [choice] if question.kind == Question.Kind.MULTIPLE else choice


# --- What the API answers ----------------------------------------------------------------------------------


class MuseumRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class ChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    is_other = serializers.BooleanField(
        help_text=f'"Other (specify)": answered as {{"choice": id, "other": "…"}} '
        f"(at most {OTHER_TEXT_LIMIT} characters)."
    )
    thumbnail = serializers.SerializerMethodField()
    picture_alt = serializers.CharField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_thumbnail(self, choice) -> str | None:
        url = choice.thumbnail_url
        request = self.context.get("request")
        return (request.build_absolute_uri(url) if request else url) if url else None


class RowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class ConditionSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="condition_question_id")
    choice = serializers.IntegerField(source="condition_choice_id")


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    text = serializers.CharField()
    help_text = serializers.CharField()
    required = serializers.BooleanField(help_text="Required when shown (a hidden question is never required).")
    max_choices = serializers.IntegerField(allow_null=True, help_text="Multiple choice: the most that may be picked.")
    min_value = serializers.SerializerMethodField(help_text="Number, rating, NPS: the smallest accepted.")
    max_value = serializers.SerializerMethodField(help_text="Number, rating, NPS: the largest accepted.")
    max_length = serializers.SerializerMethodField(help_text="Short and long text: the most characters accepted.")
    condition = serializers.SerializerMethodField(
        help_text="Shown only when `question` was answered with `choice`; null when always shown."
    )
    choices = ChoiceSerializer(many=True, source="choice_list", help_text="Likert matrix: the scale of every row.")
    rows = RowSerializer(many=True, source="row_list", help_text="Likert matrix only.")

    def _bounds(self, question) -> tuple[int | None, int | None]:
        if question.kind == Question.Kind.RATING:
            return RATING_RANGE
        if question.kind == Question.Kind.NPS:
            return NPS_RANGE
        if question.kind == Question.Kind.NUMBER:
            return question.min_value, question.max_value
        return None, None

    def get_min_value(self, question) -> int | None:
        return self._bounds(question)[0]

    def get_max_value(self, question) -> int | None:
        return self._bounds(question)[1]

    def get_max_length(self, question) -> int | None:
        if question.kind == Question.Kind.SHORT_TEXT:
            return min(question.max_length, SHORT_TEXT_LIMIT)
        return question.max_length if question.kind == Question.Kind.LONG_TEXT else None

    @extend_schema_field(ConditionSerializer(allow_null=True))
    def get_condition(self, question) -> dict | None:
        return ConditionSerializer(question).data if question.condition_question_id else None


class PageSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    title = serializers.CharField()
    questions = QuestionSerializer(many=True, source="question_list")


class DraftSerializer(serializers.Serializer):
    answers = serializers.DictField(help_text="My answers so far, as I saved them.")
    page = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class _SurveyBaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    introduction = serializers.CharField()
    museum = MuseumRefSerializer(allow_null=True)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    points = serializers.IntegerField(source="points_paid", help_text="What a response pays.")
    anonymous = serializers.BooleanField(
        help_text="The answers are stored with nothing that links them to me (only that I answered is)."
    )
    answered = serializers.BooleanField()
    state = serializers.ChoiceField(choices=STATES)


class SurveySummarySerializer(_SurveyBaseSerializer):
    has_draft = serializers.BooleanField()
    page_count = serializers.IntegerField()


class SurveyDetailSerializer(SurveySummarySerializer):
    pages = PageSerializer(many=True, source="page_list", help_text="Empty until the survey opens.")
    draft = DraftSerializer(allow_null=True, help_text="My answers so far, or null.")


class OutcomeSerializer(serializers.Serializer):
    points = serializers.IntegerField(source="paid", help_text="Points paid now (0 when today's cap is reached).")
    balance = serializers.IntegerField(help_text="My balance afterwards.")
    capped = serializers.BooleanField(help_text="Nothing paid: today's cap for this kind of answer is reached.")


def outcome_data(outcome) -> dict:
    """`OutcomeSerializer(outcome).data`, written out: every response's and vote's answer (a test holds them equal)."""
    return {"points": int(outcome.paid), "balance": int(outcome.balance), "capped": bool(outcome.capped)}


class PollBarSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="A choice's label, or a rating's value.")
    count = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="Of all the votes, in whole percents.")


class PollResultsSerializer(serializers.Serializer):
    votes = serializers.IntegerField(help_text="Votes counted (an open anonymous poll's last few come in batches).")
    bars = PollBarSerializer(many=True, help_text="In the order of the question's choices, or of the scale.")


class PollSerializer(_SurveyBaseSerializer):
    results_shown = serializers.ChoiceField(
        source="results",
        choices=Survey.Results.choices,
        help_text="`live`: to those who voted, as votes come; `after_close`: to all once it closes.",
    )
    question = QuestionSerializer(allow_null=True, help_text="Null until the poll opens.")
    results = PollResultsSerializer(
        source="result_counts", allow_null=True, help_text="Null until they may be shown (see `results_shown`)."
    )


class VoteOutcomeSerializer(OutcomeSerializer):
    results = PollResultsSerializer(
        allow_null=True,
        help_text="When they may be shown, for a poll that is not anonymous; an anonymous poll's are read with "
        "GET (they are never stored with the request's Idempotency-Key).",
    )
