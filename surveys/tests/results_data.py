"""A survey with every kind of question and six known responses, for the results and export tests.

The responses go through `submission_create` (the one write path, which keeps
the counters); the expected numbers in the tests are computed by hand from
RESPONSES below.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from club.members.models import Member
from club.members.permissions import MUSEUM_TEAM
from club.members.tests.factories import MemberFactory, MuseumFactory, StaffFactory
from surveys.models import Choice, MatrixRow, Question, Survey, SurveyPage
from surveys.services import submission_create

K = Question.Kind

# One line per response: museum ("M1", "M2" or None), language, then the answers by question key.
RESPONSES = [
    ("M1", "fr", {"single": "A", "multiple": ["X", "Y"], "dropdown": "D1", "image": "I1", "rating": 5, "nps": 10,
                  "likert": {"R1": "S1", "R2": "S2"}, "ranking": ["K2", "K1", "K3"], "number": 10,
                  "date": "2026-01-01", "short": "Très bien", "long": "=1+1"}),
    ("M1", "fr", {"single": "A", "multiple": ["X"], "dropdown": "D1", "image": "I2", "rating": 4, "nps": 9,
                  "likert": {"R1": "S1", "R2": "S1"}, "ranking": ["K2", "K3", "K1"], "number": 20,
                  "date": "2026-02-01", "short": "Bien"}),
    ("M1", "en", {"single": "B", "multiple": ["Y", "Z"], "dropdown": "D2", "image": "I1", "rating": 3, "nps": 8,
                  "likert": {"R1": "S2", "R2": "S3"}, "ranking": ["K1", "K2", "K3"], "number": 30,
                  "long": 'Le musée ; "bien" dit-on\nsur deux lignes'}),
    ("M2", "fr", {"single": ("Autre", "Le parc"), "multiple": ["X", "Y", "Z"], "dropdown": "D1", "image": "I1",
                  "rating": 5, "nps": 6, "likert": {"R1": "S3", "R2": "S3"}, "ranking": ["K3", "K2", "K1"],
                  "number": 40, "date": "2026-03-01"}),
    ("M2", "en", {"single": "B", "multiple": ["Z"], "dropdown": "D2", "image": "I2", "rating": 2, "nps": 0,
                  "likert": {"R1": "S1", "R2": "S2"}, "ranking": ["K2", "K1", "K3"], "number": 50,
                  "short": "-3 étoiles"}),
    (None, "fr", {"single": "A", "multiple": ["X"], "dropdown": "D1", "image": "I1", "rating": 4, "nps": 10,
                  "likert": {"R1": "S2", "R2": "S2"}, "ranking": ["K3", "K2", "K1"], "number": 60,
                  "date": "2026-04-01"}),
]  # fmt: skip


# A plain response to every required question (the tests vary one answer or another).
PLAIN = {"single": "A", "multiple": ["X"], "dropdown": "D1", "image": "I1", "rating": 3, "nps": 5,
         "likert": {"R1": "S1", "R2": "S1"}, "ranking": ["K1", "K2", "K3"], "number": 1}  # fmt: skip


@dataclass
class Built:
    survey: Survey
    questions: dict[str, Question]
    choices: dict[str, Choice]
    rows: dict[str, MatrixRow]
    museums: dict[str, object]
    members: list[Member] = field(default_factory=list)


def _question(page, position, kind, text, *, required=True, choices=(), other=(), rows=(), **fields):
    question = Question.objects.create(page=page, position=position, kind=kind, text=text, required=required, **fields)
    made = {}
    for index, label in enumerate(choices, start=1):
        made[label] = Choice.objects.create(question=question, position=index, label=label, is_other=label in other)
    made_rows = {label: MatrixRow.objects.create(question=question, position=n, label=label)
                 for n, label in enumerate(rows, start=1)}  # fmt: skip
    return question, made, made_rows


def survey_build(*, anonymous: bool = False, slug: str = "cartels") -> Built:
    now = timezone.now()
    survey = Survey.objects.create(
        slug=slug, title="Nos cartels sont-ils clairs ?", anonymous=anonymous, opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=30),
    )  # fmt: skip
    first = SurveyPage.objects.create(survey=survey, position=1, title="Vous")
    second = SurveyPage.objects.create(survey=survey, position=2, title="Les cartels")
    questions, choices, rows = {}, {}, {}
    specs = [
        (first, "single", K.SINGLE, "Votre musée du jour ?", {"choices": ["A", "B", "Autre"], "other": ["Autre"]}),
        (first, "multiple", K.MULTIPLE, "Ce que vous lisez", {"choices": ["X", "Y", "Z"], "max_choices": 3}),
        (first, "dropdown", K.DROPDOWN, "Votre âge", {"choices": ["D1", "D2"]}),
        (first, "image", K.IMAGE_CHOICE, "Le cartel préféré", {"choices": ["I1", "I2"]}),
        (first, "rating", K.RATING, "Lisibilité", {}),
        (first, "nps", K.NPS, "Recommanderiez-vous ?", {}),
        (second, "likert", K.LIKERT, "Les cartels sont", {"choices": ["S1", "S2", "S3"], "rows": ["R1", "R2"]}),
        (second, "ranking", K.RANKING, "Classez", {"choices": ["K1", "K2", "K3"]}),
        (second, "number", K.NUMBER, "Combien de minutes ?", {"min_value": 0, "max_value": 500}),
        (second, "date", K.DATE, "Dernière visite", {"required": False}),
        (second, "short", K.SHORT_TEXT, "Un mot", {"required": False}),
        (second, "long", K.LONG_TEXT, "Vos remarques", {"required": False}),
    ]
    for position, (page, key, kind, text, extra) in enumerate(specs, start=1):
        question, made, made_rows = _question(page, position, kind, text, **extra)
        questions[key] = question
        choices.update(made)
        rows.update(made_rows)
    museums = {"M1": MuseumFactory(slug="m1", name="Musée des Beaux-Arts"), "M2": MuseumFactory(slug="m2",
               name="Musée de la Céramique")}  # fmt: skip
    return Built(survey=survey, questions=questions, choices=choices, rows=rows, museums=museums)


def answers_for(built: Built, spec: dict) -> dict:
    """A response in `submission_create`'s format from a line of RESPONSES."""
    q, c, r = built.questions, built.choices, built.rows
    answers: dict = {}
    for key, value in spec.items():
        question = q[key]
        if key == "single" and isinstance(value, tuple):
            answers[str(question.pk)] = {"choice": c[value[0]].pk, "other": value[1]}
        elif key in ("single", "dropdown", "image"):
            answers[str(question.pk)] = c[value].pk
        elif key in ("multiple", "ranking"):
            answers[str(question.pk)] = [c[label].pk for label in value]
        elif key == "likert":
            answers[str(question.pk)] = {str(r[row].pk): c[point].pk for row, point in value.items()}
        else:
            answers[str(question.pk)] = value
    return answers


def respond(built: Built, museum: str | None, language: str, spec: dict, *, now=None) -> Member:
    member = MemberFactory(favourite_museum=built.museums[museum] if museum else None, preferred_language=language)
    submission_create(member=member, survey=built.survey, answers=answers_for(built, spec), now=now)
    built.members.append(member)
    return member


def respond_all(built: Built) -> Built:
    for museum, language, spec in RESPONSES:
        respond(built, museum, language, spec)
    return built


def results_staff() -> Member:
    """Staff of the museum team (who may read results)."""
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    return staff
