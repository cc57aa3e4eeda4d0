"""Staff build surveys in the admin: the forms' rules, duplication, the poster, who may do it."""

import html
import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from PIL import Image

from club.core.qr import qr_svg
from club.core.testing import browser_login
from club.members.permissions import MUSEUM_TEAM, staff_grant
from club.members.tests.factories import PASSWORD, MemberFactory, StaffFactory
from rewards.ledger.models import EarningRule, Reason
from surveys import building
from surveys.models import (
    Choice,
    MatrixRow,
    Participation,
    PendingResponse,
    Question,
    ResponseCount,
    Survey,
    SurveyPage,
)
from surveys.tests.test_building import question_make, rich_survey, survey_make

pytestmark = pytest.mark.django_db
Kind = Question.Kind


@pytest.fixture
def team_client(client):
    """A client logged in as a member of the museum team (the group's rights, not a superuser)."""
    staff = StaffFactory()
    staff_grant(member=staff, groups=[MUSEUM_TEAM])
    client.force_login(staff)
    return client


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def survey_data(survey: Survey | None = None, pages=None, **changes) -> dict:
    """The survey form as the admin posts it; `pages`: (position, title, page or None, delete), by default
    the survey's pages as they are."""
    if pages is None:
        pages = [(p.position, p.title_fr, p, False) for p in survey.pages.order_by("position")] if survey else []
    opens = timezone.localtime(survey.opens_at) if survey else timezone.localtime() + timedelta(days=7)
    closes = timezone.localtime(survey.closes_at) if survey else opens + timedelta(days=30)
    data = {
        "title_fr": survey.title_fr if survey else "Nos cartels sont-ils clairs ?",
        "title_en": (survey.title_en or "") if survey else "",
        "introduction_fr": (survey.introduction_fr or "") if survey else "Dites-nous.",
        "introduction_en": "",
        "kind": survey.kind if survey else "survey",
        "slug": survey.slug if survey else "cartels",
        "museum": "",
        "opens_at_0": opens.strftime("%d/%m/%Y"),
        "opens_at_1": opens.strftime("%H:%M:%S"),
        "closes_at_0": closes.strftime("%d/%m/%Y"),
        "closes_at_1": closes.strftime("%H:%M:%S"),
        "points": "" if not survey or survey.points is None else str(survey.points),
        "audience": survey.audience if survey else "all",
        "results": "live",
        **management("pages", len(pages), sum(1 for p in pages if p[2] is not None)),
    }
    if survey and survey.anonymous:
        data["anonymous"] = "on"
    if survey:
        data["audience_museums"] = [str(pk) for pk in survey.audience_museums.values_list("pk", flat=True)]
    for n, (position, title, page, delete) in enumerate(pages):
        data.update({f"pages-{n}-position": position, f"pages-{n}-title_fr": title, f"pages-{n}-title_en": ""})
        if page is not None:
            data[f"pages-{n}-id"] = str(page.pk)
            data[f"pages-{n}-survey"] = str(page.survey_id)
        if delete:
            data[f"pages-{n}-DELETE"] = "on"
    data.update(changes)
    return data


def question_data(page: SurveyPage, question: Question | None = None, choices=(), rows=(), **changes) -> dict:
    """The question form; `choices`: dicts of choice fields (with "obj" for a saved one), `rows`: labels."""
    data = {
        "page": str(page.pk),
        "position": str(question.position) if question else "",
        "kind": question.kind if question else Kind.SINGLE,
        "text_fr": question.text_fr if question else "Les cartels sont-ils lisibles ?",
        "text_en": "",
        "help_text_fr": "",
        "help_text_en": "",
        "required": "on",
        "max_length": "2000",
        "max_choices": "",
        "min_value": "",
        "max_value": "",
        "condition_question": "",
        "condition_choice": "",
        **management("choices", len(choices), sum(1 for c in choices if c.get("obj"))),
        **management("rows", len(rows), sum(1 for r in rows if isinstance(r, MatrixRow))),
    }
    for n, choice in enumerate(choices):
        fields = {"position": "", "label_fr": "", "label_en": "", "picture_alt_fr": "", "picture_alt_en": ""}
        fields.update({k: v for k, v in choice.items() if k != "obj"})
        if choice.get("obj"):
            fields.update({"id": str(choice["obj"].pk), "question": str(choice["obj"].question_id)})
        data.update({f"choices-{n}-{key}": value for key, value in fields.items()})
    for n, row in enumerate(rows):
        if isinstance(row, MatrixRow):
            data.update({f"rows-{n}-id": str(row.pk), f"rows-{n}-question": str(row.question_id)})
            row = row.label_fr
        data.update({f"rows-{n}-position": "", f"rows-{n}-label_fr": row, f"rows-{n}-label_en": ""})
    data.update(changes)
    return data


def labels(*names) -> list[dict]:
    return [{"label_fr": name} for name in names]


def errors_of(response) -> str:
    """Every error the admin shows on the page (form, fields, inlines), as text."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "errornote" in html
    return " | ".join(
        re.sub(r"<[^>]+>", "", match) for match in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    )


def add_question(client, page, **kwargs):
    return client.post(reverse("admin:surveys_question_add") + f"?page={page.pk}", question_data(page, **kwargs))


# --- Building a survey ---------------------------------------------------------------------------


def test_staff_build_a_survey_page_by_page_and_question_by_question(team_client, clock):
    response = team_client.post(
        reverse("admin:surveys_survey_add"),
        survey_data(pages=[("", "Votre visite", None, False), ("", "Les cartels", None, False)]),
    )
    assert response.status_code == 302, errors_of(response)
    survey = Survey.objects.get(slug="cartels")
    first, second = survey.pages.order_by("position")
    assert [(first.position, first.title_fr), (second.position, second.title_fr)] == [
        (1, "Votre visite"),
        (2, "Les cartels"),
    ]
    assert survey.opens_at == timezone.localtime().replace(microsecond=0, second=0) + timedelta(days=7)

    response = add_question(team_client, first, choices=labels("Oui", "Non", "Autre"))
    assert response.status_code == 302, errors_of(response)
    assert response["Location"] == reverse("admin:surveys_survey_change", args=[survey.pk]) + f"#plan-page-{first.pk}"
    often = Question.objects.get(page=first)
    assert often.position == 1 and list(often.choices.values_list("position", "label_fr")) == [
        (1, "Oui"),
        (2, "Non"),
        (3, "Autre"),
    ]
    yes = often.choices.get(position=1)

    response = add_question(
        team_client,
        second,
        choices=labels("Très", "Assez", "Peu"),
        rows=["Lisible", "Utile"],
        kind=Kind.LIKERT,
        text_fr="Nos cartels sont…",
        condition_question=str(often.pk),
        condition_choice=str(yes.pk),
    )
    assert response.status_code == 302, errors_of(response)
    matrix = Question.objects.get(page=second)
    assert (matrix.condition_question, matrix.condition_choice) == (often, yes)
    assert list(matrix.rows.values_list("position", "label_fr")) == [(1, "Lisible"), (2, "Utile")]

    page = team_client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert "Plan de l&#x27;enquête" in page or "Plan de l'enquête" in page
    assert reverse("admin:surveys_question_change", args=[matrix.pk]) in page
    assert "si « Les cartels sont-ils lisibles ? » = « Oui »" in page
    assert reverse("admin:surveys_question_add") + f"?page={second.pk}" in page


def test_the_add_question_page_starts_on_its_page_at_the_next_position(admin_client):
    survey = rich_survey()
    page = survey.pages.get(position=1)
    form = admin_client.get(reverse("admin:surveys_question_add") + f"?page={page.pk}").context["adminform"].form
    assert form.initial["page"] == page.pk and form.initial["position"] == 4
    assert set(form.fields["page"].queryset) == set(survey.pages.all())


def test_the_condition_dropdowns_offer_only_this_surveys_questions_that_can_be_conditions(admin_client):
    survey, other = rich_survey(), rich_survey(slug="autre")
    question = Question.objects.filter(page__survey=survey, page__position=2).first()
    form = admin_client.get(reverse("admin:surveys_question_change", args=[question.pk])).context["adminform"].form
    offered = set(form.fields["condition_question"].queryset)
    assert offered == set(
        Question.objects.filter(page__survey=survey, kind__in=building.CONDITION_KINDS).exclude(pk=question.pk)
    )
    assert not offered & set(Question.objects.filter(page__survey=other))
    choices = set(form.fields["condition_choice"].queryset)
    assert choices == set(Choice.objects.filter(question__in=offered))


QUESTION_ERRORS = [
    ("one choice", {"choices": labels("Oui")}, "Ajoutez au moins deux choix."),
    ("no row", {"kind": Kind.LIKERT, "choices": labels("Oui", "Non")}, "Une matrice a besoin d'au moins une ligne."),
    (
        "no picture",
        {"kind": Kind.IMAGE_CHOICE, "choices": [{"label_fr": "A", "picture_alt_fr": "Une affiche"}, {"label_fr": "B"}]},
        "Chaque choix d'un choix parmi des images a besoin d'une image et de son texte.",
    ),
    ("max for one", {"choices": labels("Oui", "Non"), "max_choices": "1"}, "Seules les questions à choix multiples"),
    ("min for a rating", {"kind": Kind.RATING, "min_value": "1"}, "Seules les questions « nombre » ont un minimum"),
    ("bounds", {"kind": Kind.NUMBER, "min_value": "10", "max_value": "2"}, "Le maximum doit être au moins égal"),
    (
        "two others",
        {"choices": [{"label_fr": "A"}, {"label_fr": "B", "is_other": "on"}, {"label_fr": "C", "is_other": "on"}]},
        "Un seul choix « Autre (précisez) » par question.",
    ),
    ("rows elsewhere", {"choices": labels("Oui", "Non"), "rows": ["Ligne"]}, "Seule une matrice a des lignes"),
    (
        "same positions",
        {"choices": [{"label_fr": "A", "position": "1"}, {"label_fr": "B", "position": "1"}]},
        "position",
    ),
]


@pytest.mark.parametrize(("case", "fields", "message"), QUESTION_ERRORS, ids=[case[0] for case in QUESTION_ERRORS])
def test_each_question_rule_shows_its_message_and_saves_nothing(admin_client, case, fields, message):
    survey = rich_survey()
    page = survey.pages.get(position=2)
    before = (Question.objects.count(), Choice.objects.count(), MatrixRow.objects.count())
    response = add_question(admin_client, page, **fields)
    assert message in errors_of(response).replace("&#x27;", "'")
    assert (Question.objects.count(), Choice.objects.count(), MatrixRow.objects.count()) == before


def _condition_cases(survey):
    often = Question.objects.get(page__survey=survey, text_fr="Venez-vous souvent ?")
    pictures = Question.objects.get(page__survey=survey, kind=Kind.IMAGE_CHOICE)
    later = Question.objects.filter(page__survey=survey, page__position=2).first()
    return often, pictures, later


def test_a_condition_on_a_later_question_or_on_another_questions_choice_is_refused(admin_client):
    survey = rich_survey()
    often, pictures, later = _condition_cases(survey)
    first = survey.pages.get(position=1)
    count = Question.objects.count()
    # On page 1, a new question may not depend on a question of page 2.
    response = add_question(
        admin_client,
        first,
        choices=labels("Oui", "Non"),
        condition_question=str(later.pk),
        condition_choice=str(later.choices.first().pk),
    )
    assert "La condition doit porter sur une question posée avant celle-ci" in errors_of(response).replace(
        "&#x27;", "'"
    )
    # The answer must be a choice of the condition's question.
    response = add_question(
        admin_client,
        survey.pages.get(position=2),
        choices=labels("Oui", "Non"),
        condition_question=str(often.pk),
        condition_choice=str(pictures.choices.first().pk),
    )
    assert "Cette réponse n&#x27;est pas un choix de la question choisie." in errors_of(response)
    assert Question.objects.count() == count


def test_a_condition_on_another_surveys_question_is_refused(admin_client):
    survey, other = rich_survey(), rich_survey(slug="autre")
    elsewhere = Question.objects.get(page__survey=other, text_fr="Venez-vous souvent ?")
    response = add_question(
        admin_client,
        survey.pages.get(position=2),
        choices=labels("Oui", "Non"),
        condition_question=str(elsewhere.pk),
        condition_choice=str(elsewhere.choices.first().pk),
    )
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not Question.objects.filter(condition_question=elsewhere, page__survey=survey).exists()


def test_moving_a_question_after_one_that_depends_on_it_is_refused(admin_client):
    survey = rich_survey(extra_questions=1)
    often = Question.objects.get(page__survey=survey, text_fr="Venez-vous souvent ?")
    second = survey.pages.get(position=2)
    choices = [
        {"obj": c, "position": str(c.position), "label_fr": c.label_fr, "is_other": "on" if c.is_other else ""}
        for c in often.choices.all()
    ]
    response = admin_client.post(
        reverse("admin:surveys_question_change", args=[often.pk]),
        question_data(second, often, choices=choices, position="9"),
    )
    assert "dépend de celle-ci et doit rester après elle" in errors_of(response)
    often.refresh_from_db()
    assert often.page.position == 1


# --- Surveys with responses, surveys that open --------------------------------------------------


def _answered(survey: Survey) -> None:
    Participation.objects.create(member=MemberFactory(), survey=survey, answered_on=timezone.localdate())


def test_anonymity_cannot_change_once_the_survey_has_responses(admin_client):
    survey = rich_survey(opens_in=timedelta(days=3))
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    assert "ne peut plus changer dès que l'enquête a reçu une réponse" in admin_client.get(url).content.decode()
    _answered(survey)
    data = survey_data(survey)
    data.pop("anonymous")
    response = admin_client.post(url, data)
    assert "elle ne peut plus changer d&#x27;anonymat" in errors_of(response)
    survey.refresh_from_db()
    assert survey.anonymous is True


def test_anonymity_may_change_before_any_response(admin_client):
    survey = rich_survey(opens_in=timedelta(days=3))
    data = survey_data(survey)
    data.pop("anonymous")
    response = admin_client.post(reverse("admin:surveys_survey_change", args=[survey.pk]), data)
    assert response.status_code == 302, errors_of(response)
    survey.refresh_from_db()
    assert survey.anonymous is False


def test_choices_and_questions_of_an_answered_survey_are_not_deleted(admin_client):
    survey = rich_survey()
    _answered(survey)
    matrix = Question.objects.get(page__survey=survey, kind=Kind.LIKERT)
    choices = [{"obj": c, "position": str(c.position), "label_fr": c.label_fr} for c in matrix.choices.all()]
    choices[2]["DELETE"] = "on"
    data = question_data(matrix.page, matrix, choices=choices, rows=list(matrix.rows.all()))
    response = admin_client.post(reverse("admin:surveys_question_change", args=[matrix.pk]), data)
    assert "ses choix et ses lignes ne se suppriment plus" in errors_of(response)
    assert matrix.choices.count() == 3

    response = admin_client.post(reverse("admin:surveys_question_delete", args=[matrix.pk]), {"post": "yes"})
    assert response.status_code == 302 and Question.objects.filter(pk=matrix.pk).exists()
    message = admin_client.get(response["Location"]).content.decode()
    assert "Cette enquête a déjà des réponses" in message

    response = admin_client.post(
        reverse("admin:surveys_question_changelist"), {"action": "delete_selected", "_selected_action": [matrix.pk]}
    )
    assert "l&#x27;enquête a déjà des réponses" in response.content.decode()
    assert Question.objects.filter(pk=matrix.pk).exists()


def test_deleting_a_question_with_the_questions_that_depend_on_it_in_one_action(admin_client):
    survey = rich_survey(extra_questions=2)
    often = Question.objects.get(page__survey=survey, text_fr="Venez-vous souvent ?")
    dependents = list(Question.objects.filter(condition_question=often).values_list("pk", flat=True))
    selected = [often.pk, *dependents]
    changelist = reverse("admin:surveys_question_changelist")
    confirm = admin_client.post(changelist, {"action": "delete_selected", "_selected_action": selected})
    assert confirm.status_code == 200
    response = admin_client.post(changelist, {"action": "delete_selected", "_selected_action": selected, "post": "yes"})
    assert response.status_code == 302
    assert not Question.objects.filter(pk__in=selected).exists()
    assert Question.objects.filter(page__survey=survey).count() == 2  # the matrix and the image choice


def test_the_list_searches_titles_in_both_languages(admin_client):
    survey_make(slug="cartels", title_fr="Nos cartels", title_en="Our labels")
    survey_make(slug="ateliers", title_fr="Vos ateliers", title_en="Your workshops")
    page = admin_client.get(reverse("admin:surveys_survey_changelist"), {"q": "labels"}).content.decode()
    assert "Nos cartels" in page and "Vos ateliers" not in page


def test_a_question_of_a_survey_without_responses_is_deleted(admin_client):
    survey = rich_survey(extra_questions=0)
    matrix = Question.objects.get(page__survey=survey, kind=Kind.LIKERT)
    response = admin_client.post(reverse("admin:surveys_question_delete", args=[matrix.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Question.objects.filter(pk=matrix.pk).exists()


def test_a_choice_a_condition_reads_is_not_deleted(admin_client):
    survey = rich_survey()
    often = Question.objects.get(page__survey=survey, text_fr="Venez-vous souvent ?")
    choices = [
        {"obj": c, "position": str(c.position), "label_fr": c.label_fr, "is_other": "on" if c.is_other else ""}
        for c in often.choices.all()
    ]
    choices[0]["DELETE"] = "on"
    response = admin_client.post(
        reverse("admin:surveys_question_change", args=[often.pk]), question_data(often.page, often, choices=choices)
    )
    assert "sert de condition à la question" in errors_of(response)
    assert often.choices.count() == 3 and Question.objects.filter(condition_question=often).count() == 3


def test_a_survey_cannot_open_while_a_question_is_incomplete(admin_client, clock):
    survey = rich_survey(opens_in=timedelta(days=3))
    lonely = question_make(survey.pages.get(position=2), text_fr="Seule ?", choices=("Oui",))
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    assert "« Seule ? » : Ajoutez au moins deux choix." in admin_client.get(url).content.decode()
    opens = timezone.localtime() - timedelta(hours=1)
    response = admin_client.post(
        url, survey_data(survey, opens_at_0=opens.strftime("%d/%m/%Y"), opens_at_1=opens.strftime("%H:%M:%S"))
    )
    text = errors_of(response)
    assert "ne peut pas être ouverte tant qu" in text and "« Seule ? » : Ajoutez au moins deux choix." in text
    survey.refresh_from_db()
    assert survey.opens_at > timezone.now()
    # Staff complete the question, then the survey opens.
    Choice.objects.create(question=lonely, position=2, label_fr="Non")
    response = admin_client.post(
        url, survey_data(survey, opens_at_0=opens.strftime("%d/%m/%Y"), opens_at_1=opens.strftime("%H:%M:%S"))
    )
    assert response.status_code == 302, errors_of(response)


def test_an_upcoming_incomplete_survey_saves_with_a_warning(admin_client):
    survey = survey_make(opens_in=timedelta(days=3))
    response = admin_client.post(
        reverse("admin:surveys_survey_change", args=[survey.pk]), survey_data(survey), follow=True
    )
    assert "À compléter avant l&#x27;ouverture" in response.content.decode()


def test_a_survey_form_refuses_a_closing_before_its_opening_and_fans_without_museums(admin_client):
    data = survey_data(audience=Survey.Audience.MUSEUM_FANS, closes_at_0="01/01/2020")
    text = errors_of(admin_client.post(reverse("admin:surveys_survey_add"), data))
    assert "La clôture doit venir après l&#x27;ouverture." in text
    assert "Choisissez au moins un musée pour ces destinataires." in text
    assert not Survey.objects.exists()


def test_pages_swap_positions_in_one_save_and_a_page_with_questions_is_not_deleted(admin_client):
    survey = survey_make()
    a = SurveyPage.objects.create(survey=survey, position=1, title_fr="A")
    b = SurveyPage.objects.create(survey=survey, position=2, title_fr="B")
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    response = admin_client.post(url, survey_data(survey, pages=[(2, "A", a, False), (1, "B", b, False)]))
    assert response.status_code == 302, errors_of(response)
    assert list(survey.pages.order_by("position").values_list("title_fr", flat=True)) == ["B", "A"]
    question_make(a)
    response = admin_client.post(url, survey_data(survey, pages=[(2, "A", a, True), (1, "B", b, False)]))
    assert "Une page qui contient des questions ne se supprime pas" in errors_of(response)
    assert survey.pages.count() == 2


def test_a_refusal_by_the_database_at_save_time_is_a_form_error_not_a_server_error(admin_client, monkeypatch):
    survey = rich_survey()
    page = survey.pages.get(position=2)
    real_save = building.question_save

    def someone_else_first(*, question):
        # Another member of staff saves a question at the same position between our check and our write.
        question_make(page, position=question.position, text_fr="Arrivée avant")
        return real_save(question=question)

    monkeypatch.setattr(building, "question_save", someone_else_first)
    response = add_question(admin_client, page, choices=labels("Oui", "Non"), position="7")
    assert "Une autre question occupe déjà cette position sur cette page." in errors_of(response)
    assert not Question.objects.filter(page=page, position=7).exists()
    assert response.context["adminform"].form.data["text_fr"] == "Les cartels sont-ils lisibles ?"


def test_a_response_arriving_while_staff_change_anonymity_keeps_the_form_and_saves_nothing(admin_client, monkeypatch):
    survey = rich_survey(opens_in=timedelta(days=3))
    real_save = building.survey_save

    def answered_meanwhile(*, survey):
        _answered(survey)  # a member's response lands between the form's check and the write
        return real_save(survey=survey)

    monkeypatch.setattr(building, "survey_save", answered_meanwhile)
    data = survey_data(survey, title_fr="Nouveau titre")
    data.pop("anonymous")
    response = admin_client.post(reverse("admin:surveys_survey_change", args=[survey.pk]), data)
    assert "son anonymat ne change plus" in errors_of(response)
    survey.refresh_from_db()
    assert survey.anonymous is True and survey.title_fr == "Nos cartels sont-ils clairs ?"


def test_odd_addresses_of_the_question_form_and_the_poster_never_fail(admin_client):
    add = reverse("admin:surveys_question_add")
    for query in ("?page=abc", "?page=999999", "?page=", ""):
        assert admin_client.get(add + query).status_code == 200, query
    assert admin_client.get(reverse("admin:surveys_survey_poster", args=[999999])).status_code == 404
    assert admin_client.post(reverse("admin:surveys_survey_duplicate", args=[999999])).status_code == 404
    survey = survey_make()
    assert admin_client.get(reverse("admin:surveys_survey_poster", args=[survey.pk]), {"lang": "xx"}).status_code == 200


# --- Pictures -------------------------------------------------------------------------------------


def _jpeg(size=(1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 40)).save(out, format="JPEG")
    return out.getvalue()


def test_a_file_that_is_not_an_image_is_refused_and_stored_nowhere(admin_client, settings):
    survey = rich_survey()
    choices = [
        {
            "label_fr": "A",
            "picture_alt_fr": "Une affiche",
            "picture": SimpleUploadedFile("a.jpg", b"not an image at all"),
        },
        {"label_fr": "B", "picture_alt_fr": "Une autre", "picture": SimpleUploadedFile("b.jpg", _jpeg()[:500])},
    ]
    response = add_question(admin_client, survey.pages.get(position=2), kind=Kind.IMAGE_CHOICE, choices=choices)
    assert "n&#x27;est pas une image" in errors_of(response)
    assert not Question.objects.filter(kind=Kind.IMAGE_CHOICE, page__position=2).exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_image_choices_are_stored_with_their_thumbnails(admin_client):
    survey = rich_survey()
    choices = [
        {"label_fr": name, "picture_alt_fr": f"Affiche {name}", "picture": SimpleUploadedFile(f"{name}.jpg", _jpeg())}
        for name in ("A", "B")
    ]
    response = add_question(admin_client, survey.pages.get(position=2), kind=Kind.IMAGE_CHOICE, choices=choices)
    assert response.status_code == 302, errors_of(response)
    question = Question.objects.get(kind=Kind.IMAGE_CHOICE, page__position=2)
    for choice in question.choices.all():
        assert choice.picture.name.startswith("surveys/choices/") and choice.thumbnail.name.startswith(
            "surveys/choices/thumbs/"
        )
        assert choice.thumbnail.size > 0


# --- The list -------------------------------------------------------------------------------------


def test_the_list_counts_responses_from_the_counters_in_constant_queries(admin_client, clock):
    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(reverse("admin:surveys_survey_changelist"))
        assert response.status_code == 200
        return len(queries)

    today = timezone.localdate()
    for n in range(2):
        survey = survey_make(slug=f"s{n}", opens_in=timedelta(days=-1))
        ResponseCount.objects.create(survey=survey, day=today, count=7)
        ResponseCount.objects.create(survey=survey, day=today - timedelta(days=1), museum=3, count=5)
    few = list_queries()
    for n in range(2, 12):
        survey_make(slug=f"s{n}", opens_in=timedelta(days=-1))
    assert list_queries() == few
    page = admin_client.get(reverse("admin:surveys_survey_changelist")).content.decode()
    assert '<td class="field-responses">12</td>' in page
    assert "heure de Paris" in page or "(Paris)" in page


def test_an_anonymous_surveys_responses_waiting_to_be_written_are_said_in_the_list(admin_client):
    survey = survey_make(slug="anonyme", opens_in=timedelta(days=-1), anonymous=True)
    ResponseCount.objects.create(survey=survey, day=timezone.localdate(), count=5)
    PendingResponse.objects.bulk_create([PendingResponse(survey=survey, sealed=b"sealed") for _n in range(3)])
    page = admin_client.get(reverse("admin:surveys_survey_changelist")).content.decode()
    assert '<td class="field-responses">5 (+ 3 en attente)</td>' in page


def test_opening_and_closing_show_in_paris_to_the_minute(admin_client):
    survey = survey_make(slug="minute")
    survey.opens_at = datetime(2026, 12, 12, 17, 0, 27, tzinfo=UTC)  # 18:00:27 in Paris
    survey.closes_at = datetime(2027, 1, 12, 17, 30, 59, tzinfo=UTC)
    survey.save()
    page = admin_client.get(reverse("admin:surveys_survey_changelist")).content.decode()
    assert '<td class="field-opens nowrap">12/12/2026 18:00</td>' in page or (
        '<td class="field-opens">12/12/2026 18:00</td>' in page
    )
    assert "12/01/2027 18:30" in page and "18:00:27" not in page and "18:30:59" not in page
    form = admin_client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert re.search(r'<input type="text" name="opens_at_1" value="18:00"', form)
    assert re.search(r'<input type="text" name="closes_at_1" value="18:30"', form)


def test_the_list_filters_by_state(admin_client, clock):
    survey_make(slug="a-venir")
    survey_make(slug="ouverte", opens_in=timedelta(days=-1), title_fr="Ouverte maintenant")
    survey_make(slug="close", opens_in=timedelta(days=-90), title_fr="Close depuis longtemps")
    page = admin_client.get(reverse("admin:surveys_survey_changelist"), {"state": "open"}).content.decode()
    assert "Ouverte maintenant" in page and "Close depuis longtemps" not in page


def test_the_points_help_says_the_earning_rules_defaults(admin_client):
    EarningRule.objects.filter(action=Reason.SURVEY_ANSWERED).update(points=55)
    from rewards.ledger.services import earning_rule_changed

    earning_rule_changed(action=Reason.SURVEY_ANSWERED)
    page = admin_client.get(reverse("admin:surveys_survey_add")).content.decode()
    assert "actuellement 55 pour une enquête" in page


# --- Wording ---------------------------------------------------------------------------------------


def _h1(response) -> str:
    assert response.status_code == 200
    return html.unescape(re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S).group(1))


def test_the_admin_pages_are_titled_as_a_curator_says_it(admin_client):
    survey = rich_survey(opens_in=timedelta(days=3))
    poll = survey_make(slug="sondage", kind=Survey.Kind.POLL, title_fr="Quel atelier ?")
    question = Question.objects.filter(page__survey=survey).first()
    assert _h1(admin_client.get(reverse("admin:surveys_survey_changelist"))) == "Enquêtes et sondages"
    assert _h1(admin_client.get(reverse("admin:surveys_survey_add"))) == "Créer une enquête ou un sondage"
    change = admin_client.get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    assert _h1(change) == "Modifier l'enquête « Nos cartels sont-ils clairs ? »"
    assert _h1(admin_client.get(reverse("admin:surveys_survey_change", args=[poll.pk]))) == (
        "Modifier le sondage « Quel atelier ? »"
    )
    add_question_page = admin_client.get(reverse("admin:surveys_question_add") + f"?page={question.page_id}")
    assert _h1(add_question_page) == "Nouvelle question"
    question_page = admin_client.get(reverse("admin:surveys_question_change", args=[question.pk]))
    assert _h1(question_page) == "Modifier la question"
    assert _h1(admin_client.get(reverse("admin:surveys_participation_changelist"))) == (
        "Qui a répondu, par enquête ou sondage"
    )
    pages = change.content.decode() + question_page.content.decode()
    for django_wording in ("Modification de", "Sélectionnez l", "Ajouter un objet", "Ajout de", "Ajouter enquête"):
        assert django_wording not in html.unescape(pages), django_wording
    formsets = [json.loads(html.unescape(data)) for data in re.findall(r'data-inline-formset="([^"]+)"', pages)]
    assert {data["options"]["prefix"]: data["options"]["addText"] for data in formsets} == {
        "pages": "Ajouter une page",
        "choices": "Ajouter un choix",
        "rows": "Ajouter une ligne",
    }
    lists = admin_client.get(reverse("admin:surveys_survey_changelist")).content.decode()
    assert "Créer une enquête ou un sondage" in lists  # the "add" button


def test_staff_who_may_only_look_read_consulter(client):
    survey = rich_survey()
    staff = StaffFactory()
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_survey", "view_question"]))
    client.force_login(staff)
    page = client.get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    assert _h1(page) == "Consulter l'enquête « Nos cartels sont-ils clairs ? »"
    question = Question.objects.filter(page__survey=survey).first()
    assert _h1(client.get(reverse("admin:surveys_question_change", args=[question.pk]))) == "Consulter la question"


# --- The question page: what applies to its kind, the condition's answers ----------------------------


def _select(page: str, name: str) -> str:
    return re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)


def _condition_groups(page: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The condition's answers as the page offers them: (group label, [(question id, answer)])."""
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', _select(page, "condition_choice"), re.S)
    return [
        (html.unescape(label), [(re.search(r'data-question="(\d+)"', attrs).group(1), html.unescape(text))
                                for attrs, text in re.findall(r'<option value="\d+"([^>]*)>([^<]*)</option>', body)])
        for label, body in groups
    ]  # fmt: skip


def test_the_conditions_answers_are_grouped_by_question_on_the_demo_surveys(admin_client):
    call_command("seed_demo", force=True)
    conditioned = Question.objects.filter(condition_question__isnull=False).select_related("page")
    assert conditioned.exists()
    most_others = 0
    for question in conditioned:
        page = admin_client.get(reverse("admin:surveys_question_change", args=[question.pk])).content.decode()
        groups = _condition_groups(page)
        candidates = [
            q for q in building.condition_candidates(survey_id=question.page.survey_id).exclude(pk=question.pk)
            if q.choices.exists()
        ]  # fmt: skip
        assert [label for label, _options in groups] == [
            f"{q.page.position}.{q.position} — {q.text}" for q in candidates
        ]
        for candidate, (_label, options) in zip(candidates, groups, strict=True):
            assert {int(pk) for pk, _text in options} == {candidate.pk}  # each answer names its own question
            assert [text for _pk, text in options] == list(candidate.choices.order_by("position").values_list(
                "label", flat=True))  # fmt: skip
        others = [pk for _label, options in groups for pk, text in options if text == "Autre (précisez)"]
        assert len(others) == len(set(others))  # each "Autre (précisez)" under its own question
        most_others = max(most_others, len(others))
    assert most_others >= 2  # the demo has the case that was confusing: two "Autre (précisez)" to choose from


def test_the_question_page_carries_what_applies_to_each_kind_and_a_wide_text(admin_client):
    survey = rich_survey()
    question = Question.objects.filter(page__survey=survey, kind=Kind.IMAGE_CHOICE).get()
    page = admin_client.get(reverse("admin:surveys_question_change", args=[question.pk])).content.decode()
    assert 'src="/static/js/survey-question-admin.js"' in page and "<script>" not in page
    rules = json.loads(re.search(r'<script id="question-kind-parts" type="application/json">(.*?)</script>', page,
                                 re.S).group(1))  # fmt: skip
    assert rules["inlines"] == {"choices": sorted(Question.CHOICE_KINDS), "rows": [Kind.LIKERT]}
    assert rules["fields"]["max_length"] == [Kind.SHORT_TEXT, Kind.LONG_TEXT]
    assert rules["fields"]["max_choices"] == [Kind.MULTIPLE] and rules["fields"]["min_value"] == [Kind.NUMBER]
    assert rules["columns"]["picture"] == [Kind.IMAGE_CHOICE] and rules["columns"]["picture_alt_en"] == [
        Kind.IMAGE_CHOICE
    ]
    assert rules["columns"]["is_other"] == sorted(building.OTHER_KINDS)
    for name in ("text_fr", "text_en", "help_text_fr"):
        tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', page).group(0)
        assert "vLargeTextField" in tag and "vTextField" not in tag, tag
    # The current picture is a short link (the thumbnail shows it): its long stored name widened the table.
    assert "voir l&#x27;image</a>" in page and ">surveys/choices/a.jpg</a>" not in page


def test_saving_a_question_of_another_kind_is_checked_as_before(admin_client):
    """The page's script only hides: the server refuses what does not apply, whatever is posted."""
    survey = rich_survey(opens_in=timedelta(days=3))
    page = survey.pages.get(position=2)
    response = add_question(admin_client, page, kind=Kind.SHORT_TEXT, choices=labels("Oui", "Non"))
    assert "Ce type de question n&#x27;a pas de choix" in errors_of(response)
    response = add_question(admin_client, page, kind=Kind.SHORT_TEXT, max_choices="2")
    assert "Seules les questions à choix multiples" in errors_of(response).replace("&#x27;", "'")


# --- Duplicating ------------------------------------------------------------------------------------


def test_the_duplicate_button_copies_and_opens_the_copy(team_client, clock):
    survey = rich_survey()
    url = reverse("admin:surveys_survey_duplicate", args=[survey.pk])
    assert url in team_client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert team_client.get(url).status_code == 200
    response = team_client.post(url)
    copy = Survey.objects.exclude(pk=survey.pk).get()
    assert response["Location"] == reverse("admin:surveys_survey_change", args=[copy.pk])
    assert copy.title_fr.endswith("(copie)") and Question.objects.filter(page__survey=copy).count() == 6
    assert "Copie créée" in team_client.get(response["Location"]).content.decode()


def test_the_duplicate_action_copies_each_selected_survey(admin_client, clock):
    one, two = rich_survey(slug="un-2025"), rich_survey(slug="deux-2025")
    response = admin_client.post(
        reverse("admin:surveys_survey_changelist"), {"action": "duplicate", "_selected_action": [one.pk]}
    )
    copy = Survey.objects.exclude(pk__in=[one.pk, two.pk]).get()
    assert copy.slug.startswith("un-") and copy.title_fr.endswith("(copie)")
    assert response["Location"] == reverse("admin:surveys_survey_change", args=[copy.pk])
    admin_client.post(
        reverse("admin:surveys_survey_changelist"), {"action": "duplicate", "_selected_action": [one.pk, two.pk]}
    )
    assert Survey.objects.count() == 5


# --- The poster -------------------------------------------------------------------------------------


def _member_url(survey) -> str | None:
    try:
        return settings.SITE_URL + reverse("surveys:detail", kwargs={"slug": survey.slug})
    except NoReverseMatch:
        return None


def test_the_poster_shows_the_title_points_closing_date_and_a_qr_code_to_the_survey(team_client, clock):
    survey = rich_survey(opens_in=timedelta(days=-1))
    survey.closes_at = timezone.make_aware(timezone.datetime(2026, 12, 1, 0, 0))
    survey.save()
    url = reverse("admin:surveys_survey_poster", args=[survey.pk])
    assert url in team_client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert url in team_client.get(reverse("admin:surveys_survey_changelist")).content.decode()
    page = team_client.get(url).content.decode()
    assert "Nos cartels sont-ils clairs ?" in page and "Club des visiteurs" in page
    assert "<strong>25</strong> points offerts" in page
    assert "Jusqu'au lundi 30 novembre 2026 inclus" in page
    assert "css/poster.css" in page and "js/poster.js" in page and "<script>" not in page
    css = (Path(settings.BASE_DIR) / "static/css/poster.css").read_text()
    assert "@page { size: A4 portrait;" in css and "@media print" in css
    member_url = _member_url(survey)
    if member_url is None:
        assert "n&#x27;existe pas encore" in page  # the member page is missing: no QR code, and staff are told
    else:
        assert qr_svg(member_url) in page and member_url in page
        assert "<svg" in page


def test_the_poster_in_english_uses_the_english_texts(admin_client):
    survey = rich_survey(opens_in=timedelta(days=-1))
    page = admin_client.get(reverse("admin:surveys_survey_poster", args=[survey.pk]), {"lang": "en"}).content.decode()
    assert '<html lang="en">' in page and "Are our labels clear?" in page


def test_the_poster_uses_the_earning_rule_when_the_survey_sets_no_points(admin_client):
    survey = survey_make(points=None)
    page = admin_client.get(reverse("admin:surveys_survey_poster", args=[survey.pk])).content.decode()
    from surveys.selectors import survey_points

    assert f"<strong>{survey_points(survey=survey)}</strong> points offerts" in page


# --- Links to the other survey pages, who may do what ---------------------------------------------


def test_the_change_page_links_to_the_preview_and_results_once_they_exist(admin_client):
    survey = rich_survey()
    page = admin_client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    for name, kwargs in [("surveys:preview", {"slug": survey.slug}), ("survey_results:results", {"pk": survey.pk})]:
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        assert f'href="{url}"' in page, name


def test_the_museum_team_reaches_every_survey_page_of_the_admin(team_client):
    survey = rich_survey()
    question = Question.objects.filter(page__survey=survey).first()
    for url in [
        reverse("admin:surveys_survey_changelist"),
        reverse("admin:surveys_survey_add"),
        reverse("admin:surveys_survey_change", args=[survey.pk]),
        reverse("admin:surveys_question_add") + f"?page={question.page_id}",
        reverse("admin:surveys_question_change", args=[question.pk]),
        reverse("admin:surveys_survey_poster", args=[survey.pk]),
        reverse("admin:surveys_survey_duplicate", args=[survey.pk]),
        reverse("admin:surveys_participation_changelist"),
    ]:
        assert team_client.get(url).status_code == 200, url


def test_members_and_staff_without_rights_do_not_reach_the_survey_admin(client):
    survey = rich_survey()
    urls = [
        reverse("admin:surveys_survey_changelist"),
        reverse("admin:surveys_survey_change", args=[survey.pk]),
        reverse("admin:surveys_survey_poster", args=[survey.pk]),
        reverse("admin:surveys_survey_duplicate", args=[survey.pk]),
    ]
    client.force_login(MemberFactory())
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    assert client.post(urls[3]).status_code == 302
    client.force_login(StaffFactory())  # staff, but in no group
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert Survey.objects.count() == 1


def test_participations_are_read_only_and_responses_are_not_in_the_admin(admin_client):
    survey = rich_survey()
    _answered(survey)
    assert admin_client.get(reverse("admin:surveys_participation_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:surveys_participation_add")).status_code == 403
    for name in (
        "admin:surveys_submission_changelist",
        "admin:surveys_answer_changelist",
        "admin:surveys_draft_changelist",
    ):
        with pytest.raises(NoReverseMatch):
            reverse(name)


def test_the_museum_team_group_holds_every_survey_permission():
    team = Group.objects.get(name=MUSEUM_TEAM)
    codes = set(team.permissions.filter(content_type__app_label="surveys").values_list("codename", flat=True))
    assert {"add_survey", "change_survey", "delete_question", "add_choice", "view_results"} <= codes


# --- In a browser ---------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_survey_admin_page_and_its_poster_in_a_browser(browser, live_server, axe_check):
    survey = rich_survey(opens_in=timedelta(days=-1))
    staff = StaffFactory(email="equipe@exemple.fr")
    staff_grant(member=staff, groups=[MUSEUM_TEAM])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        browser_login(page, live_server.url, staff.email, PASSWORD)
        page.wait_for_url("**/equipe/")
        page.goto(f"{live_server.url}{reverse('admin:surveys_survey_changelist')}")
        hidden = page.evaluate(
            "(() => { const box = document.querySelector('.results'); return box.scrollWidth - box.clientWidth; })()"
        )
        assert hidden <= 0, f"the list hides {hidden} px of columns"
        page.goto(f"{live_server.url}{reverse('admin:surveys_survey_change', args=[survey.pk])}")
        assert page.get_by_role("heading", name=re.compile("Plan de l.enquête")).is_visible()
        axe_check(page, "survey admin change page")
        page.get_by_role("link", name="Question 3 ?").click()  # the image choice, from the plan
        page.wait_for_url("**/question/*/change/")
        assert page.get_by_role(
            "heading", name="Choix (pour une matrice : son échelle, de gauche à droite)"
        ).is_visible()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        table = page.locator("#choices-group table").bounding_box()
        content = page.locator("#content").bounding_box()
        assert table["x"] + table["width"] <= content["x"] + content["width"]  # the choices fit the page
        # An image choice: its pictures, no matrix rows, no limits, no "Autre (précisez)".
        assert page.get_by_role("columnheader", name="Image", exact=True).is_visible()
        assert not page.locator("#rows-group").is_visible()
        assert not page.get_by_label("Longueur maximale").is_visible()
        assert not page.locator("th.column-is_other").is_visible()
        axe_check(page, "question admin change page")
        page.go_back()
        page.get_by_role("link", name="Affiche à imprimer").click()
        page.wait_for_url("**/poster/")
        assert page.get_by_role("heading", level=1).inner_text() == "Nos cartels sont-ils clairs ?"
        assert page.get_by_role("button", name="Imprimer").is_visible()  # shown by poster.js
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        axe_check(page, "survey poster")
        page.emulate_media(media="print")
        assert not page.locator(".poster-toolbar").is_visible()
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_question_page_shows_what_applies_to_its_kind_and_the_conditions_answers(browser, live_server, axe_check):
    survey = rich_survey(opens_in=timedelta(days=3))
    second = survey.pages.get(position=2)
    text = question_make(second, Kind.SHORT_TEXT, choices=(), text_fr="Un mot ?")
    staff = StaffFactory(email="equipe@exemple.fr")
    staff_grant(member=staff, groups=[MUSEUM_TEAM])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        browser_login(page, live_server.url, staff.email, PASSWORD)
        page.wait_for_url("**/equipe/")
        page.goto(f"{live_server.url}{reverse('admin:surveys_question_change', args=[text.pk])}")
        kind = page.get_by_label("Type de question")
        # A short text: its length, no choices, no rows, no other limit.
        assert page.get_by_label("Longueur maximale").is_visible()
        assert not page.locator("#choices-group").is_visible() and not page.locator("#rows-group").is_visible()
        assert not page.get_by_label("Nombre maximum de choix").is_visible()
        assert not page.locator("#id_min_value").is_visible()
        axe_check(page, "question page of a short text")
        kind.select_option("multiple")
        assert page.locator("#choices-group").is_visible() and page.get_by_label("Nombre maximum de choix").is_visible()
        assert page.locator("th.column-is_other").is_visible() and not page.locator("th.column-picture").is_visible()
        assert not page.get_by_label("Longueur maximale").is_visible() and not page.locator("#rows-group").is_visible()
        page.get_by_role("button", name="Ajouter un choix").click()
        assert not page.locator("#choices-group td.field-picture").last.is_visible()  # the added row too
        kind.select_option("likert")
        assert page.locator("#rows-group").is_visible() and not page.locator("th.column-is_other").is_visible()
        kind.select_option("number")
        assert page.locator("#id_min_value").is_visible() and page.locator("#id_max_value").is_visible()
        assert not page.locator("#choices-group").is_visible()

        # The condition: only the chosen question's answers.
        condition = page.get_by_label("Seulement si la question")
        answer = page.get_by_label("A pour réponse")
        often = Question.objects.get(page__survey=survey, text_fr="Venez-vous souvent ?")
        condition.select_option(str(often.pk))
        offered = answer.locator("option").all_text_contents()
        assert offered == ["---------", *often.choices.order_by("position").values_list("label_fr", flat=True)]
        pictures = Question.objects.get(page__survey=survey, kind=Kind.IMAGE_CHOICE)
        answer.select_option(label="Oui")
        condition.select_option(str(pictures.pk))
        assert answer.locator("option").all_text_contents() == ["---------", "Affiche A", "Affiche B"]
        assert answer.input_value() == ""  # "Oui" belonged to the other question
        condition.select_option("")
        assert answer.locator("optgroup").count() == len(
            {c.question_id for c in Choice.objects.filter(question__page__survey=survey, question__kind__in=
             building.CONDITION_KINDS).exclude(question=text)}
        )  # fmt: skip
        axe_check(page, "question page of a number with a condition")
    finally:
        context.close()
