"""Staff pages of engagement: every item's figures, one item's, one series', and the CSV of the day rows.

Everything here needs the permission "content.view_engagementday" (the
museum team and the club administration have it): visitors go to the login
and come back, members and staff without it get a 403. Numbers come from
`museums.content.figures` (sums of the day rows, a constant number of
queries); these views read the filters, draw the charts and choose the
template.

The chart over time is drawn here (`_day_chart`): columns, one per day, with
sparse date labels under them — `club.core.charts` draws one labelled bar per
value, which a period of 90 days would crowd. Like those charts it is an
`<svg role="img">` whose title is its text alternative, and the page gives
every day's numbers in a table beside it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from club.core.charts import WIDTH, Bar, bar_chart
from club.core.exports import csv_write_rows, csv_writer
from club.members.decorators import staff_required
from museums.content.figures import (
    DayFigures,
    FiguresFilter,
    figures_by_day,
    figures_by_series,
    figures_rows,
    figures_top_items,
    figures_total,
    series_episodes,
)
from museums.content.models import Content, Series
from museums.models import Museum

PERMISSION = "content.view_engagementday"
PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
LONGEST_PERIOD = 366
CUSTOM = "dates"


def figures_view(view):
    """Staff with the engagement permission (visitors to the login, everyone else a 403)."""
    return staff_required(permission_required(PERMISSION, raise_exception=True)(view))


class FiguresFilterForm(forms.Form):
    """The days read (the last 7, 30 or 90, or between two dates) and, on the overview, a museum."""

    period = forms.ChoiceField(label=gettext_lazy("Période"), required=False)
    since = forms.DateField(
        label=gettext_lazy("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=gettext_lazy("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    museum = forms.TypedChoiceField(label=gettext_lazy("Musée"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, museums: Sequence[Museum] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            *((str(days), _("Les %(days)s derniers jours") % {"days": days}) for days in PERIODS),
            (CUSTOM, _("Entre les dates choisies")),
        ]
        self.fields["period"].initial = str(DEFAULT_PERIOD)
        if museums is None:
            del self.fields["museum"]
        else:
            self.fields["museum"].choices = [("", _("Tous")), *((str(m.pk), str(m.name)) for m in museums)]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if data.get("period") != CUSTOM:
            return data
        if since is None:
            self.add_error("since", _("Choisissez le premier jour."))
        if until is None:
            self.add_error("until", _("Choisissez le dernier jour."))
        if since and until and since > until:
            self.add_error("until", _("Ce jour précède le premier jour choisi."))
        elif since and until and (until - since).days >= LONGEST_PERIOD:
            self.add_error("until", _("Choisissez au plus %(days)s jours.") % {"days": LONGEST_PERIOD})
        return data

    def filters(self) -> FiguresFilter:
        """What was asked, or the last 30 days of every museum when nothing (or something wrong) was."""
        if not self.is_bound or not self.is_valid():
            return FiguresFilter.last_days(DEFAULT_PERIOD)
        data = self.cleaned_data
        museum = data.get("museum")
        if data.get("period") == CUSTOM:
            return FiguresFilter(since=data["since"], until=data["until"], museum=museum)
        return FiguresFilter.last_days(int(data.get("period") or DEFAULT_PERIOD), museum=museum)


def _staff_default(staff, museums: Sequence[Museum]) -> dict | None:
    """A staff member attached to museums first sees the first of them (DESIGN: staff pages default to them)."""
    mine = set(staff.museums.values_list("pk", flat=True))
    first = next((museum for museum in museums if museum.pk in mine), None)
    return {"period": str(DEFAULT_PERIOD), "museum": str(first.pk)} if first is not None else None


def _form(request, museums: Sequence[Museum] | None = None) -> FiguresFilterForm:
    return FiguresFilterForm(request.GET or None, museums=museums)


def _count(value: float) -> str:
    """A count as the tables write it (thousands grouped in the reader's language)."""
    return floatformat(value, "g")


def _short_day(day) -> str:
    return formats.date_format(day, "j M")


def _long_day(day) -> str:
    return formats.date_format(day, "j F Y")


def _day_chart(*, chart_id: str, title: str, days: Sequence[DayFigures]) -> SafeString:
    """Views per day as columns, the busiest day's count on a guide line, a date under a few columns.

    The text alternative says the period, the total, the busiest day and the
    last one; the table beside the chart holds every day.
    """
    top_room, plot_height, label_room = 26, 150, 26
    count = max(len(days), 1)
    slot = WIDTH / count
    width = max(min(slot * 0.75, 40), 0.5)
    values = [line.figures.views for line in days]
    peak = max([*values, 0])
    scale = peak or 1
    base = top_room + plot_height
    body = [
        f'<line class="chart-axis" x1="0" y1="{base}" x2="{WIDTH}" y2="{base}"></line>',
        f'<line class="chart-axis" x1="0" y1="{top_room}" x2="{WIDTH}" y2="{top_room}"></line>',
        f'<text class="chart-value" x="0" y="{top_room - 8}">{escape(_count(peak))}</text>',
    ]
    for index, value in enumerate(values):
        height = value / scale * plot_height
        if height > 0:
            x = slot * index + (slot - width) / 2
            body.append(
                f'<rect class="chart-bar" x="{x:.2f}" y="{base - height:.2f}" width="{width:.2f}" '
                f'height="{height:.2f}"></rect>'
            )
    step = max(1, math.ceil(count / 6))  # about six dates, never crowded
    for index in range(0, count, step):
        centre = slot * index + slot / 2
        anchor = "start" if index == 0 else "middle"
        x = 0 if index == 0 else centre
        body.append(
            f'<text class="chart-label" x="{x:.1f}" y="{base + 18}" text-anchor="{anchor}">'
            f"{escape(_short_day(days[index].day))}</text>"
        )
    alternative = _day_alternative(title, days)
    title_id = f"{chart_id}-title"
    return mark_safe(  # noqa: S308 - every text put in `body` and the alternative is escaped
        f'<svg class="chart chart-days" id="{escape(chart_id)}" role="img" aria-labelledby="{escape(title_id)}" '
        f'viewBox="0 0 {WIDTH} {base + label_room}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(title_id)}">{escape(alternative)}</title>' + "".join(body) + "</svg>"
    )


def _day_alternative(title: str, days: Sequence[DayFigures]) -> str:
    if not days:
        return title
    total = sum(line.figures.views for line in days)
    busiest = max(days, key=lambda line: (line.figures.views, -line.day.toordinal()))
    return _(
        "%(title)s, du %(first)s au %(last)s : %(total)s au total ; le plus haut le %(busiest)s (%(peak)s) ; "
        "le dernier jour : %(latest)s. Le tableau donne chaque jour."
    ) % {
        "title": title, "first": _long_day(days[0].day), "last": _long_day(days[-1].day), "total": _count(total),
        "busiest": _long_day(busiest.day), "peak": _count(busiest.figures.views),
        "latest": _count(days[-1].figures.views),
    }  # fmt: skip


def _period_text(filters: FiguresFilter) -> str:
    return _("du %(first)s au %(last)s") % {"first": _long_day(filters.since), "last": _long_day(filters.until)}


def _query(request) -> str:
    return request.GET.urlencode()


@figures_view
@require_GET
def engagement_overview(request):
    """Every item's figures over the period: totals, views per day, the most viewed items, the series."""
    museums = list(Museum.objects.order_by("position", "name"))
    form = FiguresFilterForm(request.GET or _staff_default(request.user, museums), museums=museums)
    filters = form.filters()
    days = figures_by_day(filters=filters)
    context = {
        "form": form,
        "filters": filters,
        "period": _period_text(filters),
        "total": figures_total(filters=filters),
        "days": days,
        "chart": _day_chart(chart_id="chart-days", title=_("Vues par jour"), days=days),
        "top": figures_top_items(filters=filters),
        "series_list": figures_by_series(filters=filters),
        "query": _query(request),
    }
    return render(request, "content/staff/engagement.html", context)


@figures_view
@require_GET
def engagement_item(request, pk):
    """One item's figures over the period, and its views day by day."""
    content = get_object_or_404(Content.objects.select_related("series", "museum"), pk=pk)
    form = _form(request)
    filters = form.filters()
    days = figures_by_day(filters=filters, content=content)
    context = {
        "content": content,
        "form": form,
        "period": _period_text(filters),
        "total": figures_total(filters=filters, content=content),
        "days": days,
        "chart": _day_chart(chart_id="chart-days", title=_("Vues par jour"), days=days),
        "query": _query(request),
    }
    return render(request, "content/staff/item.html", context)


def _episodes_chart(series: Series, comparison) -> SafeString | None:
    if not comparison.episodes:
        return None
    bars = [
        Bar(str(episode.content.title), episode.total, _count(episode.total) + ("" if episode.complete else " …"))
        for episode in comparison.episodes
    ]
    title = _("Vues de chaque épisode pendant ses %(days)s premiers jours") % {"days": comparison.days}
    return bar_chart(chart_id="chart-episodes", title=title, bars=bars)


@figures_view
@require_GET
def engagement_series(request, pk):
    """A series' figures over the period, its views day by day, and its episodes compared by day since release."""
    series = get_object_or_404(Series.objects.select_related("museum"), pk=pk)
    form = _form(request)
    filters = form.filters()
    days = figures_by_day(filters=filters, series=series)
    comparison = series_episodes(series=series)
    context = {
        "series": series,
        "form": form,
        "period": _period_text(filters),
        "total": figures_total(filters=filters, series=series),
        "days": days,
        "chart": _day_chart(chart_id="chart-days", title=_("Vues par jour"), days=days),
        "comparison": comparison,
        "episodes_chart": _episodes_chart(series, comparison),
        "day_numbers": range(1, comparison.days + 1),
        "query": _query(request),
    }
    return render(request, "content/staff/series.html", context)


def _csv_lines(filters: FiguresFilter) -> Iterator[str]:
    """The header, then one line per item and day; written as read."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    header = [_("Jour"), _("Contenu (n°)"), _("Adresse"), _("Titre"), _("Type"), _("Série"), _("Musée"), _("Vues"),
              _("Nouveaux lecteurs"), _("J'aime"), _("Commentaires"), _("Interactions"), _("Taux d'engagement (%)"),
              _("Vidéos lancées"), _("Complétion moyenne (%)")]  # fmt: skip
    csv_write_rows(writer, [header])
    yield "\ufeff" + flush()  # a byte-order mark: spreadsheets then read the accents right
    for index, row in enumerate(figures_rows(filters=filters)):
        day, pk, slug, title, kind, series, museum, views, readers, reactions, comments, starts, completion = row
        interactions = reactions + comments
        rate = round(100 * interactions / views, 2) if views else ""
        average = round(completion / starts, 1) if starts else ""
        csv_write_rows(writer, [[day.isoformat(), pk, slug, title, kind, series or "", museum or "", views, readers,
                                 reactions, comments, interactions, rate, starts, average]])  # fmt: skip
        if index % 500 == 499:
            yield flush()
    yield flush()


@figures_view
@require_GET
def engagement_csv(request):
    """The day rows of the period (and museum) as CSV, streamed as they are read."""
    form = _form(request, list(Museum.objects.order_by("position", "name")))
    filters = form.filters()
    response = StreamingHttpResponse(_csv_lines(filters), content_type="text/csv; charset=utf-8")
    name = f"engagement-{filters.since.isoformat()}-{filters.until.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
