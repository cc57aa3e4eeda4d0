"""Admin of surveys and polls: staff build them, duplicate them and print their posters.

Pages and questions. Django's admin has no nested inlines, and a question is too
rich for one row of a table (its kind, text and help in two languages, limits, a
condition, then its choices with pictures, or its matrix rows). So:
- the survey's page holds its pages as an inline (position, title, how many
  questions) and, under them, the **plan** of the survey: every question of every
  page in order, with its kind, its choices and its condition, a link to edit it
  and "Ajouter une question à cette page"; what still keeps the survey from
  opening is listed at the top;
- each question has its own page (`QuestionAdmin`, not listed on the admin's
  index: it is reached from the plan) with its choices and matrix rows as
  inlines; saving it leads back to the survey's plan.
Museum staff see the whole survey at a glance on one page and edit one question
at a time with room for its choices and pictures, instead of a page of nested
tables.

The audience's museums are checkboxes rather than Django's two-box selector
(`filter_horizontal`): the network has a handful of museums, checkboxes need no
script, and that selector's script adds ARIA attributes axe refuses.

Every write goes through `surveys.building`'s services. A refusal at save time —
a service's DomainError, or the database's IntegrityError when two people save at
once — is shown on the form with what was typed kept (`_RefusalsAsFormErrors`),
never as a server error.

The survey page also links to the member preview and the results (pages of
their own, linked only once their addresses exist), the A4 poster with its QR
code (`<id>/poster/`) and "Dupliquer" (`<id>/duplicate/`, also an action of the
list). Who answered a survey shows read-only (Participation: member, survey,
day); responses never show here, so an anonymous survey's answers stay apart
from any member.

Wording: the pages are titled as a curator says it ("Modifier l'enquête « … »",
"Enquêtes et sondages") rather than Django's "Modification de enquête", the
inlines' links say what they add ("Ajouter un choix"), and times are to the
minute. The question page shows only what applies to its kind and offers only
the chosen condition question's answers (`static/js/survey-question-admin.js`,
from the rules in `QUESTION_KIND_PARTS`); without JavaScript everything shows,
and the server checks the same rules either way.
"""

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from club.core.admin_base import ReadOnlyAdmin, cut_column
from club.core.errors import DomainError
from club.core.images import CheckedImageField
from club.core.qr import qr_svg_cached
from surveys import building
from surveys.admin_forms import (
    ChoiceFormSet,
    ChoiceInlineForm,
    PageFormSet,
    PageInlineForm,
    PictureInput,
    QuestionAdminForm,
    RowFormSet,
    RowInlineForm,
    SurveyAdminForm,
)
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
from surveys.selectors import survey_points

Kind = Question.Kind

# What each part of the question page applies to (the kinds showing it); the page's script hides the rest.
# Fields of the form, then the inlines (by prefix), then columns of the choices' table.
QUESTION_KIND_PARTS: dict[str, dict[str, list[str]]] = {
    "fields": {
        "max_choices": [Kind.MULTIPLE],
        "min_value": [Kind.NUMBER],
        "max_value": [Kind.NUMBER],
        "max_length": [Kind.SHORT_TEXT, Kind.LONG_TEXT],
    },
    "inlines": {"choices": sorted(Question.CHOICE_KINDS), "rows": [Kind.LIKERT]},
    "columns": {
        "is_other": sorted(building.OTHER_KINDS),
        "picture": [Kind.IMAGE_CHOICE],
        **{f"picture_alt_{code}": [Kind.IMAGE_CHOICE] for code, _name in settings.LANGUAGES},
        "thumbnail_preview": [Kind.IMAGE_CHOICE],
    },
}


def paris_minute(moment) -> str:
    """A date and time in Paris, to the minute ("12/12/2026 18:00")."""
    local = moment.astimezone(building.PARIS)
    return f"{formats.date_format(local, 'SHORT_DATE_FORMAT')} {formats.time_format(local, 'H:i')}"


# What the database's refusals mean, by constraint name (PostgreSQL) or by columns (SQLite).
_CONSTRAINT_MESSAGES = [
    (
        ("surveys_page_position_unique", "surveys_surveypage.survey_id, surveys_surveypage.position"),
        _("Deux pages de l'enquête ont la même position."),
    ),
    (
        ("surveys_question_position_unique", "surveys_question.page_id, surveys_question.position"),
        _("Une autre question occupe déjà cette position sur cette page."),
    ),
    (
        ("surveys_choice_position_unique", "surveys_choice.question_id, surveys_choice.position"),
        _("Deux choix de la question ont la même position."),
    ),
    (
        ("surveys_row_position_unique", "surveys_matrixrow.question_id, surveys_matrixrow.position"),
        _("Deux lignes de la matrice ont la même position."),
    ),
    (("surveys_survey_slug", "surveys_survey.slug"), _("Une autre enquête a déjà cet identifiant d'adresse.")),
    (("surveys_survey_closes_after_opening",), _("La clôture doit venir après l'ouverture.")),
    (("surveys_question_",), _("Cette question ne respecte pas les règles de l'enquête (condition ou limites).")),
]


def refusal_message(error: Exception) -> str:
    if isinstance(error, DomainError):
        return str(error.message)
    text = str(error)
    for keys, message in _CONSTRAINT_MESSAGES:
        if any(key in text for key in keys):
            return gettext("%(problem)s Rien n'a été enregistré : vérifiez et enregistrez à nouveau.") % {
                "problem": message
            }
    return gettext(
        "La base de données a refusé l'enregistrement (quelqu'un a peut-être modifié cette enquête en même "
        "temps). Rien n'a été enregistré : vérifiez et enregistrez à nouveau."
    )


class _InlineAdminFormSet(helpers.InlineAdminFormSet):
    """An inline whose link says what it adds ("Ajouter un choix"), not "Ajouter un objet Choix supplémentaire"."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        add_text = getattr(self.opts, "add_text", None)
        if add_text:
            data["options"]["addText"] = str(add_text)
        return json.dumps(data)


class _PlainInlineLinks:
    """Inlines with an `add_text` use it for their "add" link (read by the admin's inlines.js)."""

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_admin_formsets = super().get_inline_formsets(  # type: ignore[misc]
            request, formsets, inline_instances, obj
        )
        for inline_admin_formset in inline_admin_formsets:
            inline_admin_formset.__class__ = _InlineAdminFormSet  # the same object, with the link's text
        return inline_admin_formsets


def _change_title(request, model_admin, obj, titles: tuple[str, str]) -> str:
    """ "Modifier …" for staff who may change it, "Consulter …" for those who may only look."""
    change, view = titles
    return change if model_admin.has_change_permission(request, obj) else view


class _RefusalsAsFormErrors:
    """A refusal at save time shows on the form again, with what was typed, instead of a server error.

    Django's admin saves inside one transaction after its forms are valid; a
    DomainError or IntegrityError raised then rolls it all back. The view runs
    once more on the same POST with the refusal as the form's error, so nothing is
    saved and staff see why.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except (DomainError, IntegrityError) as error:
            if request.method != "POST" or getattr(request, "_save_refused", None):
                raise
            request._save_refused = refusal_message(error)
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        refusal = getattr(request, "_save_refused", None)
        if not refusal:
            return form

        def clean(self):
            data = form.clean(self)
            self.add_error(None, refusal)
            return data

        return type(form.__name__, (form,), {"clean": clean})


def _reverse_or_none(name: str, **kwargs) -> str | None:
    """A link to a page of another part of the club, or None while it does not exist yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


class StateFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return building.State.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value in building.State.values:
            return building.surveys_in_state(surveys=queryset, state=value)
        return queryset


class PageInline(TranslationTabularInline):
    model = SurveyPage
    form = PageInlineForm
    formset = PageFormSet
    fields = ["position", "title", "questions"]
    readonly_fields = ["questions"]
    ordering = ["position"]
    extra = 1
    verbose_name = _("page")
    verbose_name_plural = _("pages (dans l'ordre de leur position)")
    add_text = _("Ajouter une page")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=models.Count("questions"))

    @admin.display(description=_("questions"))
    def questions(self, page):
        if page.pk is None:
            return gettext("Enregistrez pour y ajouter des questions.")
        add = reverse("admin:surveys_question_add") + "?" + urlencode({"page": page.pk})
        count = getattr(page, "question_count", 0)
        return format_html(
            '<a href="#plan-page-{}">{}</a> · <a href="{}">{}</a>',
            page.pk,
            gettext("%(count)s dans le plan") % {"count": count},
            add,
            gettext("Ajouter une question"),
        )


@admin.register(Survey)
class SurveyAdmin(_RefusalsAsFormErrors, _PlainInlineLinks, TranslationAdmin):
    form = SurveyAdminForm
    inlines = [PageInline]
    list_display = [
        cut_column("title", length=50, label=_("titre")),
        "kind",
        "museum",
        "opens",
        "closes",
        "anonymous",
        "responses",
        "state",
        "poster_link",
    ]
    list_filter = ["kind", StateFilter, "museum", "anonymous"]
    search_fields = ["title_fr", "title_en", "slug"]
    list_select_related = ["museum"]
    prepopulated_fields = {"slug": ["title"]}
    # The audience's museums as checkboxes (see the module's docstring).
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    readonly_fields = ["response_total"]
    fieldsets = [
        (None, {"fields": ["title", "introduction", "kind", "slug", "museum"]}),
        (_("Dates et points"), {"fields": ["opens_at", "closes_at", "points"], "description": _("Heure de Paris.")}),
        (_("Destinataires"), {"fields": ["audience", "audience_museums"]}),
        (_("Réponses"), {"fields": ["anonymous", "results", "response_total"]}),
    ]
    actions = ["duplicate"]

    def get_queryset(self, request):
        total = (
            ResponseCount.objects.filter(survey=OuterRef("pk"))
            .order_by()
            .values("survey")
            .annotate(total=Sum("count"))
            .values("total")
        )
        pending = (
            PendingResponse.objects.filter(survey=OuterRef("pk"))
            .order_by()
            .values("survey")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(responses_count=Coalesce(Subquery(total), 0), pending_count=Coalesce(Subquery(pending), 0))
        )

    @admin.display(description=_("ouverture (Paris)"), ordering="opens_at")
    def opens(self, survey):
        return paris_minute(survey.opens_at)

    @admin.display(description=_("clôture (Paris)"), ordering="closes_at")
    def closes(self, survey):
        return paris_minute(survey.closes_at)

    @admin.display(description=_("réponses"), ordering="responses_count")
    def responses(self, survey):
        """The responses in the results, and an anonymous survey's still waiting to be written in a batch."""
        if survey.pending_count:
            return gettext("%(written)s (+ %(pending)s en attente)") % {
                "written": survey.responses_count,
                "pending": survey.pending_count,
            }
        return survey.responses_count

    @admin.display(description=_("réponses"))
    def response_total(self, survey):
        return getattr(survey, "responses_count", 0) if survey.pk else 0

    @admin.display(description=_("état"))
    def state(self, survey):
        return building.State(building.survey_state(survey=survey)).label

    @admin.display(description=_("affiche"))
    def poster_link(self, survey):
        url = reverse("admin:surveys_survey_poster", args=[survey.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Affiche"))

    # --- Saving -----------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        building.survey_save(survey=obj)

    def save_formset(self, request, form, formset, change):
        pages = formset.save(commit=False)
        building.pages_save(survey=form.instance, pages=pages, deleted=formset.deleted_objects)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        survey = form.instance
        if building.survey_state(survey=survey) == building.State.UPCOMING:
            problems = building.survey_problems(survey=survey)
            if problems:
                opens = formats.date_format(survey.opens_at.astimezone(building.PARIS), "DATETIME_FORMAT")
                self.message_user(
                    request,
                    gettext("À compléter avant l'ouverture (%(opens)s) : %(problems)s")
                    % {"opens": opens, "problems": " ; ".join(problems)},
                    messages.WARNING,
                )

    # --- The change page: links, plan, what is missing ---------------------------------

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": gettext("Enquêtes et sondages"), **(extra_context or {})})

    def add_view(self, request, form_url="", extra_context=None):
        extra = {"title": gettext("Créer une enquête ou un sondage"), **(extra_context or {})}
        return super().add_view(request, form_url, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        survey = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if survey is not None:
            extra.update(self._survey_context(request, survey))
            extra.update(title=self._title(request, survey), subtitle=None)  # the title names it
        return super().change_view(request, object_id, form_url, extra)

    def _title(self, request, survey: Survey) -> str:
        names = {"title": survey.title}
        if survey.kind == Survey.Kind.POLL:
            titles = (gettext("Modifier le sondage « %(title)s »"), gettext("Consulter le sondage « %(title)s »"))
        else:
            titles = (gettext("Modifier l'enquête « %(title)s »"), gettext("Consulter l'enquête « %(title)s »"))
        return _change_title(request, self, survey, titles) % names

    def _survey_context(self, request, survey: Survey) -> dict:
        can_see_results = request.user.has_perm("surveys.view_results")
        return {
            "preview_url": _reverse_or_none("surveys:preview", slug=survey.slug),
            "results_url": _reverse_or_none("survey_results:results", pk=survey.pk) if can_see_results else None,
            "poster_url": reverse("admin:surveys_survey_poster", args=[survey.pk]),
            "duplicate_url": (
                reverse("admin:surveys_survey_duplicate", args=[survey.pk])
                if self.has_add_permission(request)
                else None
            ),
            "outline": building.survey_outline(survey=survey),
            "problems": building.survey_problems(survey=survey),
            "has_responses": building.survey_has_responses(survey=survey),
            "question_add_url": reverse("admin:surveys_question_add"),
        }

    # --- Duplicating ---------------------------------------------------------------------

    def _duplicate(self, request, survey: Survey) -> Survey | None:
        try:
            with transaction.atomic(durable=True):
                return building.survey_duplicate(survey=survey, by=request.user)
        except IntegrityError:  # another copy took the same address at the same moment
            self.message_user(
                request,
                gettext("« %(survey)s » n'a pas pu être dupliquée : réessayez.") % {"survey": survey},
                messages.ERROR,
            )
            return None

    def _copied(self, request, copy: Survey) -> HttpResponseRedirect:
        opens = formats.date_format(copy.opens_at.astimezone(building.PARIS), "DATETIME_FORMAT")
        self.message_user(
            request,
            gettext("Copie créée : « %(title)s », qui ouvrira le %(opens)s. Vérifiez ses dates et ses textes.")
            % {"title": copy.title, "opens": opens},
            messages.SUCCESS,
        )
        return redirect(reverse("admin:surveys_survey_change", args=[copy.pk]))

    @admin.action(description=_("Dupliquer"), permissions=["add"])
    def duplicate(self, request, queryset):
        copies = [copy for survey in queryset.order_by("pk") if (copy := self._duplicate(request, survey))]
        if len(copies) == 1:
            return self._copied(request, copies[0])
        if copies:
            self.message_user(
                request,
                gettext("Copies créées : %(titles)s.") % {"titles": ", ".join(f"« {c.title} »" for c in copies)},
                messages.SUCCESS,
            )
        return None

    def duplicate_view(self, request, pk):
        survey = get_object_or_404(Survey, pk=pk)
        if not (self.has_view_permission(request, survey) and self.has_add_permission(request)):
            raise PermissionDenied
        if request.method == "POST":
            copy = self._duplicate(request, survey)
            if copy is not None:
                return self._copied(request, copy)
            return redirect(reverse("admin:surveys_survey_change", args=[survey.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "survey": survey,
            "title": gettext("Dupliquer « %(survey)s »") % {"survey": survey},
        }
        return TemplateResponse(request, "admin/surveys/survey/duplicate.html", context)

    # --- The poster ----------------------------------------------------------------------

    def poster_view(self, request, pk):
        """An A4 poster to hang next to what the survey asks about, with a QR code to it.

        French by default, English with `?lang=en` (the survey's English texts, or its
        French ones where it has none).
        """
        survey = get_object_or_404(Survey.objects.select_related("museum"), pk=pk)
        if not self.has_view_permission(request, survey):
            raise PermissionDenied
        language = "en" if request.GET.get("lang") == "en" else settings.LANGUAGE_CODE
        member_url = building.survey_member_url(survey=survey)
        with translation.override(language):
            context = {
                "survey": survey,
                "language": language,
                "points": survey_points(survey=survey),
                "closing": building.survey_closing(survey=survey),
                "member_url": member_url,
                "qr_svg": qr_svg_cached(member_url) if member_url else "",
                "change_url": reverse("admin:surveys_survey_change", args=[survey.pk]),
                "poster_url": reverse("admin:surveys_survey_poster", args=[survey.pk]),
            }
            return render(request, "surveys/poster.html", context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/poster/", view(self.poster_view), name="surveys_survey_poster"),
            path("<int:pk>/duplicate/", view(self.duplicate_view), name="surveys_survey_duplicate"),
            *super().get_urls(),
        ]


class ChoiceInline(TranslationTabularInline):
    model = Choice
    form = ChoiceInlineForm
    formset = ChoiceFormSet
    fields = ["position", "label", "is_other", "picture", "picture_alt", "thumbnail_preview"]
    readonly_fields = ["thumbnail_preview"]
    ordering = ["position"]
    extra = 2
    formfield_overrides = {
        models.ImageField: {"form_class": CheckedImageField, "widget": PictureInput},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 11})},  # the table fits a 1280 px screen
    }
    verbose_name = _("choix")
    verbose_name_plural = _("choix (pour une matrice : son échelle, de gauche à droite)")
    add_text = _("Ajouter un choix")

    @admin.display(description=_("vignette"))
    def thumbnail_preview(self, choice):
        if not choice.thumbnail:
            return "—"
        return format_html('<img src="{}" alt="" width="64" height="48">', choice.thumbnail.url)


class RowInline(TranslationTabularInline):
    model = MatrixRow
    form = RowInlineForm
    formset = RowFormSet
    fields = ["position", "label"]
    ordering = ["position"]
    extra = 0
    verbose_name = _("ligne de matrice")
    verbose_name_plural = _("lignes de matrice (matrice seulement)")
    add_text = _("Ajouter une ligne")


@admin.register(Question)
class QuestionAdmin(_RefusalsAsFormErrors, _PlainInlineLinks, TranslationAdmin):
    form = QuestionAdminForm
    inlines = [ChoiceInline, RowInline]
    list_display = [
        cut_column("text", length=60, label=_("question")),
        cut_column("page__survey", label=_("enquête"), ordering="page__survey__title"),
        "page_position",
        "position",
        "kind",
        "required",
    ]
    list_filter = [("page__survey", admin.RelatedOnlyFieldListFilter), "kind"]
    search_fields = ["text_fr", "text_en"]
    list_select_related = ["page__survey"]
    ordering = ["page__survey", "page__position", "position"]
    fieldsets = [
        (None, {"fields": ["page", "position", "kind", "text", "help_text", "required"]}),
        (
            _("Limites"),
            {
                "fields": ["max_choices", "min_value", "max_value", "max_length"],
                "description": _(
                    "Nombre maximum de choix : choix multiples seulement. Minimum et maximum : "
                    "questions « nombre » seulement."
                ),
            },
        ),
        (
            _("Condition"),
            {
                "fields": ["condition_question", "condition_choice"],
                "description": _(
                    "Afficher cette question seulement si une question posée avant elle a reçu cette réponse."
                ),
            },
        ),
    ]

    def get_model_perms(self, request):
        # Not on the admin's index: questions are reached from their survey's plan.
        return {}

    @admin.display(description=_("page"), ordering="page__position")
    def page_position(self, question):
        return question.page.position

    def _survey_for(self, request, obj=None) -> Survey | None:
        if obj is not None and obj.pk:
            return obj.page.survey
        page_id = request.GET.get("page", "")
        if page_id.isdigit():
            page = SurveyPage.objects.select_related("survey").filter(pk=int(page_id)).first()
            return page.survey if page else None
        return None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"survey": self._survey_for(request, obj)})

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        page_id = request.GET.get("page", "")
        if page_id.isdigit():
            initial["page"] = int(page_id)
            initial["position"] = building.next_position(model=Question, page_id=int(page_id))
        else:
            initial.pop("page", None)
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        survey = context["adminform"].form.survey
        context["survey"] = survey
        context["kind_parts"] = QUESTION_KIND_PARTS
        if survey is not None:
            context["survey_url"] = reverse("admin:surveys_survey_change", args=[survey.pk])
        if add:
            context["title"] = gettext("Nouvelle question")
        elif obj is not None:
            titles = (gettext("Modifier la question"), gettext("Consulter la question"))
            context["title"] = _change_title(request, self, obj, titles)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        building.question_save(question=obj)

    def save_formset(self, request, form, formset, change):
        items = formset.save(commit=False)
        if formset.model is Choice:
            changed = [
                f.instance for f in formset.forms if "picture" in f.changed_data and f not in formset.deleted_forms
            ]
            building.choices_save(
                question=form.instance, choices=items, deleted=formset.deleted_objects, pictures_changed=changed
            )
        else:
            building.rows_save(question=form.instance, rows=items, deleted=formset.deleted_objects)

    def _back_to_survey(self, request, question):
        if any(key in request.POST for key in ("_continue", "_addanother", "_saveasnew", "_popup")):
            return None
        url = reverse("admin:surveys_survey_change", args=[question.page.survey_id])
        return HttpResponseRedirect(f"{url}#plan-page-{question.page_id}")

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST:
            self.message_user(request, gettext("Question ajoutée : « %(q)s ».") % {"q": obj.text}, messages.SUCCESS)
            add = reverse("admin:surveys_question_add") + "?" + urlencode({"page": obj.page_id})
            return HttpResponseRedirect(add)
        back = self._back_to_survey(request, obj)
        if back is not None:
            self.message_user(request, gettext("Question ajoutée : « %(q)s ».") % {"q": obj.text}, messages.SUCCESS)
            return back
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        back = self._back_to_survey(request, obj)
        if back is not None:
            self.message_user(request, gettext("Question enregistrée : « %(q)s ».") % {"q": obj.text}, messages.SUCCESS)
            return back
        return super().response_change(request, obj)

    # --- Deleting: never once the survey has responses ------------------------------------

    def delete_view(self, request, object_id, extra_context=None):
        question = self.get_object(request, object_id)
        if question is not None and building.survey_has_responses(survey=question.page.survey):
            self.message_user(request, building.SurveyHasResponses.message, messages.ERROR)
            return redirect(reverse("admin:surveys_question_change", args=[question.pk]))
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        answered = Participation.objects.filter(survey__pages__questions__in=list(objs)).values("survey").distinct()
        for survey in Survey.objects.filter(pk__in=answered):
            protected.append(gettext("« %(survey)s » : l'enquête a déjà des réponses") % {"survey": survey})
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        building.question_delete(question=obj)

    def delete_queryset(self, request, queryset):
        for question in queryset.select_related("page"):
            building.question_delete(question=question)


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin):
    """Who answered which survey, and on which day: never their answers (those stay in the results)."""

    list_display = [
        cut_column("member", label=_("membre"), ordering="member__email"),
        cut_column("survey", length=60, label=_("enquête"), ordering="survey__title"),
        "answered_on",
    ]
    list_filter = [("survey", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["member__email", "member__membership_number"]
    list_select_related = ["member", "survey"]
    show_full_result_count = False

    def changelist_view(self, request, extra_context=None):
        title = gettext("Qui a répondu, par enquête ou sondage")
        return super().changelist_view(request, {"title": title, **(extra_context or {})})
