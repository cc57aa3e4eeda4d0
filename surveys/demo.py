"""Surveys and polls of the demo (`manage.py seed_demo`), built through the same services as the admin.

- "Nos cartels sont-ils clairs ?" (Musée des Beaux-Arts), open: three pages and
  every kind of question — "Autre (précisez)", a maximum of choices, a Likert
  matrix, pictures drawn here with Pillow — and a condition ("Qu'en avez-vous
  pensé ?" only after "Oui");
- "L'accueil à la billetterie", open and anonymous;
- "Quels thèmes d'exposition pour 2027 ?", closed, with a few hundred responses
  from demo respondents for the results page;
- the poll "Quel atelier aimeriez-vous pour les vacances ?", open, results live,
  with some votes already.

Idempotent: a survey found by its slug is kept as it is (an open one whose
dates have passed opens again for 30 days, so an old demo database still shows
it); respondents are found by their address and answer once. Responses go
through `submission_create`, so counters, participations and points are those
of real ones. The demo member (and the staff accounts) answer nothing: the
open surveys and the poll wait for them.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from club.members.models import Member
from club.members.services import member_create
from museums.models import Museum
from surveys.answers import structure_of
from surveys.building import (
    choices_save,
    pages_save,
    question_save,
    rows_save,
    survey_problems,
    survey_save,
)
from surveys.models import Choice, MatrixRow, Participation, Question, Survey, SurveyPage
from surveys.services import submission_create

Kind = Question.Kind
RESPONDENT_EMAIL = "repondant-{:03d}@club-demo.fr"
RESPONDENTS = 300
POLL_VOTES = 45
OPEN_FOR = timedelta(days=30)

# The labels are written French first, then English: (fr, en).
Text = tuple[str, str]


@dataclass
class Q:
    """A question of the demo: its kind, texts, choices ((fr, en), is_other, picture) and matrix rows."""

    ref: str
    kind: str
    text: Text
    help: Text = ("", "")
    required: bool = True
    choices: list[tuple[Text, bool, str]] = field(default_factory=list)
    rows: list[Text] = field(default_factory=list)
    max_choices: int | None = None
    bounds: tuple[int | None, int | None] = (None, None)
    condition: tuple[str, int] | None = None  # (question ref, index of the choice)


def _choices(*labels: Text, other: Text | None = None) -> list[tuple[Text, bool, str]]:
    return [(label, False, "") for label in labels] + ([(other, True, "")] if other else [])


OTHER = ("Autre (précisez)", "Other (please specify)")
AGREEMENT = _choices(
    ("Très insatisfaisant", "Very unsatisfactory"),
    ("Insatisfaisant", "Unsatisfactory"),
    ("Satisfaisant", "Satisfactory"),
    ("Très satisfaisant", "Very satisfactory"),
)
YES_NO = _choices(("Oui", "Yes"), ("Non", "No"))

LABEL_LAYOUTS = [
    (("Texte court en grands caractères", "Short text in large print"), "large"),
    (("Texte long avec une illustration", "Long text with an illustration"), "illustrated"),
    (("Cartel court avec un QR code vers plus d'informations", "Short label with a QR code to learn more"), "qr"),
]

CARTELS_PAGES: list[tuple[Text, list[Q]]] = [
    (
        ("Votre visite", "Your visit"),
        [
            Q("frequency", Kind.SINGLE,
              ("À quelle fréquence venez-vous au musée ?", "How often do you visit the museum?"),
              choices=_choices(("C'est ma première visite", "This is my first visit"),
                               ("Quelques fois par an", "A few times a year"),
                               ("Tous les mois ou plus", "Every month or more"), other=OTHER)),
            Q("last_visit", Kind.DATE, ("Quand êtes-vous venu pour la dernière fois ?", "When did you last come?"),
              help=("Une date approximative suffit.", "An approximate date will do."), required=False),
            Q("reading_minutes", Kind.NUMBER,
              ("Combien de minutes avez-vous passées à lire les cartels ?",
               "How many minutes did you spend reading the labels?"),
              help=("Entre 0 et 240 minutes.", "Between 0 and 240 minutes."), bounds=(0, 240)),
            Q("helps", Kind.MULTIPLE,
              ("Qu'est-ce qui vous aide le plus à comprendre une œuvre ?",
               "What helps you most to understand a work?"),
              help=("Deux choix au plus.", "Two choices at most."), max_choices=2,
              choices=_choices(("Le cartel", "The label"), ("L'audioguide", "The audio guide"),
                               ("Une visite guidée", "A guided tour"), ("L'application du musée", "The museum app"),
                               other=OTHER)),
            Q("room", Kind.DROPDOWN,
              ("Dans quelle salle avez-vous passé le plus de temps ?", "Which room did you spend the most time in?"),
              choices=_choices(("La salle des impressionnistes", "The impressionist room"),
                               ("La galerie de peinture italienne", "The Italian painting gallery"),
                               ("Le cabinet des dessins", "The drawings room"),
                               ("La salle des primitifs flamands", "The Flemish primitives room"))),
        ],
    ),
    (
        ("Les cartels", "The labels"),
        [
            Q("read_impressionists", Kind.SINGLE,
              ("Avez-vous lu les cartels de la salle des impressionnistes ?",
               "Did you read the labels in the impressionist room?"), choices=YES_NO),
            Q("impressionists_opinion", Kind.LONG_TEXT, ("Qu'en avez-vous pensé ?", "What did you think of them?"),
              condition=("read_impressionists", 0)),
            Q("aspects", Kind.LIKERT,
              ("Que pensez-vous de ces aspects des cartels ?", "What do you think of these aspects of the labels?"),
              choices=AGREEMENT,
              rows=[("La taille du texte", "The size of the text"), ("Le vocabulaire", "The vocabulary"),
                    ("L'emplacement", "Where they are placed")]),
            Q("overall", Kind.RATING,
              ("Dans l'ensemble, quelle note donnez-vous à nos cartels ?", "Overall, how do you rate our labels?")),
            Q("layout", Kind.IMAGE_CHOICE,
              ("Quelle mise en page de cartel préférez-vous ?", "Which label layout do you prefer?"),
              choices=[(label, False, picture) for label, picture in LABEL_LAYOUTS]),
        ],
    ),
    (
        ("Pour la suite", "What next"),
        [
            Q("wishes", Kind.RANKING,
              ("Classez ce que vous aimeriez lire sur un cartel, du plus important au moins important.",
               "Rank what you would like to read on a label, most important first."),
              choices=_choices(("L'histoire de l'œuvre", "The story of the work"), ("La technique", "The technique"),
                               ("La vie de l'artiste", "The artist's life"),
                               ("Une question à se poser devant l'œuvre", "A question to ask yourself"))),
            Q("recommend", Kind.NPS,
              ("Recommanderiez-vous le musée à un proche ?", "Would you recommend the museum to someone close?")),
            Q("one_word", Kind.SHORT_TEXT, ("Un mot pour décrire nos cartels ?", "One word to describe our labels?"),
              required=False),
            Q("suggestions", Kind.LONG_TEXT, ("Avez-vous d'autres suggestions ?", "Any other suggestions?"),
              required=False),
        ],
    ),
]  # fmt: skip

WELCOME_PAGES: list[tuple[Text, list[Q]]] = [
    (
        ("", ""),
        [
            Q("welcome", Kind.RATING, ("Comment jugez-vous l'accueil à la billetterie ?",
                                       "How do you rate the welcome at the ticket desk?")),
            Q("waited", Kind.SINGLE, ("Avez-vous attendu plus de dix minutes ?", "Did you wait more than ten minutes?"),
              choices=YES_NO),
            Q("improve", Kind.LONG_TEXT, ("Que pourrions-nous améliorer ?", "What could we do better?"),
              required=False),
        ],
    )
]  # fmt: skip

THEMES = [
    ("Les impressionnistes normands", "Normandy's impressionists"),
    ("La faïence de Rouen", "Rouen faience"),
    ("Le design du XXe siècle", "20th-century design"),
    ("La photographie", "Photography"),
    ("L'art contemporain", "Contemporary art"),
]
THEMES_PAGES: list[tuple[Text, list[Q]]] = [
    (
        ("Vos envies", "What you would like"),
        [
            Q("themes", Kind.MULTIPLE, ("Quels thèmes aimeriez-vous voir en 2027 ?",
                                        "Which topics would you like to see in 2027?"),
              help=("Trois choix au plus.", "Three choices at most."), max_choices=3,
              choices=_choices(*THEMES, other=OTHER)),
            Q("first", Kind.RANKING, ("Classez ces formats de visite.", "Rank these kinds of visit."),
              choices=_choices(("Une visite guidée", "A guided tour"), ("Un atelier", "A workshop"),
                               ("Une conférence", "A lecture"))),
            Q("interest", Kind.RATING, ("Votre intérêt pour les expositions temporaires ?",
                                        "Your interest in temporary exhibitions?")),
            Q("visits", Kind.NUMBER, ("Combien d'expositions visitez-vous par an ?",
                                      "How many exhibitions do you visit a year?"), bounds=(0, 50)),
        ],
    ),
    (
        ("Le club", "The club"),
        [
            Q("how", Kind.SINGLE, ("Comment avez-vous connu le club ?", "How did you hear about the club?"),
              choices=_choices(("À l'accueil d'un musée", "At a museum's desk"),
                               ("Par des proches", "From people I know"),
                               ("Sur les réseaux sociaux", "On social media"))),
            Q("services", Kind.LIKERT, ("Que pensez-vous de ces services ?", "What do you think of these services?"),
              choices=AGREEMENT, rows=[("Les horaires", "Opening hours"), ("Les visites guidées", "Guided tours"),
                                       ("La boutique du club", "The club shop")]),
            Q("recommend", Kind.NPS, ("Recommanderiez-vous le club à un proche ?",
                                      "Would you recommend the club to someone close?")),
            Q("idea", Kind.SHORT_TEXT, ("Une idée d'exposition ?", "An exhibition idea?"), required=False),
        ],
    ),
]  # fmt: skip

WORKSHOPS = [
    ("Gravure", "Printmaking"),
    ("Modelage en argile", "Clay modelling"),
    ("Dessin d'après les maîtres", "Drawing after the masters"),
    ("Photographie au musée", "Photography in the museum"),
]
POLL_PAGES: list[tuple[Text, list[Q]]] = [
    (
        ("", ""),
        [
            Q("workshop", Kind.SINGLE, ("Quel atelier aimeriez-vous pour les vacances ?",
                                        "Which workshop would you like for the holidays?"),
              choices=_choices(*WORKSHOPS)),
        ],
    )
]  # fmt: skip


# --- Pictures --------------------------------------------------------------------------------

INK = (27, 27, 31)
PAPER = (250, 247, 240)
WALL = (94, 14, 38)


def _label_picture(layout: str) -> ContentFile:
    """A wall label drawn on a museum wall: the three layouts the image-choice question compares."""
    image = Image.new("RGB", (640, 480), WALL)
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 90, 520, 390), fill=PAPER, outline=INK, width=4)
    if layout == "large":
        draw.text((150, 120), "MONET", fill=INK, font_size=64)
        draw.text((150, 210), "La Seine", fill=INK, font_size=44)
        draw.text((150, 270), "1883", fill=INK, font_size=44)
    elif layout == "illustrated":
        draw.rectangle((150, 115, 290, 215), outline=INK, width=4)
        draw.line((150, 215, 200, 160, 240, 190, 290, 140), fill=INK, width=4)
        for y in range(120, 370, 22):
            draw.line((310 if y < 225 else 150, y, 490, y), fill=INK, width=5)
    else:
        draw.text((150, 130), "MONET", fill=INK, font_size=40)
        for y in (200, 228):
            draw.line((150, y, 330, y), fill=INK, width=5)
        for row in range(7):
            for column in range(7):
                if (row * 3 + column * 5) % 4 < 2 or row in (0, 6) or column in (0, 6):
                    draw.rectangle((370 + column * 16, 230 + row * 16, 385 + column * 16, 245 + row * 16), fill=INK)
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"cartel-{layout}.png")


PICTURE_ALTS = {
    "large": ("Un cartel avec trois lignes en très grands caractères", "A label with three lines in very large print"),
    "illustrated": (
        "Un cartel couvert de texte, avec un petit dessin de l'œuvre en haut",
        "A label full of text, with a small drawing of the work at the top",
    ),
    "qr": ("Un cartel de deux lignes avec un QR code", "A two-line label with a QR code"),
}


# --- Building ---------------------------------------------------------------------------------


def _build(survey: Survey, pages: list[tuple[Text, list[Q]]]) -> dict[str, Question]:
    """The pages, questions, choices and rows, through the services staff use; question ref → question."""
    page_rows = [
        SurveyPage(survey=survey, position=n, title_fr=title[0], title_en=title[1] or None)
        for n, (title, _questions) in enumerate(pages, start=1)
    ]
    pages_save(survey=survey, pages=page_rows)
    built: dict[str, Question] = {}
    choices_of: dict[str, list[Choice]] = {}
    for page, (_title, questions) in zip(page_rows, pages, strict=True):
        for position, spec in enumerate(questions, start=1):
            condition_question = built[spec.condition[0]] if spec.condition else None
            question = question_save(
                question=Question(
                    page=page, position=position, kind=spec.kind, text_fr=spec.text[0], text_en=spec.text[1],
                    help_text_fr=spec.help[0], help_text_en=spec.help[1] or None, required=spec.required,
                    max_choices=spec.max_choices, min_value=spec.bounds[0], max_value=spec.bounds[1],
                    condition_question=condition_question,
                    condition_choice=choices_of[spec.condition[0]][spec.condition[1]] if spec.condition else None,
                )
            )  # fmt: skip
            choices = []
            for n, ((label_fr, label_en), is_other, picture) in enumerate(spec.choices, start=1):
                texts = {"label_fr": label_fr, "label_en": label_en}
                if picture:
                    texts["picture_alt_fr"], texts["picture_alt_en"] = PICTURE_ALTS[picture]
                choice = Choice(position=n, is_other=is_other, **texts)
                if picture:
                    choice.picture = _label_picture(picture)  # stored when the choice is saved
                choices.append(choice)
            if choices:
                choices_save(question=question, choices=choices, pictures_changed=[c for c in choices if c.picture])
            rows = [MatrixRow(position=n, label_fr=fr, label_en=en) for n, (fr, en) in enumerate(spec.rows, start=1)]
            if rows:
                rows_save(question=question, rows=rows)
            built[spec.ref], choices_of[spec.ref] = question, choices
    problems = survey_problems(survey=survey)
    if problems:
        raise ValueError(f"demo survey {survey.slug} cannot open: {problems}")
    return built


def _survey(*, slug: str, pages: list[tuple[Text, list[Q]]], now: datetime, **fields) -> Survey:
    """The survey of this slug, built when missing."""
    survey = Survey.objects.filter(slug=slug).first()
    if survey is not None:
        if fields["closes_at"] > now and survey.closes_at <= now:  # an open demo survey whose dates passed
            survey.opens_at, survey.closes_at = fields["opens_at"], fields["closes_at"]
            survey_save(survey=survey)
        return survey
    museums = fields.pop("audience_museums", [])
    survey = survey_save(survey=Survey(slug=slug, **fields))
    if museums:
        survey.audience_museums.set(museums)
    _build(survey, pages)
    return survey


# --- Respondents and their answers ------------------------------------------------------------


def _respondents(count: int, museums: list[Museum]) -> list[Member]:
    """Demo members who answered (no password: they never log in); found again by their address."""
    emails = [RESPONDENT_EMAIL.format(n) for n in range(1, count + 1)]
    existing = {member.email: member for member in Member.objects.filter(email__in=emails)}
    members = []
    for n, email in enumerate(emails, start=1):
        member = existing.get(email)
        if member is None:
            member = member_create(
                email=email, password=None, display_name=f"Répondant {n}",
                preferred_language="en" if n % 7 == 0 else "fr",
                favourite_museum=(museums[0] if n % 3 == 0 else museums[n % len(museums)]) if n % 5 else None,
            )  # fmt: skip
        members.append(member)
    return members


def _choice_ids(question: Question) -> list[int]:
    return list(question.choices.order_by("position").values_list("pk", flat=True))


def _weighted(rng: random.Random, options: list, weights: list[int]):
    return rng.choices(options, weights=weights[: len(options)])[0]


def _themes_answering(themes: Survey):
    """What a respondent answers to the 2027 topics survey (impressionists and faience lead), ids read once."""
    questions = _questions_by_ref(themes, THEMES_PAGES)
    key = {ref: str(question.pk) for ref, question in questions.items()}
    topics, visits, how, scale = (_choice_ids(questions[ref]) for ref in ("themes", "first", "how", "services"))
    service_rows = list(questions["services"].rows.order_by("position").values_list("pk", flat=True))

    def answers(rng: random.Random) -> dict[str, object]:
        picked = rng.sample(topics[:5], k=rng.choice([1, 2, 2, 3]))
        if topics[0] not in picked and rng.random() < 0.45:
            picked[0] = topics[0]
        chosen: list[dict] = [{"choice": choice} for choice in picked]
        if rng.random() < 0.06:
            other = rng.choice(["Les vitraux", "La mode", "L'archéologie"])
            chosen = [*chosen[:2], {"choice": topics[5], "other": other}]
        response: dict[str, object] = {
            key["themes"]: chosen,
            key["first"]: rng.sample(visits, k=len(visits)),
            key["interest"]: _weighted(rng, [1, 2, 3, 4, 5], [2, 4, 14, 40, 40]),
            key["visits"]: min(50, int(rng.expovariate(1 / 4))),
            key["how"]: _weighted(rng, how, [50, 30, 20]),
            key["services"]: {str(row): _weighted(rng, scale, [5, 15, 50, 30]) for row in service_rows},
            key["recommend"]: _weighted(rng, list(range(11)), [1, 1, 1, 2, 2, 4, 6, 12, 22, 24, 25]),
        }
        if rng.random() < 0.3:
            response[key["idea"]] = rng.choice(
                ["Jeanne d'Arc", "Les jardins", "Flaubert et la peinture", "La Seine", "Le street art", "Les automates"]
            )
        return response

    return answers


def _poll_answering(poll: Survey):
    workshop = _questions_by_ref(poll, POLL_PAGES)["workshop"]
    workshops = _choice_ids(workshop)
    return lambda rng: {str(workshop.pk): _weighted(rng, workshops, [30, 22, 35, 13])}


def _respond(survey: Survey, members: list[Member], answers_for, rng: random.Random) -> int:
    """Each member who has not answered yet responds, on a day spread over the survey's weeks (most early)."""
    done = set(Participation.objects.filter(survey=survey).values_list("member_id", flat=True))
    span = (min(survey.closes_at, timezone.now()) - survey.opens_at).total_seconds()
    count = 0
    structure = structure_of(survey)  # read once for every response
    for member in members:
        # Drawn for every member, answered or not, so a rerun draws the same for those still to answer.
        moment = survey.opens_at + timedelta(seconds=int(span * rng.random() ** 1.6))
        answers = answers_for(rng)
        if member.pk in done:
            continue
        submission_create(member=member, survey=survey, answers=answers, now=moment, structure=structure)
        count += 1
    return count


def demo_surveys_seed(*, museums: list[Museum], now: datetime | None = None) -> dict[str, Survey]:
    """Build the demo's surveys and poll (once) and their responses (once); slug → survey."""
    now = now or timezone.now()
    beaux_arts = next(museum for museum in museums if museum.slug == "beaux-arts")
    opened, closes = now - timedelta(days=2), now + OPEN_FOR
    cartels = _survey(
        slug="nos-cartels-sont-ils-clairs", pages=CARTELS_PAGES, now=now, kind=Survey.Kind.SURVEY,
        title_fr="Nos cartels sont-ils clairs ?", title_en="Are our labels clear?",
        introduction_fr="Le musée des Beaux-Arts réécrit les cartels de ses salles. Dites-nous ce qui vous aide "
        "à lire une œuvre : dix minutes, trois pages.",
        introduction_en="The Museum of Fine Arts is rewriting the labels in its rooms. Tell us what helps you "
        "read a work: ten minutes, three pages.",
        museum=beaux_arts, opens_at=opened, closes_at=closes,
    )  # fmt: skip
    welcome = _survey(
        slug="accueil-billetterie", pages=WELCOME_PAGES, now=now, kind=Survey.Kind.SURVEY, anonymous=True,
        title_fr="L'accueil à la billetterie", title_en="The welcome at the ticket desk",
        introduction_fr="Trois questions sur votre dernier passage à la billetterie d'un musée du réseau.",
        introduction_en="Three questions about your last visit to the ticket desk of a museum of the network.",
        opens_at=opened, closes_at=closes, points=20,
    )  # fmt: skip
    themes = _survey(
        slug="themes-expositions-2027", pages=THEMES_PAGES, now=now, kind=Survey.Kind.SURVEY,
        title_fr="Quels thèmes d'exposition pour 2027 ?", title_en="Which exhibition topics for 2027?",
        introduction_fr="Aidez les conservateurs à choisir les expositions de 2027.",
        introduction_en="Help the curators choose the exhibitions of 2027.",
        opens_at=now - timedelta(days=75), closes_at=now - timedelta(days=30),
    )  # fmt: skip
    poll = _survey(
        slug="atelier-des-vacances", pages=POLL_PAGES, now=now, kind=Survey.Kind.POLL,
        title_fr="Quel atelier aimeriez-vous pour les vacances ?",
        title_en="Which workshop would you like for the holidays?",
        opens_at=opened, closes_at=closes, results=Survey.Results.LIVE,
    )  # fmt: skip
    rng = random.Random(2027)  # the same responses on every machine
    respondents = _respondents(RESPONDENTS, museums)
    _respond(themes, respondents, _themes_answering(themes), rng)
    _respond(poll, respondents[:POLL_VOTES], _poll_answering(poll), rng)
    return {survey.slug: survey for survey in (cartels, welcome, themes, poll)}


def _questions_by_ref(survey: Survey, pages: list[tuple[Text, list[Q]]]) -> dict[str, Question]:
    """The built questions of a survey, by the demo's refs (pages and positions as declared)."""
    stored = {
        (question.page.position, question.position): question
        for question in Question.objects.filter(page__survey=survey).select_related("page")
    }
    return {
        spec.ref: stored[(page_number, position)]
        for page_number, (_title, specs) in enumerate(pages, start=1)
        for position, spec in enumerate(specs, start=1)
    }
