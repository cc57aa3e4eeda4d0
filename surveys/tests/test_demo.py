"""The demo's surveys and poll: built once whatever the reruns, every kind of question, real responses."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone
from PIL import Image

from club.management.commands.seed_demo import MEMBER_EMAIL
from club.members.models import Member
from rewards.ledger.models import LedgerEntry
from surveys import demo
from surveys.building import survey_problems
from surveys.models import (
    Answer,
    Choice,
    MatrixRow,
    Participation,
    Question,
    ResponseCount,
    Submission,
    Survey,
    SurveyPage,
    Tally,
)
from surveys.selectors import surveys_open_for

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    models = (Survey, SurveyPage, Question, Choice, MatrixRow, Participation, Submission, Answer, Tally, ResponseCount)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["ledger"] = LedgerEntry.objects.count()
    counts["members"] = Member.objects.count()
    counts["tallied"] = Tally.objects.aggregate(n=Sum("count"))["n"]
    return counts


def test_seed_demo_twice_leaves_the_same_surveys_responses_and_points():
    call_command("seed_demo", force=True)
    first = _counts()
    call_command("seed_demo", force=True)
    assert _counts() == first
    assert first["Survey"] == 4 and first["Submission"] == demo.RESPONDENTS + demo.POLL_VOTES


def test_the_open_survey_uses_every_kind_of_question_and_a_condition():
    call_command("seed_demo", force=True)
    cartels = Survey.objects.get(slug="nos-cartels-sont-ils-clairs")
    now = timezone.now()
    assert cartels.is_open(now) and cartels.museum.slug == "beaux-arts" and cartels.pages.count() == 3
    assert (cartels.title_fr, cartels.title_en) == ("Nos cartels sont-ils clairs ?", "Are our labels clear?")
    questions = Question.objects.filter(page__survey=cartels)
    assert set(questions.values_list("kind", flat=True)) == set(Question.Kind.values)
    assert not questions.filter(text_en__isnull=True).exists() and not questions.filter(text_en="").exists()
    assert survey_problems(survey=cartels) == []
    conditioned = questions.get(condition_question__isnull=False)
    assert conditioned.text == "Qu'en avez-vous pensé ?"
    assert conditioned.condition_question.text == "Avez-vous lu les cartels de la salle des impressionnistes ?"
    assert conditioned.condition_choice.label == "Oui"
    other = Choice.objects.get(question__page__survey=cartels, question__kind="single", is_other=True)
    assert other.label == "Autre (précisez)"
    assert questions.get(kind="multiple").max_choices == 2
    number = questions.get(kind="number")
    assert (number.min_value, number.max_value) == (0, 240)
    likert = questions.get(kind="likert")
    assert list(likert.rows.values_list("label", flat=True)) == [
        "La taille du texte",
        "Le vocabulaire",
        "L'emplacement",
    ]
    pictures = Choice.objects.filter(question__page__survey=cartels, question__kind="image_choice")
    assert pictures.count() == 3
    for choice in pictures:
        assert choice.picture_alt_fr and choice.picture_alt_en and choice.thumbnail
        with Image.open(choice.picture.path) as picture, Image.open(choice.thumbnail.path) as thumbnail:
            assert picture.format == "PNG" and thumbnail.format == "JPEG"


def test_the_demo_member_finds_the_open_surveys_and_the_poll_unanswered():
    call_command("seed_demo", force=True)
    member = Member.objects.get(email=MEMBER_EMAIL)
    shown = {survey.slug: survey for survey in surveys_open_for(member=member)}
    assert set(shown) == {"nos-cartels-sont-ils-clairs", "accueil-billetterie", "atelier-des-vacances"}
    assert not any(survey.answered or survey.has_draft for survey in shown.values())
    assert shown["accueil-billetterie"].anonymous
    poll = shown["atelier-des-vacances"]
    assert poll.kind == Survey.Kind.POLL and poll.results == Survey.Results.LIVE
    assert Question.objects.filter(page__survey=poll).count() == 1
    assert poll.submissions.count() == demo.POLL_VOTES


def test_the_closed_survey_has_a_few_hundred_responses_counted_and_paid_like_real_ones():
    call_command("seed_demo", force=True)
    themes = Survey.objects.get(slug="themes-expositions-2027")
    assert themes.closes_at < timezone.now()
    submissions = Submission.objects.filter(survey=themes)
    assert submissions.count() == Participation.objects.filter(survey=themes).count() == demo.RESPONDENTS
    assert ResponseCount.objects.filter(survey=themes).aggregate(n=Sum("count"))["n"] == demo.RESPONDENTS
    # Spread over the weeks it was open, in both languages and among the museums' fans.
    assert submissions.values("submitted_on").distinct().count() > 20
    assert set(submissions.values_list("language", flat=True)) == {"fr", "en"}
    assert submissions.values("favourite_museum").distinct().count() > 5
    references = {p.reference for p in Participation.objects.filter(survey=themes)}
    assert LedgerEntry.objects.filter(reference__in=references).count() == demo.RESPONDENTS
    # The counters agree with the answers: every pick of the topics question is counted once.
    topics = Question.objects.get(page__survey=themes, kind="multiple")
    picks = dict(Answer.objects.filter(question=topics).values_list("choice").annotate(n=Count("id")))
    tallied = dict(
        Tally.objects.filter(question=topics).values_list("key").annotate(n=Sum("count")).values_list("key", "n")
    )
    assert tallied == {f"c{choice}": n for choice, n in picks.items()}
    assert not Participation.objects.filter(member__email=MEMBER_EMAIL).exists()
