"""Every response of a survey as a spreadsheet: CSV streamed as it is read, XLSX built by a background task.

One row per response, one column per question — or per choice or row where a
question takes several answers: a multiple choice has a 0/1 column per choice
(empty when the question was not answered), a Likert matrix a column per row
(the point of the scale chosen), a ranking a column per choice (its rank,
headed "<question> — rang : <choice>"); a question with an "Autre (précisez)"
choice has one more column for its text, headed "<question> — Autre (texte)"
(a multiple choice's 0/1 column of that choice keeps the choice's label).
The header row holds the question texts in the reader's language.

The first columns say which response (its random id) and, for a named
survey, the day, the favourite museum and the language — what the results
filter on. No export names a member: a spreadsheet travels (mail, shared
folders) and the results need no identity, so the member stays in the
database. An anonymous survey's export has no day either: matched with the
days of the participations, a day with one response would name its author.

Responses are read in keyset batches of `BATCH` by id (random ids, so the
order says nothing), each batch's answers in one query: memory stays that of
one batch whatever the number of responses. CSV cells go through
`club.core.exports.cell_safe` (a formula-looking answer is shown, never run);
XLSX cells holding text are written as text cells, which a spreadsheet never
evaluates.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.files import File
from django.db.models import CharField, Sum
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from club.core.exports import csv_write_rows, csv_writer
from museums.models import Museum
from surveys.answers import Structure, structure_of
from surveys.models import Answer, Export, Question, ResponseCount, Submission, Survey

logger = logging.getLogger(__name__)

BATCH = 1000
XLSX_TEXT_LIMIT = 32_767  # the most a spreadsheet cell holds
_SINGLE = frozenset({Question.Kind.SINGLE, Question.Kind.DROPDOWN, Question.Kind.IMAGE_CHOICE})
_VALUE = frozenset({Question.Kind.RATING, Question.Kind.NPS, Question.Kind.NUMBER})
# How an answer goes into its row: the choice's label, a 1 in its choice's column, the choice's label in
# its row's column, its rank in its choice's column, its number, its date, its text.
LABEL, PICK, CELL, RANK, NUMBER, DATE, TEXT = range(7)


@dataclass
class Layout:
    """The columns of an export and, per question, where its answers go."""

    survey: Survey
    headers: list[str] = field(default_factory=list)
    # question → (how, column or {choice or row: column}, "Autre" text column or None)
    place: dict[int, tuple[int, Any, int | None]] = field(default_factory=dict)
    multiple: dict[int, list[int]] = field(default_factory=dict)  # multiple choice question → its 0/1 columns
    labels: dict[int, str] = field(default_factory=dict)  # choice → label
    museums: dict[int, str] = field(default_factory=dict)

    def add(self, header: str) -> int:
        self.headers.append(header)
        return len(self.headers) - 1


def _sub(question: Question, part: str) -> str:
    return _("%(question)s — %(part)s") % {"question": question.text, "part": part}


def _rank_header(question: Question, choice: str) -> str:
    return _("%(question)s — rang : %(choice)s") % {"question": question.text, "choice": choice}


def _question_columns(layout: Layout, question: Question, structure: Structure) -> None:
    choices = list(structure.choices.get(question.pk, {}).values())
    kind = question.kind
    how: int
    target: Any
    if kind in _SINGLE:
        how, target = LABEL, layout.add(str(question.text))
    elif kind == Question.Kind.MULTIPLE:
        how, target = PICK, {choice.pk: layout.add(_sub(question, choice.label)) for choice in choices}
        layout.multiple[question.pk] = list(target.values())
    elif kind == Question.Kind.LIKERT:
        rows = structure.rows.get(question.pk, {}).values()
        how, target = CELL, {row.pk: layout.add(_sub(question, row.label)) for row in rows}
    elif kind == Question.Kind.RANKING:
        how, target = RANK, {choice.pk: layout.add(_rank_header(question, choice.label)) for choice in choices}
    else:
        how = NUMBER if kind in _VALUE else DATE if kind == Question.Kind.DATE else TEXT
        target = layout.add(str(question.text))
    other = layout.add(_sub(question, _("Autre (texte)"))) if any(choice.is_other for choice in choices) else None
    layout.place[question.pk] = (how, target, other)


def export_layout(*, survey: Survey, structure: Structure | None = None) -> Layout:
    """The export's columns, in the reader's language (the structure's 3 queries, and the museums' names)."""
    structure = structure or structure_of(survey)
    layout = Layout(survey=survey, headers=[_("Réponse")])
    if not survey.anonymous:
        layout.headers += [_("Jour"), _("Musée préféré"), _("Langue")]
        layout.museums = {pk: str(name) for pk, name in Museum.objects.values_list("pk", "name")}
    for question in structure.questions:
        for choice in structure.choices.get(question.pk, {}).values():
            layout.labels[choice.pk] = str(choice.label)
        _question_columns(layout, question, structure)
    return layout


def _row(layout: Layout, submission: tuple, answers: list[tuple]) -> list:
    """One response's cells. The hot loop of every export: one branch per answer, no lookup by kind."""
    pk, _key, day, museum, language = submission
    cells: list[Any] = [None] * len(layout.headers)
    cells[0] = str(pk)
    if not layout.survey.anonymous:
        cells[1:4] = [day, layout.museums.get(museum) if museum else None, language or None]
    place, labels = layout.place, layout.labels
    picked = []
    for _key, question, choice, row, rank, number, date, text in answers:
        placed = place.get(question)
        if placed is None:  # a question deleted since the response: not a column of this export
            continue
        how, target, other = placed
        if how == LABEL:
            cells[target] = labels.get(choice)
        elif how == PICK:
            cells[target[choice]] = 1
            picked.append(question)
        elif how == CELL:
            cells[target[row]] = labels.get(choice)
        elif how == RANK:
            cells[target[choice]] = rank
        elif how == NUMBER:
            cells[target] = number
        elif how == DATE:
            cells[target] = date
        elif how == TEXT:
            cells[target] = text
        if text and other is not None:
            cells[other] = text
    for question in set(picked):  # a multiple choice answered: the choices not picked are 0, not empty
        for index in layout.multiple[question]:
            if cells[index] is None:
                cells[index] = 0
    return cells


def export_batches(*, layout: Layout, batch: int = BATCH) -> Iterator[list[list]]:
    """The rows, a batch at a time: `batch` submissions by id (keyset), then their answers in one query.

    Ids are matched as text (a cast in SQL): making a `UUID` object of each
    answer's submission id was a third of an export's time.
    """
    last = None
    while True:
        submissions = Submission.objects.filter(survey=layout.survey)
        if last is not None:
            submissions = submissions.filter(id__gt=last)
        chunk = list(
            submissions.order_by("id")
            .annotate(key=Cast("id", output_field=CharField()))
            .values_list("id", "key", "submitted_on", "favourite_museum_id", "language")[:batch]
        )
        if not chunk:
            return
        by_submission: dict[str, list[tuple]] = {row[1]: [] for row in chunk}
        answers = (
            Answer.objects.filter(submission_id__in=[row[0] for row in chunk])
            .annotate(key=Cast("submission_id", output_field=CharField()))
            .values_list("key", "question_id", "choice_id", "row_id", "rank", "number", "date", "text")
        )
        for answer in answers:
            by_submission[answer[0]].append(answer)
        yield [_row(layout, submission, by_submission[submission[1]]) for submission in chunk]
        if len(chunk) < batch:
            return
        last = chunk[-1][0]


class _Lines:
    """What `csv.writer` writes into, emptied at each read."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def pop(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def survey_csv_lines(*, survey: Survey, batch: int = BATCH) -> Iterator[str]:
    """The CSV export, a batch at a time: UTF-8 with a byte order mark (Excel), semicolons, safe cells.

    The header goes out before any response is read, so the download starts at once.
    """
    layout = export_layout(survey=survey)
    lines = _Lines()
    writer = csv_writer(lines)
    csv_write_rows(writer, [layout.headers])
    yield "\ufeff" + lines.pop()
    for rows in export_batches(layout=layout, batch=batch):
        csv_write_rows(writer, rows)
        yield lines.pop()


def _xlsx_cell(sheet, value):
    """A value as a cell: text always as a text cell (never a formula), dates and numbers as themselves."""
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=None)
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_TEXT_LIMIT]
        cell.data_type = "s"
        return cell
    return value


def export_filename(*, survey: Survey, extension: str) -> str:
    """The name a download is saved under ("cartels-reponses-2026-11-14.xlsx")."""
    return f"{survey.slug}-reponses-{timezone.localdate():%Y-%m-%d}.{extension}"


def _progress(export_id: int, done: int) -> None:
    Export.objects.filter(pk=export_id).update(done=done)


def _xlsx_write(export: Export, handle) -> int:
    layout = export_layout(survey=export.survey)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Réponses")[:31])
    bold = Font(bold=True)
    header = []
    for text in layout.headers:
        cell = _xlsx_cell(sheet, text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    done = 0
    for rows in export_batches(layout=layout, batch=BATCH):
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
        done += len(rows)
        _progress(export.pk, done)
    workbook.save(handle)
    return done


def _claim(export_id: int) -> bool:
    """Take the export (queued, or running when a dead worker's task comes back); False when done or failed."""
    waiting = [Export.Status.QUEUED, Export.Status.RUNNING]
    return bool(Export.objects.filter(pk=export_id, status__in=waiting).update(status=Export.Status.RUNNING, done=0))


def export_xlsx_build(*, export_id: int, language: str = "fr") -> Export | None:
    """Build an export's XLSX file (openpyxl, write-only), its progress saved after every batch.

    Runs outside any transaction so the page sees the progress; a failure marks
    the export failed (and is logged) instead of leaving it running forever.
    """
    if not _claim(export_id):
        return None
    export = Export.objects.select_related("survey").get(pk=export_id)
    total = Submission.objects.filter(survey_id=export.survey_id).count()
    Export.objects.filter(pk=export_id).update(total=total)
    try:
        with translation.override(language), tempfile.TemporaryFile() as handle:
            done = _xlsx_write(export, handle)
            handle.seek(0)
            name = f"{export.survey.slug}-{secrets.token_urlsafe(16)}.xlsx"  # unguessable, even if media were public
            export.file.save(name, File(handle), save=False)
    except Exception:
        logger.exception("export %s of survey %s failed", export_id, export.survey_id)
        Export.objects.filter(pk=export_id).update(status=Export.Status.FAILED, finished_at=timezone.now())
        export.refresh_from_db()
        return export
    Export.objects.filter(pk=export_id).update(
        status=Export.Status.DONE, file=export.file.name, done=done, total=max(total, done), finished_at=timezone.now()
    )
    export.refresh_from_db()
    return export


def export_responses_expected(*, survey: Survey) -> int:
    """The responses an export will hold (from the counters, one query)."""
    return ResponseCount.objects.filter(survey=survey).aggregate(total=Sum("count"))["total"] or 0


EXPORT_KEEP_DAYS = 7


def exports_purge(*, now: datetime | None = None, keep_days: int = EXPORT_KEEP_DAYS) -> int:
    """Delete the spreadsheets (files and rows) asked for more than `keep_days` ago: answers do not linger."""
    now = now or timezone.now()
    old = list(Export.objects.filter(created_at__lt=now - timedelta(days=keep_days)))
    for export in old:
        if export.file:
            export.file.delete(save=False)
    Export.objects.filter(pk__in=[export.pk for export in old]).delete()
    return len(old)
