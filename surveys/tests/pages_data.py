"""Surveys and polls for the member pages' tests, built in a few lines (imported by tests only)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from surveys.models import Choice, MatrixRow, Question, Survey, SurveyPage

Kind = Question.Kind


@dataclass
class Built:
    survey: Survey
    questions: dict[str, Question] = field(default_factory=dict)
    choices: dict[tuple[str, str], Choice] = field(default_factory=dict)
    rows: dict[tuple[str, str], MatrixRow] = field(default_factory=dict)

    def q(self, key: str) -> Question:
        return self.questions[key]

    def c(self, key: str, label: str) -> Choice:
        return self.choices[(key, label)]

    def r(self, key: str, label: str) -> MatrixRow:
        return self.rows[(key, label)]


def question(key: str, kind: str, text: str = "", **options) -> dict:
    """One question's description: choices=[labels], other="label" (an "Autre (précisez)"), rows=[labels],
    condition=(question key, choice label), and any Question field (required, max_choices, min_value…)."""
    return {"key": key, "kind": kind, "text": text or f"Question {key}", **options}


def survey_build(
    *,
    slug: str,
    pages: list[list[dict]],
    title: str = "",
    kind: str = Survey.Kind.SURVEY,
    now: datetime | None = None,
    **fields,
) -> Built:
    """A survey open now (from yesterday to in a week unless dates are given), its pages and questions."""
    now = now or timezone.now()
    fields.setdefault("opens_at", now - timedelta(days=1))
    fields.setdefault("closes_at", now + timedelta(days=7))
    survey = Survey.objects.create(slug=slug, title=title or f"Enquête {slug}", kind=kind, **fields)
    built = Built(survey=survey)
    for page_position, specs in enumerate(pages, start=1):
        page = SurveyPage.objects.create(survey=survey, position=page_position, title=f"Partie {page_position}")
        for position, spec in enumerate(specs, start=1):
            spec = dict(spec)
            key = spec.pop("key")
            labels = spec.pop("choices", [])
            other = spec.pop("other", None)
            rows = spec.pop("rows", [])
            condition = spec.pop("condition", None)
            if condition:
                spec["condition_question"] = built.q(condition[0])
                spec["condition_choice"] = built.c(*condition)
            created = Question.objects.create(page=page, position=position, **spec)
            built.questions[key] = created
            for choice_position, label in enumerate([*labels, *([other] if other else [])], start=1):
                built.choices[(key, label)] = Choice.objects.create(
                    question=created, position=choice_position, label=label, is_other=label == other
                )
            for row_position, label in enumerate(rows, start=1):
                built.rows[(key, label)] = MatrixRow.objects.create(
                    question=created, position=row_position, label=label
                )
    return built


def poll_build(*, slug: str, labels: tuple[str, ...] = ("Oui", "Non"), text: str = "", **fields) -> Built:
    """A poll: one single-choice question."""
    return survey_build(
        slug=slug,
        kind=Survey.Kind.POLL,
        title=fields.pop("title", f"Sondage {slug}"),
        pages=[[question("poll", Kind.SINGLE, text or "Votre avis ?", choices=list(labels))]],
        **fields,
    )


EVERY_KIND = [
    [
        question("single", Kind.SINGLE, "Les cartels sont-ils lisibles ?", choices=["Oui", "Non"], other="Autre"),
        question("multiple", Kind.MULTIPLE, "Qu'aimez-vous lire ?", choices=["Dates", "Anecdotes", "Techniques"],
                 max_choices=2, required=False),
        question("dropdown", Kind.DROPDOWN, "Votre musée", choices=["Beaux-Arts", "Céramique"]),
        question("rating", Kind.RATING, "Note des cartels"),
        question("nps", Kind.NPS, "Recommanderiez-vous le musée ?"),
        question("likert", Kind.LIKERT, "Êtes-vous d'accord ?", choices=["Non", "Bof", "Oui"],
                 rows=["Clairs", "Assez grands"]),
    ],
    [
        question("ranking", Kind.RANKING, "Classez ces sujets", choices=["Peinture", "Sculpture", "Dessin"]),
        question("short", Kind.SHORT_TEXT, "Un mot", max_length=20, required=False),
        question("long", Kind.LONG_TEXT, "Votre remarque", max_length=50, required=False),
        question("number", Kind.NUMBER, "Combien de visites par an ?", min_value=0, max_value=52),
        question("date", Kind.DATE, "Date de votre dernière visite"),
        question("image", Kind.IMAGE_CHOICE, "Quel cartel préférez-vous ?", choices=["Cartel A", "Cartel B"]),
    ],
]  # fmt: skip
