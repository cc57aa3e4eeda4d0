"""The admin's forms for building surveys: each rule of `surveys.building`, shown next to its field.

Positions may be left empty (they follow the last one) and may be swapped in one
save (the services write a reordering in two steps). The checks that need the
database (a condition's question, a survey that already has responses) read it
once per form, never once per row.
"""

from dataclasses import dataclass

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rewards.ledger.models import Reason
from rewards.ledger.selectors import earning_rule_points
from surveys import building
from surveys.models import Choice, MatrixRow, Question, Survey, SurveyPage


def _position_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Position"),
        required=False,
        min_value=1,
        max_value=building.POSITION_MAX,
        help_text=_("Vide : à la suite."),
    )


class SurveyAdminForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = [
            "title", "introduction", "kind", "slug", "museum", "opens_at", "closes_at", "points", "audience",
            "audience_museums", "anonymous", "results",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_responses = building.survey_has_responses(survey=self.instance)
        helps = {
            "points": _(
                "Vide : les points de la règle de gain, actuellement %(survey)s pour une enquête "
                "et %(poll)s pour un sondage."
            )
            % {
                "survey": earning_rule_points(action=Reason.SURVEY_ANSWERED),
                "poll": earning_rule_points(action=Reason.POLL_ANSWERED),
            },
            "anonymous": _(
                "Les réponses ne peuvent être reliées à aucun membre. Attention : ce choix ne peut plus "
                "changer dès que l'enquête a reçu une réponse."
            ),
            "slug": _("L'adresse de l'enquête et de son QR code : la changer rend les affiches imprimées inutiles."),
            "results": _("Sondages seulement : quand les membres voient les résultats."),
            "audience_museums": _("Seulement si les destinataires sont les membres dont le musée préféré est choisi."),
        }
        for name, text in helps.items():
            if name in self.fields:
                self.fields[name].help_text = text
        # The admin's date and time boxes have no label of their own: name them for screen readers. Times are
        # to the minute ("18:00", not "18:00:00"): nobody opens a survey at a given second.
        for name in ("opens_at", "closes_at"):
            if name in self.fields and hasattr(self.fields[name].widget, "widgets"):
                date, time = self.fields[name].widget.widgets
                label = self.fields[name].label
                date.attrs["aria-label"] = gettext("%(field)s : date") % {"field": label}
                time.attrs["aria-label"] = gettext("%(field)s : heure") % {"field": label}
                time.format = "%H:%M"

    def clean(self):
        data = super().clean()
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", gettext("La clôture doit venir après l'ouverture."))
        if data.get("audience") == Survey.Audience.MUSEUM_FANS and not data.get("audience_museums"):
            self.add_error("audience_museums", gettext("Choisissez au moins un musée pour ces destinataires."))
        if "anonymous" in self.changed_data and self.instance.pk and self.has_responses:
            self.add_error(
                "anonymous",
                gettext("Cette enquête a déjà des réponses : elle ne peut plus changer d'anonymat."),
            )
        self._check_can_open(data)
        return data

    def _check_can_open(self, data) -> None:
        """An open survey must be complete: build it with a later opening, then open it."""
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if not (opens_at and closes_at and opens_at <= timezone.now() < closes_at):
            return
        preview = Survey(pk=self.instance.pk, kind=data.get("kind") or self.instance.kind)
        problems = building.survey_problems(survey=preview)
        if problems:
            raise ValidationError(
                [gettext("Cette enquête ne peut pas être ouverte tant qu'elle est incomplète :"), *problems]
                + [gettext("Choisissez une ouverture plus tard, complétez-la, puis avancez l'ouverture.")]
            )


@dataclass(frozen=True)
class _PictureLink:
    url: str

    def __str__(self) -> str:
        return gettext("voir l'image")


class PictureInput(AdminFileWidget):
    """A choice's picture, the current one as a short link: its stored name is long and random (and the
    thumbnail beside it shows it), which made the choices' table wider than the screen."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["value"] = _PictureLink(url=value.url)
        return context


class _PositionedForm(forms.ModelForm):
    position = _position_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin's inline tables name their columns only: each cell's input carries its name too.
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))


class PageInlineForm(_PositionedForm):
    class Meta:
        model = SurveyPage
        fields = ["position", "title"]


class ChoiceInlineForm(_PositionedForm):
    class Meta:
        model = Choice
        fields = ["position", "label", "is_other", "picture", "picture_alt"]


class RowInlineForm(_PositionedForm):
    class Meta:
        model = MatrixRow
        fields = ["position", "label"]


class _PositionedFormSet(BaseInlineFormSet):
    """Fills empty positions after the last one, then checks that no two are the same."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = gettext("Supprimer")

    def kept_forms(self) -> list[forms.ModelForm]:
        return [
            form
            for form in self.forms
            if form not in self.deleted_forms
            and not form.errors
            and (form.instance.pk is not None or form.has_changed())
            and form.cleaned_data
        ]

    def deleted_saved(self) -> list:
        return [form.instance for form in self.deleted_forms if form.instance.pk is not None]

    def clean(self):
        kept = self.kept_forms()
        taken = [form.cleaned_data.get("position") for form in kept]
        following = max([p for p in taken if p], default=0)
        for form in kept:
            if not form.cleaned_data.get("position"):
                following += 1
                form.cleaned_data["position"] = form.instance.position = following
        super().clean()  # duplicates among the submitted rows (the unique constraint)
        if any(form.cleaned_data.get("position", 0) > building.POSITION_MAX for form in kept):
            raise ValidationError(gettext("Les positions vont jusqu'à %(max)s.") % {"max": building.POSITION_MAX})


class PageFormSet(_PositionedFormSet):
    def clean(self):
        super().clean()
        deleted = self.deleted_saved()
        if deleted:
            full = SurveyPage.objects.filter(pk__in=[p.pk for p in deleted], questions__isnull=False).distinct()
            names = [str(page) for page in full]
            if names:
                raise ValidationError(
                    gettext(
                        "Une page qui contient des questions ne se supprime pas : supprimez ou déplacez "
                        "d'abord ses questions (%(pages)s)."
                    )
                    % {"pages": ", ".join(names)}
                )
        positions = {form.instance.pk: form.cleaned_data["position"] for form in self.kept_forms() if form.instance.pk}
        problem = building.page_order_problem(survey=self.instance, positions=positions)
        if problem:
            raise ValidationError(problem)


class _QuestionPartsFormSet(_PositionedFormSet):
    """Choices or rows of a question: nothing deleted once the survey has responses."""

    def clean(self):
        super().clean()
        if self.deleted_saved() and self.instance.pk:
            page = SurveyPage.objects.select_related("survey").get(pk=self.instance.page_id)
            if building.survey_has_responses(survey=page.survey):
                raise ValidationError(
                    gettext(
                        "Cette enquête a déjà des réponses : ses choix et ses lignes ne se suppriment plus "
                        "(les résultats les citent)."
                    )
                )


class ChoiceFormSet(_QuestionPartsFormSet):
    def clean(self):
        super().clean()
        deleted = self.deleted_saved()
        if deleted:
            used = (
                Question.objects.filter(condition_choice__in=deleted)
                .exclude(pk=self.instance.pk)
                .select_related("condition_choice")
                .first()
            )
            if used is not None:
                raise ValidationError(
                    gettext(
                        "Le choix « %(choice)s » sert de condition à la question « %(question)s » : "
                        "changez d'abord cette condition."
                    )
                    % {"choice": used.condition_choice.label, "question": used.text}
                )
        kind = self.instance.kind
        problems = building.choice_problems(kind=kind, choices=[form.instance for form in self.kept_forms()])
        if problems:
            raise ValidationError(problems)


class RowFormSet(_QuestionPartsFormSet):
    def clean(self):
        super().clean()
        problems = building.row_problems(kind=self.instance.kind, rows=len(self.kept_forms()))
        if problems:
            raise ValidationError(problems)


class _PageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        title = f" — {obj.title}" if obj.title else ""
        return gettext("Page %(position)s%(title)s (%(survey)s)") % {
            "position": obj.position,
            "title": title,
            "survey": obj.survey.title,
        }


class ConditionChoiceSelect(forms.Select):
    """The condition's answers grouped by question (an optgroup each), each option naming its question.

    `data-question` lets `static/js/survey-question-admin.js` offer only the
    answers of the question chosen as condition; the server checks the pair
    whatever is posted.
    """

    def __init__(self, *args, question_of: dict[int, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question_of = question_of or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        question = self.question_of.get(value) if isinstance(value, int) else None
        if question is not None:
            option["attrs"]["data-question"] = str(question)
        return option


class QuestionAdminForm(forms.ModelForm):
    """A question, scoped to its survey: its page among the survey's, its condition among earlier questions."""

    survey: Survey | None = None  # set by the admin for the question's (or the new question's) survey
    position = _position_field()

    class Meta:
        model = Question
        fields = [
            "page", "position", "kind", "text", "help_text", "required", "max_choices", "min_value", "max_value",
            "max_length", "condition_question", "condition_choice",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        survey = self.survey
        if "page" in self.fields:
            pages = SurveyPage.objects.select_related("survey").order_by("survey__title", "position")
            if survey is not None:
                pages = pages.filter(survey=survey)
            old = self.fields["page"]
            self.fields["page"] = _PageChoiceField(
                queryset=pages, label=old.label, help_text=old.help_text, required=True
            )
        # The question and its help on a line wide enough to read them whole (the admin's default is 20em).
        for name, field in self.fields.items():
            if name.startswith(("text_", "help_text_")) and isinstance(field.widget, forms.TextInput):
                classes = [c for c in field.widget.attrs.get("class", "").split() if c != "vTextField"]
                field.widget.attrs["class"] = " ".join([*classes, "vLargeTextField"])
        if "condition_question" in self.fields:
            if survey is not None:
                self._scope_condition(survey)
            else:  # a page of some survey is chosen first: conditions are set once the question is saved
                for name in ("condition_question", "condition_choice"):
                    self.fields[name].queryset = self.fields[name].queryset.none()
                    self.fields[name].help_text = _("Enregistrez d'abord la question dans sa page.")

    def _scope_condition(self, survey: Survey) -> None:
        candidates = building.condition_candidates(survey_id=survey.pk)
        if self.instance.pk:
            candidates = candidates.exclude(pk=self.instance.pk)
        questions = list(candidates)
        self.fields["condition_question"].queryset = candidates
        self.fields["condition_question"].widget = forms.Select(
            choices=[("", "---------")] + [(q.pk, f"{q.page.position}.{q.position} — {q.text}") for q in questions]
        )
        choices = Choice.objects.filter(question__in=questions).order_by(
            "question__page__position", "question__position", "position"
        )
        grouped: dict[int, list] = {}
        question_of: dict[int, int] = {}
        for choice in choices:
            grouped.setdefault(choice.question_id, []).append((choice.pk, choice.label))
            question_of[choice.pk] = choice.question_id
        self.fields["condition_choice"].queryset = choices
        self.fields["condition_choice"].widget = ConditionChoiceSelect(
            choices=[("", "---------")]
            + [(f"{q.page.position}.{q.position} — {q.text}", grouped[q.pk]) for q in questions if q.pk in grouped],
            question_of=question_of,
        )
        for name in ("condition_question", "condition_choice"):
            self.fields[name].widget.is_required = False

    def clean(self):
        data = super().clean()
        page, kind = data.get("page"), data.get("kind")
        if page is not None and self.survey is not None and page.survey_id != self.survey.pk:
            self.add_error("page", gettext("Choisissez une page de la même enquête."))
            return data
        if page is not None and not data.get("position"):
            data["position"] = building.next_position(model=Question, page=page)
        if kind and kind != Question.Kind.MULTIPLE and data.get("max_choices") is not None:
            self.add_error(
                "max_choices", gettext("Seules les questions à choix multiples ont un nombre maximum de choix.")
            )
        if kind and kind != Question.Kind.NUMBER:
            for name in ("min_value", "max_value"):
                if data.get(name) is not None:
                    self.add_error(name, gettext("Seules les questions « nombre » ont un minimum et un maximum."))
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", gettext("Le maximum doit être au moins égal au minimum."))
        if page is not None:
            self._check_condition(data, page)
            self._check_answered(data, page)
        return data

    def _check_condition(self, data, page: SurveyPage) -> None:
        if "condition_question" in self.errors or "condition_choice" in self.errors:
            return  # a choice the dropdown did not offer: its own message says so
        condition_question = data.get("condition_question")
        if condition_question is not None:
            condition_question = Question.objects.select_related("page").get(pk=condition_question.pk)
        problems = building.condition_problems(
            question=self.instance,
            page=page,
            position=data.get("position"),
            condition_question=condition_question,
            condition_choice=data.get("condition_choice"),
        )
        for name, message in problems.items():
            self.add_error(name, message)
        problem = building.dependents_problem(question=self.instance, page=page, position=data.get("position"))
        if problem:
            self.add_error("position" if page.pk == self.initial.get("page") else "page", problem)

    def _check_answered(self, data, page: SurveyPage) -> None:
        if self.instance.pk and "kind" in self.changed_data and building.survey_has_responses(survey=page.survey):
            self.add_error(
                "kind", gettext("Cette enquête a déjà des réponses : le type de ses questions ne change plus.")
            )
