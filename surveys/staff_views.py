"""Staff pages of survey results: the list, a survey's results with charts, its free-text answers, its exports.

Everything here needs the permission "surveys.view_results" (the museum team
and the club administration have it): visitors go to the login and come back,
members and staff without it get a 403. Numbers come from
`surveys.results` (counters, a constant number of queries), spreadsheets from
`surveys.exports`; these views only read the request, draw the charts and
choose the template.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from club.core.charts import Bar, StackedRow, bar_chart, column_chart, percent_text, stacked_chart
from club.members.decorators import staff_required
from museums.models import Museum
from surveys.anonymity import ANONYMITY_BATCH
from surveys.exports import export_filename, survey_csv_lines
from surveys.models import Choice, Export, Question, Survey
from surveys.results import (
    MIN_GROUP,
    SINGLE_KINDS,
    TEXT_KINDS,
    QuestionResults,
    ResultsFilter,
    results_group_size,
    survey_results,
    survey_texts,
    surveys_for_results,
)
from surveys.tasks import export_request

PERMISSION = "surveys.view_results"
SURVEYS_PER_PAGE = 25
EXPORT_STALE = timedelta(minutes=15)


def results_view(view):
    """Staff with the results permission (visitors to the login, everyone else a 403)."""
    return staff_required(permission_required(PERMISSION, raise_exception=True)(view))


class ResultsFilterForm(forms.Form):
    """The group of responses to read: favourite museum, language and days (an anonymous survey: days only)."""

    museum = forms.TypedChoiceField(label=gettext_lazy("Musée préféré"), required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(label=gettext_lazy("Langue"), required=False)
    since = forms.DateField(
        label=gettext_lazy("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=gettext_lazy("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, survey: Survey, museums: list[Museum], **kwargs):
        super().__init__(*args, **kwargs)
        if survey.anonymous:
            del self.fields["museum"], self.fields["language"]
            return
        self.fields["museum"].choices = [
            ("", _("Tous")),
            ("0", _("Aucun musée préféré")),
            *((str(museum.pk), str(museum.name)) for museum in museums),
        ]
        self.fields["language"].choices = [("", _("Toutes")), *((code, _(name)) for code, name in settings.LANGUAGES)]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("Ce jour précède le premier jour choisi."))
        return data

    def filters(self) -> ResultsFilter:
        if not self.is_bound or not self.is_valid():
            return ResultsFilter()
        data = self.cleaned_data
        return ResultsFilter(
            museum=data.get("museum"), language=data.get("language") or "", since=data.get("since"),
            until=data.get("until"),
        )  # fmt: skip


class TextSearchForm(ResultsFilterForm):
    q = forms.CharField(label=gettext_lazy("Rechercher dans les réponses"), required=False, max_length=200)

    field_order = ["q", "museum", "language", "since", "until"]


def _filter_form(request, survey: Survey, form_class=ResultsFilterForm) -> ResultsFilterForm:
    museums = [] if survey.anonymous else list(Museum.objects.order_by("position", "name"))
    return form_class(request.GET or None, survey=survey, museums=museums)


def _number(value: float, decimals: int = 1) -> str:
    """Rounded and written as the tables write it (the `floatformat` filter), so chart and table agree."""
    return floatformat(value, decimals)


def _count_and_percent(count: int, percent: float) -> str:
    return f"{count} ({percent_text(percent)})"


def _chart(item: QuestionResults, responses: int):
    """The question's chart (inline SVG), or None for kinds shown as numbers only."""
    chart_id = f"chart-q{item.question.pk}"
    title = str(item.question.text)
    kind = item.kind
    if kind in SINGLE_KINDS or kind == Question.Kind.MULTIPLE:
        bars = [Bar(line.label, line.count, _count_and_percent(line.count, line.percent)) for line in item.choices]
        base = responses if kind == Question.Kind.MULTIPLE else item.answered
        return bar_chart(chart_id=chart_id, title=title, bars=bars, scale_max=base or None)
    if kind in (Question.Kind.RATING, Question.Kind.NPS):
        bars = [Bar(str(line.value), line.count, str(line.count)) for line in item.scale]
        return column_chart(chart_id=chart_id, title=title, bars=bars)
    if kind == Question.Kind.LIKERT:
        rows = [StackedRow(line.label, [cell.count for cell in line.cells]) for line in item.matrix]
        return stacked_chart(chart_id=chart_id, title=title, rows=rows, legend=item.matrix_scale)
    if kind == Question.Kind.RANKING:
        # The longer the bar, the better the rank; the text is the mean rank itself (two decimals, as in the
        # table: 1,96 and 2,04 differ), the title saying what it is.
        places = len(item.ranks)
        bars = [
            Bar(line.label, places + 1 - line.mean, _number(line.mean, 2)) if line.mean is not None
            else Bar(line.label, 0, "—")
            for line in item.ranks
        ]  # fmt: skip
        title = _("%(question)s (rang moyen, 1 = préféré)") % {"question": title}
        return bar_chart(chart_id=chart_id, title=title, bars=bars, scale_max=places or None)
    return None


@results_view
@require_GET
def survey_list(request):
    """Every survey and poll with its responses; the staff member's museums' first."""
    page = Paginator(surveys_for_results(staff=request.user), SURVEYS_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(request, "surveys/staff/list.html", {"page": page, "now": now})


def _latest_export(survey: Survey) -> Export | None:
    return Export.objects.filter(survey=survey).order_by("-created_at", "-pk").first()


@results_view
@require_GET
def survey_results_page(request, pk):
    """Response count and rate, drafts, a chart and a table per question, filters and exports."""
    survey = get_object_or_404(Survey.objects.select_related("museum"), pk=pk)
    form = _filter_form(request, survey)
    results = survey_results(survey=survey, filters=form.filters())
    questions = [(item, _chart(item, results.responses)) for item in results.questions]
    export = _latest_export(survey)
    context = {
        "survey": survey,
        "form": form,
        "results": results,
        "questions": questions,
        "min_group": MIN_GROUP,
        "anonymity_batch": ANONYMITY_BATCH,
        "export": export,
        "export_percent": percent_text(export.percent, 0) if export else "",
        # A file still "queued" long after it was asked for was never taken (a broker down): ask again.
        "export_stale": bool(export and export.created_at < timezone.now() - EXPORT_STALE),
        "exportable": results.responses_total >= MIN_GROUP,
        "query": request.GET.urlencode(),
        "now": timezone.now(),
    }
    return render(request, "surveys/staff/results.html", context)


def _texts_question(survey: Survey, question_pk: int) -> Question:
    question = get_object_or_404(Question.objects.select_related("page"), pk=question_pk, page__survey=survey)
    has_other = Choice.objects.filter(question=question, is_other=True).exists()
    if question.kind not in TEXT_KINDS and not has_other:
        raise Http404
    return question


@results_view
@require_GET
def survey_texts_page(request, pk, question_pk):
    """A question's free-text answers (or its "Autre (précisez)" texts), searched and paged."""
    survey = get_object_or_404(Survey, pk=pk)
    question = _texts_question(survey, question_pk)
    form = _filter_form(request, survey, TextSearchForm)
    filters = form.filters()
    masked = results_group_size(survey=survey, filters=filters) < MIN_GROUP
    search = form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else ""
    page = None if masked else survey_texts(
        survey=survey, question=question, filters=filters, search=search, page=request.GET.get("page", 1)
    )  # fmt: skip
    query = request.GET.copy()
    query.pop("page", None)
    context = {"survey": survey, "question": question, "form": form, "page": page, "masked": masked,
               "search": search, "query": query.urlencode(), "min_group": MIN_GROUP}  # fmt: skip
    return render(request, "surveys/staff/texts.html", context)


def _refuse_small(request, survey: Survey):
    messages.error(
        request,
        _("Moins de %(count)s réponses : pas d'export, pour préserver l'anonymat.") % {"count": MIN_GROUP},
    )
    return redirect("survey_results:results", pk=survey.pk)


@results_view
@require_GET
def survey_csv(request, pk):
    """Every response as CSV, streamed as it is read."""
    survey = get_object_or_404(Survey, pk=pk)
    if results_group_size(survey=survey, filters=ResultsFilter()) < MIN_GROUP:
        return _refuse_small(request, survey)
    response = StreamingHttpResponse(survey_csv_lines(survey=survey), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(survey=survey, extension="csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@results_view
@require_POST
def survey_xlsx_request(request, pk):
    """Ask for the XLSX file: an export row, its task queued once this request commits."""
    survey = get_object_or_404(Survey, pk=pk)
    if results_group_size(survey=survey, filters=ResultsFilter()) < MIN_GROUP:
        return _refuse_small(request, survey)
    with transaction.atomic(durable=True):
        export_request(survey=survey, requested_by=request.user, language=get_language() or "fr")
    return redirect(reverse("survey_results:results", kwargs={"pk": survey.pk}) + "#export")


def _export_of(survey_pk: int, export_pk: int) -> Export:
    return get_object_or_404(Export.objects.select_related("survey"), pk=export_pk, survey_id=survey_pk)


@results_view
@require_GET
def survey_xlsx_progress(request, pk, export_pk):
    """How far the XLSX file is (JSON, polled by the results page)."""
    export = _export_of(pk, export_pk)
    ready = export.status == Export.Status.DONE and bool(export.file)
    return JsonResponse(
        {
            "status": export.status,
            "percent": export.percent,
            "percent_text": percent_text(export.percent, 0),
            "done": export.done,
            "total": export.total,
            "download_url": reverse("survey_results:xlsx_download", kwargs={"pk": pk, "export_pk": export.pk})
            if ready
            else None,
        },
        headers={"Cache-Control": "no-store"},
    )


@results_view
@require_GET
def survey_xlsx_download(request, pk, export_pk):
    """The XLSX file, to staff with the permission only (never a public media address)."""
    export = _export_of(pk, export_pk)
    if export.status != Export.Status.DONE or not export.file:
        raise Http404
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=export_filename(survey=export.survey, extension="xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response
