"""Exports of every response: CSV streamed and XLSX built by the task parse back to exactly the responses."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from club.members.tests.factories import MemberFactory, StaffFactory
from surveys import exports
from surveys.exports import export_xlsx_build, survey_csv_lines
from surveys.models import Choice, Export, Submission
from surveys.services import submission_create
from surveys.tasks import export_request
from surveys.tests.results_data import RESPONSES, answers_for, respond, respond_all, results_staff, survey_build

pytestmark = pytest.mark.django_db

HEADERS = [
    "Réponse", "Jour", "Musée préféré", "Langue",
    "Votre musée du jour ?", "Votre musée du jour ? — Autre (texte)",
    "Ce que vous lisez — X", "Ce que vous lisez — Y", "Ce que vous lisez — Z",
    "Votre âge", "Le cartel préféré", "Lisibilité", "Recommanderiez-vous ?",
    "Les cartels sont — R1", "Les cartels sont — R2",
    "Classez — rang : K1", "Classez — rang : K2", "Classez — rang : K3",
    "Combien de minutes ?", "Dernière visite", "Un mot", "Vos remarques",
]  # fmt: skip
MUSEUM_NAMES = {"M1": "Musée des Beaux-Arts", "M2": "Musée de la Céramique", None: None}


def _expected(museum, language, spec, *, day, anonymous=False) -> list:
    """The row an export must hold for a line of RESPONSES (None for an empty cell)."""
    single = spec["single"]
    picked = set(spec["multiple"])
    ranks = {label: rank for rank, label in enumerate(spec["ranking"], start=1)}
    row = [] if anonymous else [day, MUSEUM_NAMES[museum], language]
    row += [
        single[0] if isinstance(single, tuple) else single, single[1] if isinstance(single, tuple) else None,
        *(1 if label in picked else 0 for label in "XYZ"),
        spec["dropdown"], spec["image"], spec["rating"], spec["nps"],
        spec["likert"]["R1"], spec["likert"]["R2"],
        ranks["K1"], ranks["K2"], ranks["K3"],
        spec["number"], date.fromisoformat(spec["date"]) if "date" in spec else None,
        spec.get("short"), spec.get("long"),
    ]  # fmt: skip
    return row


def _csv_cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@")) else text


@pytest.fixture
def built():
    return respond_all(survey_build())


def _expected_by_id(built) -> dict[str, list]:
    """Each response's id → its expected row, found through the member who gave it (a named survey)."""
    day = timezone.localdate()
    expected = {}
    for member, (museum, language, spec) in zip(built.members, RESPONSES, strict=True):
        submission = Submission.objects.get(survey=built.survey, member=member)
        expected[str(submission.pk)] = _expected(museum, language, spec, day=day)
    return expected


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark, for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_csv_export_parses_back_to_exactly_the_responses(client, built):
    client.force_login(results_staff())
    response = client.get(reverse("survey_results:csv", args=[built.survey.pk]))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cartels-reponses-')
    rows = _csv_rows(b"".join(response.streaming_content))
    assert rows[0] == HEADERS
    expected = _expected_by_id(built)
    got = {row[0]: row[1:] for row in rows[1:]}
    assert set(got) == set(expected)
    for pk, row in expected.items():
        assert got[pk] == [_csv_cell(value) for value in row]
    assert [row[0] for row in rows[1:]] == sorted(got)  # by id: random, so the order says nothing


def test_every_column_has_its_own_header_saying_what_it_holds(built):
    multiple = built.questions["multiple"]
    other = Choice.objects.create(question=multiple, position=4, label="Autre (précisez)", is_other=True)
    headers = exports.export_layout(survey=built.survey).headers
    assert len(headers) == len(set(headers))  # never two columns of the same name
    assert headers.index("Ce que vous lisez — Autre (précisez)") + 1 == headers.index(
        "Ce que vous lisez — Autre (texte)"
    )  # the choice's 0/1, then what was written
    assert [h for h in headers if h.startswith("Classez")] == [f"Classez — rang : K{n}" for n in (1, 2, 3)]
    answers = answers_for(built, RESPONSES[0][2])
    answers[str(multiple.pk)] = [{"choice": other.pk, "other": "Les cartels"}]
    submission_create(member=MemberFactory(), survey=built.survey, answers=answers)
    rows = [row for rows in exports.export_batches(layout=exports.export_layout(survey=built.survey)) for row in rows]
    written = next(row for row in rows if "Les cartels" in row)
    assert written[headers.index("Ce que vous lisez — Autre (précisez)")] == 1
    assert written[headers.index("Ce que vous lisez — Autre (texte)")] == "Les cartels"


def test_formula_looking_answers_stay_text_in_the_csv(client, built):
    client.force_login(results_staff())
    content = b"".join(client.get(reverse("survey_results:csv", args=[built.survey.pk])).streaming_content)
    cells = [cell for row in _csv_rows(content) for cell in row]
    assert "'=1+1" in cells and "=1+1" not in cells
    assert "'-3 étoiles" in cells
    assert 'Le musée ; "bien" dit-on\nsur deux lignes' in cells  # separators, quotes and lines survive


def test_the_csv_header_goes_out_before_any_response_is_read_then_one_query_pair_per_batch(built):
    lines = survey_csv_lines(survey=built.survey, batch=2)
    with CaptureQueriesContext(connection) as queries:
        header = next(lines)
    assert header.startswith("\ufeffRéponse;Jour;")
    assert not any("surveys_submission" in query["sql"] for query in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:
        chunks = list(lines)
    assert len(chunks) == 3  # 6 responses by 2
    assert len(queries) == 2 * 3 + 1  # submissions and their answers per batch, then the empty batch that ends it
    assert sum(chunk.count("\r\n") for chunk in chunks) >= 6


def test_an_anonymous_export_has_neither_member_nor_day(client, django_capture_on_commit_callbacks):
    from surveys.anonymity import anonymous_responses_flush

    built = survey_build(anonymous=True, slug="anonyme")
    for museum, language, spec in RESPONSES:
        with django_capture_on_commit_callbacks(execute=True):
            respond(built, museum, language, spec)
    anonymous_responses_flush(survey_id=built.survey.pk, now=built.survey.closes_at)
    client.force_login(results_staff())
    rows = _csv_rows(b"".join(client.get(reverse("survey_results:csv", args=[built.survey.pk])).streaming_content))
    assert rows[0] == [HEADERS[0], *HEADERS[4:]]
    got = sorted(row[1:] for row in rows[1:])
    expected = sorted([_csv_cell(value) for value in _expected(*line, day=None, anonymous=True)] for line in RESPONSES)
    assert got == expected
    day = str(timezone.localdate())
    assert not any(day in cell for row in rows for cell in row)


def test_an_export_of_fewer_than_five_responses_is_refused(client):
    built = survey_build(slug="peu")
    for museum, language, spec in RESPONSES[:4]:
        respond(built, museum, language, spec)
    client.force_login(results_staff())
    response = client.get(reverse("survey_results:csv", args=[built.survey.pk]), follow=True)
    assert "pas d&#x27;export" in response.content.decode() or "pas d'export" in response.content.decode()
    assert not getattr(response, "streaming", False)
    client.post(reverse("survey_results:xlsx", args=[built.survey.pk]))
    assert not Export.objects.exists()


def _workbook_rows(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_xlsx_export_is_built_after_commit_and_parses_back_to_exactly_the_responses(
    client, built, django_capture_on_commit_callbacks
):
    staff = results_staff()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):  # Celery runs eagerly, as in the quick start
        response = client.post(reverse("survey_results:xlsx", args=[built.survey.pk]))
    export = Export.objects.get()
    assert response.status_code == 302 and response.url.endswith("#export")
    assert (export.status, export.done, export.total, export.percent) == (Export.Status.DONE, 6, 6, 100)
    assert export.requested_by == staff and export.finished_at is not None
    assert "cartels-" in export.file.name and export.file.name.endswith(".xlsx")
    download = client.get(reverse("survey_results:xlsx_download", args=[built.survey.pk, export.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    rows = _workbook_rows(b"".join(download.streaming_content))
    assert rows[0] == HEADERS
    expected = _expected_by_id(built)
    got = {row[0]: row[1:] for row in rows[1:]}
    assert set(got) == set(expected)
    for pk, row in expected.items():
        as_read = [value.date() if hasattr(value, "date") and callable(value.date) else value for value in got[pk]]
        assert as_read == row, pk


def test_formula_looking_answers_are_text_cells_in_the_xlsx(built):
    export = Export.objects.create(survey=built.survey, requested_by=results_staff())
    export_xlsx_build(export_id=export.pk)
    export.refresh_from_db()
    with export.file.open("rb") as handle:
        sheet = load_workbook(handle).active
    cells = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert cells["=1+1"] == "s" and cells["-3 étoiles"] == "s"


def test_the_xlsx_task_saves_its_progress_after_every_batch(built, monkeypatch):
    seen = []
    progress = exports._progress
    monkeypatch.setattr(exports, "BATCH", 2)
    monkeypatch.setattr(exports, "_progress", lambda export_id, done: (seen.append(done), progress(export_id, done)))
    export = Export.objects.create(survey=built.survey, requested_by=results_staff())
    export_xlsx_build(export_id=export.pk)
    export.refresh_from_db()
    assert seen == [2, 4, 6] and export.status == Export.Status.DONE and export.done == 6


def test_the_page_shows_the_progress_and_the_json_says_how_far(client, built):
    export = Export.objects.create(survey=built.survey, requested_by=results_staff(), status=Export.Status.RUNNING,
                                   done=2, total=5)  # fmt: skip
    client.force_login(results_staff())
    page = client.get(reverse("survey_results:results", args=[built.survey.pk])).content.decode()
    progress_url = reverse("survey_results:xlsx_progress", args=[built.survey.pk, export.pk])
    assert f'data-export-progress="{progress_url}"' in page
    assert '<progress id="export-progress" value="40" max="100">' in page
    state = client.get(progress_url).json()
    assert state == {"status": "running", "percent": 40, "percent_text": "40\u202f%", "done": 2, "total": 5,
                     "download_url": None}  # fmt: skip
    assert client.get(reverse("survey_results:xlsx_download", args=[built.survey.pk, export.pk])).status_code == 404


def test_a_failed_build_is_marked_failed_and_said_on_the_page(
    client, built, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(export, handle):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "_xlsx_write", broken)
    client.force_login(results_staff())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("survey_results:xlsx", args=[built.survey.pk]))
    export = Export.objects.get()
    assert export.status == Export.Status.FAILED and export.finished_at is not None and not export.file
    assert "export" in caplog.text and "disk full" in caplog.text
    page = client.get(reverse("survey_results:results", args=[built.survey.pk])).content.decode()
    assert "La préparation du fichier Excel a échoué" in page and "Préparer à nouveau le fichier Excel" in page
    progress = client.get(reverse("survey_results:xlsx_progress", args=[built.survey.pk, export.pk])).json()
    assert progress["status"] == "failed" and progress["download_url"] is None
    assert client.get(reverse("survey_results:xlsx_download", args=[built.survey.pk, export.pk])).status_code == 404


def test_a_finished_export_is_not_built_twice(built):
    export = Export.objects.create(survey=built.survey, requested_by=results_staff())
    first = export_xlsx_build(export_id=export.pk)
    assert first.status == Export.Status.DONE
    assert export_xlsx_build(export_id=export.pk) is None  # a redelivered task finds it done
    assert Export.objects.get().file.name == first.file.name


def test_the_task_is_queued_only_after_the_request_commits(built, django_capture_on_commit_callbacks):
    question = built.questions["single"]
    question.text_en = "Your museum today?"
    question.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = export_request(survey=built.survey, requested_by=results_staff(), language="en")
    assert export.status == Export.Status.QUEUED and export.total == 6 and len(callbacks) == 1
    callbacks[0]()
    export.refresh_from_db()
    assert export.status == Export.Status.DONE
    with export.file.open("rb") as handle:
        header = next(load_workbook(handle).active.iter_rows(values_only=True))
    assert header[4] == "Your museum today?"  # the requester's language, not the one running the task


def test_downloads_need_the_permission_and_the_right_survey(client, built):
    export = Export.objects.create(survey=built.survey, requested_by=results_staff())
    export_xlsx_build(export_id=export.pk)
    other = survey_build(slug="autre")
    client.force_login(StaffFactory())
    assert client.get(reverse("survey_results:xlsx_download", args=[built.survey.pk, export.pk])).status_code == 403
    client.force_login(results_staff())
    assert client.get(reverse("survey_results:xlsx_download", args=[other.survey.pk, export.pk])).status_code == 404
    assert client.get(reverse("survey_results:xlsx_progress", args=[other.survey.pk, export.pk])).status_code == 404
    assert client.get(reverse("survey_results:xlsx", args=[built.survey.pk])).status_code == 405  # POST only


def test_a_broker_that_refuses_leaves_the_export_queued_and_staff_may_ask_again_later(
    client, built, monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from surveys.tasks import export_xlsx_task

    def refused(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(export_xlsx_task, "apply_async", refused)
    client.force_login(results_staff())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("survey_results:xlsx", args=[built.survey.pk]))
    assert response.status_code == 302  # never a 500: the row waits
    export = Export.objects.get()
    assert export.status == Export.Status.QUEUED
    page = client.get(reverse("survey_results:results", args=[built.survey.pk])).content.decode()
    assert "data-export-again hidden" in page  # just asked: the page follows it
    Export.objects.filter(pk=export.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    page = client.get(reverse("survey_results:results", args=[built.survey.pk])).content.decode()
    assert "data-export-again hidden" not in page and "Préparer à nouveau le fichier Excel" in page


def test_spreadsheets_older_than_a_week_are_deleted_with_their_files(built, django_capture_on_commit_callbacks):
    staff = results_staff()
    with django_capture_on_commit_callbacks(execute=True):
        old = export_request(survey=built.survey, requested_by=staff, language="fr")
    old.refresh_from_db()
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    Export.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    recent = Export.objects.create(survey=built.survey, requested_by=staff)
    assert exports.exports_purge() == 1
    assert list(Export.objects.all()) == [recent] and not storage.exists(name)
