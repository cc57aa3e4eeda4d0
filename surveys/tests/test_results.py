"""Staff results: every number checked against hand-computed values, filters, the anonymity rule, budgets, access."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from club.members.tests.factories import MemberFactory, MuseumFactory, StaffFactory
from surveys.anonymity import anonymous_responses_flush
from surveys.models import Choice, PendingResponse, Question, Survey, SurveyPage
from surveys.results import ResultsFilter, survey_results, survey_texts
from surveys.services import draft_save, submission_create
from surveys.tests.results_data import PLAIN, answers_for, respond, respond_all, results_staff, survey_build

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def _by_key(results, built):
    return {key: next(item for item in results.questions if item.question.pk == question.pk)
            for key, question in built.questions.items()}  # fmt: skip


@pytest.fixture
def built():
    return respond_all(survey_build())


@pytest.fixture
def items(built):
    return _by_key(survey_results(survey=built.survey), built)


def _lines(item):
    return {line.label: (line.count, round(line.percent, 2)) for line in item.choices}


def test_single_choice_dropdown_and_image_choice_count_each_choice_and_its_share(items):
    assert items["single"].answered == 6
    assert _lines(items["single"]) == {"A": (3, 50.0), "B": (2, 33.33), "Autre": (1, 16.67)}
    assert [line.is_other for line in items["single"].choices] == [False, False, True]
    assert items["single"].has_texts  # "Autre" was picked: its texts are listed
    assert _lines(items["dropdown"]) == {"D1": (4, 66.67), "D2": (2, 33.33)}
    assert _lines(items["image"]) == {"I1": (4, 66.67), "I2": (2, 33.33)}


def test_multiple_choice_counts_picks_and_shares_of_the_groups_responses(items):
    # X: responses 1, 2, 4, 6; Y: 1, 3, 4; Z: 3, 4, 5 — out of 6 responses.
    assert _lines(items["multiple"]) == {"X": (4, 66.67), "Y": (3, 50.0), "Z": (3, 50.0)}
    assert items["multiple"].answered == 10  # picks


def test_rating_distribution_and_average(items):
    rating = items["rating"]
    assert [(line.value, line.count) for line in rating.scale] == [(1, 0), (2, 1), (3, 1), (4, 2), (5, 2)]
    assert [round(line.percent, 2) for line in rating.scale] == [0.0, 16.67, 16.67, 33.33, 33.33]
    assert rating.mean == pytest.approx(23 / 6)  # 5 + 4 + 3 + 5 + 2 + 4


def test_nps_promoters_passives_detractors_and_score(items):
    nps = items["nps"]
    counts = {line.value: line.count for line in nps.scale}
    assert counts == {0: 1, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 1, 7: 0, 8: 1, 9: 1, 10: 2}
    # 10, 9, 8, 6, 0, 10: promoters 10, 9, 10; passive 8; detractors 6, 0.
    assert (nps.nps.promoters, nps.nps.passives, nps.nps.detractors) == (3, 1, 2)
    assert nps.nps.promoters_percent == pytest.approx(50.0)
    assert nps.nps.passives_percent == pytest.approx(100 / 6)
    assert nps.nps.detractors_percent == pytest.approx(100 / 3)
    assert nps.nps.score == pytest.approx(50 - 100 / 3)


def test_likert_matrix_counts_shares_and_shades_per_row(items):
    likert = items["likert"]
    assert likert.matrix_scale == ["S1", "S2", "S3"]
    r1, r2 = likert.matrix
    # R1: S1 by 1, 2, 5; S2 by 3, 6; S3 by 4.  R2: S1 by 2; S2 by 1, 5, 6; S3 by 3, 4.
    assert (r1.label, [cell.count for cell in r1.cells], r1.total) == ("R1", [3, 2, 1], 6)
    assert [round(cell.percent, 2) for cell in r1.cells] == [50.0, 33.33, 16.67]
    assert [cell.level for cell in r1.cells] == [3, 2, 1]  # fifths: 0.5 → 3, 0.33 → 2, 0.17 → 1
    assert (r2.label, [cell.count for cell in r2.cells], r2.total) == ("R2", [1, 3, 2], 6)
    assert [cell.level for cell in r2.cells] == [1, 3, 2]
    assert likert.answered == 6


def test_ranking_mean_rank_per_choice_best_first(items):
    ranking = items["ranking"]
    # K1 ranks 2,3,1,3,2,3 = 14; K2 1,1,2,2,1,2 = 9; K3 3,2,3,1,3,1 = 13 (six responses each).
    assert [(line.label, round(line.mean, 4)) for line in ranking.ranks] == [
        ("K2", round(9 / 6, 4)), ("K3", round(13 / 6, 4)), ("K1", round(14 / 6, 4))
    ]  # fmt: skip
    assert {line.label: line.at_rank for line in ranking.ranks} == {"K2": [3, 3, 0], "K3": [2, 1, 3], "K1": [1, 2, 3]}
    assert ranking.answered == 6


def test_number_count_and_mean_dates_and_texts_counted(items):
    assert (items["number"].answered, items["number"].mean) == (6, 35.0)  # 10 + 20 + … + 60 = 210, by 6
    assert items["date"].answered == 4
    assert items["short"].answered == 3 and items["short"].has_texts
    assert items["long"].answered == 2


def test_response_count_rate_against_the_audience_and_drafts(built):
    waiting = [MemberFactory(), MemberFactory()]
    draft_save(member=waiting[0], survey=built.survey, answers={}, page=1)
    draft_save(member=waiting[1], survey=built.survey, answers={}, page=2)
    results = survey_results(survey=built.survey)
    assert results.responses_total == results.responses == 6
    assert results.audience == 8  # the six who answered and the two with a draft (all active members)
    assert results.rate == pytest.approx(75.0)
    assert (results.drafts, results.draft_page, results.pages) == (2, 1.5, 2)
    assert results.draft_completion == pytest.approx(75.0)


def _two_museums_survey():
    """One single-choice question; 11 responses today and 2 yesterday (Paris days)."""
    built = survey_build(slug="filtres")
    single = PLAIN
    other = {**single, "single": "B"}
    for museum, language, spec in (
        [("M1", "fr", single)] * 3
        + [("M1", "fr", other)]
        + [("M1", "en", other)] * 2
        + [("M2", "fr", single)]
        + [("M2", "fr", other)] * 4
    ):
        respond(built, museum, language, spec)
    yesterday = timezone.now() - timedelta(days=1)
    for spec in (single, single):
        respond(built, "M2", "en", spec, now=yesterday)
    return built


def _single(results, built):
    return _lines(_by_key(results, built)["single"])


def test_filters_by_favourite_museum_language_and_days():
    built = _two_museums_survey()
    m1, m2 = built.museums["M1"].pk, built.museums["M2"].pk
    today = timezone.localdate()
    by_museum = survey_results(survey=built.survey, filters=ResultsFilter(museum=m1))
    assert by_museum.responses == 6 and _single(by_museum, built) == {"A": (3, 50.0), "B": (3, 50.0), "Autre": (0, 0)}
    m2_french = survey_results(survey=built.survey, filters=ResultsFilter(museum=m2, language="fr"))
    assert m2_french.responses == 5 and _single(m2_french, built)["B"] == (4, 80.0)
    on_today = survey_results(survey=built.survey, filters=ResultsFilter(since=today, until=today))
    assert on_today.responses == 11 and _single(on_today, built)["A"] == (4, 36.36)
    french = survey_results(survey=built.survey, filters=ResultsFilter(language="fr"))
    assert french.responses == 9 and not french.masked
    assert survey_results(survey=built.survey).responses == 13


def test_a_group_of_fewer_than_five_responses_is_masked_named_or_anonymous():
    built = _two_museums_survey()
    yesterday = timezone.localdate() - timedelta(days=1)
    english = survey_results(survey=built.survey, filters=ResultsFilter(language="en"))
    assert english.responses == 4 and english.masked and english.questions == []
    on_yesterday = survey_results(survey=built.survey, filters=ResultsFilter(since=yesterday, until=yesterday))
    assert on_yesterday.masked and on_yesterday.questions == []
    few = survey_build(slug="peu")
    for _n in range(4):
        respond(few, "M1", "fr", PLAIN)
    assert survey_results(survey=few.survey).masked  # the whole survey: four responses


def test_the_page_says_when_a_group_is_masked(client, built):
    client.force_login(results_staff())
    page = client.get(reverse("survey_results:results", args=[built.survey.pk]), {"museum": built.museums["M1"].pk})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Moins de 5 réponses : résultats masqués pour préserver l'anonymat." in text
    assert "<svg" not in text and "chart-q" not in text


def test_a_day_is_a_day_in_paris():
    built = survey_build(slug="minuit")
    late = datetime(2026, 11, 14, 23, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 on 15 November in Paris
    built.survey.opens_at, built.survey.closes_at = late - timedelta(days=1), late + timedelta(days=1)
    built.survey.save()
    for _n in range(5):
        respond(built, "M1", "fr", PLAIN, now=late)
    paris_day = late.astimezone(PARIS).date()
    assert survey_results(survey=built.survey, filters=ResultsFilter(since=paris_day, until=paris_day)).responses == 5
    utc_day = late.date()
    assert survey_results(survey=built.survey, filters=ResultsFilter(since=utc_day, until=utc_day)).responses == 0


def _anonymous_survey_with_responses(count: int, django_capture_on_commit_callbacks):
    built = survey_build(anonymous=True, slug="anonyme")
    spec = {**PLAIN, "short": "Secret"}
    for index in range(count):
        with django_capture_on_commit_callbacks(execute=True):
            respond(built, "M1" if index % 2 else "M2", "en" if index % 3 else "fr", spec)  # fmt: skip
    anonymous_responses_flush(survey_id=built.survey.pk, now=built.survey.closes_at)  # the rest, as at closing
    return built


def test_an_anonymous_survey_filters_by_day_only(django_capture_on_commit_callbacks):
    built = _anonymous_survey_with_responses(6, django_capture_on_commit_callbacks)
    results = survey_results(survey=built.survey, filters=ResultsFilter(museum=built.museums["M1"].pk, language="en"))
    assert results.filters == ResultsFilter() and results.responses == 6  # museum and language dropped
    assert _single(results, built)["A"] == (6, 100.0)
    today = timezone.localdate()
    assert survey_results(survey=built.survey, filters=ResultsFilter(since=today)).responses == 6
    assert survey_results(survey=built.survey, filters=ResultsFilter(until=today - timedelta(days=1))).masked


def test_the_anonymous_results_page_offers_the_day_filter_only(client, django_capture_on_commit_callbacks):
    built = _anonymous_survey_with_responses(5, django_capture_on_commit_callbacks)
    client.force_login(results_staff())
    page = client.get(reverse("survey_results:results", args=[built.survey.pk])).content.decode()
    assert 'name="since"' in page and 'name="until"' in page
    assert 'id="id_museum"' not in page and 'id="id_language"' not in page


def test_the_results_page_draws_every_chart_with_a_text_alternative_and_its_table(client, built):
    client.force_login(results_staff())
    response = client.get(reverse("survey_results:results", args=[built.survey.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    svg = r'<svg class="chart[^"]*" id="(chart-q\d+)" role="img" aria-labelledby="(chart-q\d+-title)"'
    charts = re.findall(svg, page)
    charted = {"single", "multiple", "dropdown", "image", "rating", "nps", "likert", "ranking"}
    assert {chart for chart, _title in charts} == {f"chart-q{built.questions[key].pk}" for key in charted}
    single = built.questions["single"]
    alternative = "Votre musée du jour ? A : 3 (50,0\u202f%) ; B : 2 (33,3\u202f%) ; Autre : 1 (16,7\u202f%)."
    assert f'<title id="chart-q{single.pk}-title">{alternative}</title>' in page
    assert '<td class="num" data-label="Part">50,0\u202f%</td>' in page  # the same numbers in the table
    assert '<p class="stat-value">17</p><p class="stat-label">Score NPS</p>' in page  # 50 % − 33,3 %
    assert 'class="num heat-3"' in page  # the Likert heat table
    assert "Rang moyen" in page and "1,50" in page
    number = page.split(f'id="q{built.questions["number"].pk}"')[1].split("</section>")[0]
    assert '<p class="stat-value">6</p><p class="stat-label">Réponses</p>' in number
    assert '<p class="stat-value">35,00</p><p class="stat-label">Moyenne</p>' in number
    assert "Somme" not in page and "210" not in number  # a sum of minutes means nothing to a curator
    assert page.count("membres destinataires") == 1  # the rate's hint, on no other tile


def test_the_results_page_costs_the_same_queries_for_1_and_50_responses(client):
    small, big = survey_build(slug="une"), survey_build(slug="cinquante")
    spec = {**PLAIN, "multiple": ["X", "Z"], "nps": 9, "likert": {"R1": "S1", "R2": "S3"}, "short": "Oui"}
    respond(small, "M1", "fr", spec)
    for index in range(50):
        respond(big, "M1" if index % 2 else "M2", "en" if index % 3 else "fr", {**spec, "rating": 1 + index % 5})
    client.force_login(results_staff())
    client.get(reverse("survey_results:results", args=[small.survey.pk]))  # permissions cached per request anyway

    def count(built):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("survey_results:results", args=[built.survey.pk])).status_code == 200
        return len(queries)

    assert count(small) == count(big)
    filtered = {"museum": big.museums["M1"].pk, "language": "en", "since": "2020-01-01"}
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("survey_results:results", args=[big.survey.pk]), filtered)
    assert len(queries) == count(big)


def test_the_numbers_cost_nine_queries_named_or_anonymous(built, django_assert_num_queries):
    with django_assert_num_queries(9):  # structure 3, responses, drafts, pages, audience, who answered, counters
        survey_results(survey=built.survey)
    anonymous = survey_build(anonymous=True, slug="anonyme")
    for _n in range(3):
        respond(anonymous, "M1", "fr", PLAIN)
    with django_assert_num_queries(9):
        survey_results(survey=anonymous.survey)


def test_the_page_writes_percentages_as_the_readers_language_does(client, built):
    client.force_login(results_staff())
    url = reverse("survey_results:results", args=[built.survey.pk])
    french = client.get(url).content.decode()
    assert '<td class="num" data-label="Part">50,0\u202f%</td>' in french
    assert re.search(r'"stat-value">\d+,\d\u202f%</p><p class="stat-label">Taux de réponse', french)
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(url).content.decode()
    assert ">50.0%</td>" in english and "A: 3 (50.0%)" in english.replace("A : 3", "A: 3")
    assert re.search(r'"stat-value">\d+\.\d%</p>', english)  # the rate
    assert not re.search(r"\d(\s|&nbsp;)%", english)  # no number spaced from its "%" (\s: any space)


def test_ranks_are_drawn_with_two_decimals_as_numbers_only(client, built):
    client.force_login(results_staff())
    page = client.get(reverse("survey_results:results", args=[built.survey.pk])).content.decode()
    ranking = built.questions["ranking"].pk
    title = re.search(rf'<title id="chart-q{ranking}-title">([^<]+)</title>', page).group(1)
    assert title == "Classez (rang moyen, 1 = préféré). K2 : 1,50 ; K3 : 2,17 ; K1 : 2,33."
    values = re.findall(r'<text class="chart-value"[^>]*>([^<]+)</text>', page.split(f'id="chart-q{ranking}"')[1])
    assert values[:3] == ["1,50", "2,17", "2,33"]


def _anonymous_waiting(count: int):
    """An open anonymous survey answered `count` times, then one batch written as the periodic job would."""
    built = survey_build(anonymous=True, slug="anonyme")
    for index in range(count):
        respond(built, "M1", "fr" if index % 2 else "en", PLAIN)
    anonymous_responses_flush(survey_id=built.survey.pk)  # open: writes all but a group of ANONYMITY_BATCH
    return built


def test_an_anonymous_surveys_waiting_responses_are_said_with_who_answered(client):
    built = _anonymous_waiting(12)
    pending = PendingResponse.objects.filter(survey=built.survey).count()
    results = survey_results(survey=built.survey)
    assert results.answered == 12 and results.pending == pending > 0
    assert results.responses_total == 12 - pending  # written, in the results
    assert results.rate == pytest.approx(100.0)  # who answered, against the audience (the twelve)
    client.force_login(results_staff())
    page = client.get(reverse("survey_results:results", args=[built.survey.pk])).content.decode()
    assert '<p class="stat-value">12</p><p class="stat-label">Réponses</p>' in page
    assert f"{12 - pending} dans les résultats, les autres en attente" in page
    assert "12 membres ont répondu." in page
    assert (f"{pending} réponses attendent d'être écrites avec d'autres (par groupes d'au moins 5, pour "
            "l'anonymat) : elles apparaîtront ici ensuite, au plus tard à la clôture.") in page  # fmt: skip
    listed = client.get(reverse("survey_results:list"))
    row = next(survey for survey in listed.context["page"].object_list if survey.pk == built.survey.pk)
    assert (row.answered, row.pending, row.responses) == (12, pending, 12 - pending)
    assert f"dont {pending} en attente d&#x27;écriture" in listed.content.decode() or (
        f"dont {pending} en attente d'écriture" in listed.content.decode()
    )

    anonymous_responses_flush(survey_id=built.survey.pk, now=built.survey.closes_at)  # at closing: the rest
    page = client.get(reverse("survey_results:results", args=[built.survey.pk])).content.decode()
    assert "attendent d'être écrites" not in page and "en attente" not in page
    assert '<p class="stat-value">12</p><p class="stat-label">Réponses</p>' in page


def test_a_closed_anonymous_surveys_last_responses_are_said_to_come_in_minutes(client):
    built = _anonymous_waiting(3)  # too few for a batch while open
    Survey.objects.filter(pk=built.survey.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    client.force_login(results_staff())
    page = client.get(reverse("survey_results:results", args=[built.survey.pk])).content.decode()
    assert "3 membres ont répondu." in page
    assert "3 réponses attendent d'être écrites : la clôture est passée, elles apparaîtront ici dans quelques" in page


def test_text_answers_are_searched_and_paged_in_the_same_queries_per_page(client):
    built = survey_build(slug="textes")
    spec = PLAIN
    for index in range(60):
        words = "trop petit" if index % 4 == 0 else "clair"
        respond(built, "M1", "fr", {**spec, "short": f"Cartel n° {index} {words}"})
    question = built.questions["short"]
    page = survey_texts(survey=built.survey, question=question)
    assert page.paginator.count == 60 and len(page.object_list) == 50
    assert len(survey_texts(survey=built.survey, question=question, page=2).object_list) == 10
    found = survey_texts(survey=built.survey, question=question, search="TROP petit")
    assert found.paginator.count == 15 and all("trop petit" in row["text"] for row in found.object_list)
    client.force_login(results_staff())
    url = reverse("survey_results:texts", args=[built.survey.pk, question.pk])
    client.get(url)

    def count(params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    first, text = count({})
    assert "60 réponses écrites" in text and "Page 1 sur 2" in text
    second, text = count({"page": 2, "q": "cartel"})
    assert first == second and "60 réponses contiennent « cartel »" in text and "Page 2 sur 2" in text
    assert 'href="?q=cartel&amp;page=1"' in text  # paging keeps the search
    third, text = count({"q": "clair"})
    assert third == first and "45 réponses contiennent « clair »" in text and "Page 1 sur" not in text


def test_the_autre_texts_of_a_choice_question_are_listed(client, built):
    client.force_login(results_staff())
    page = client.get(reverse("survey_results:texts", args=[built.survey.pk, built.questions["single"].pk]))
    assert page.status_code == 200 and "Le parc" in page.content.decode()
    rating = client.get(reverse("survey_results:texts", args=[built.survey.pk, built.questions["rating"].pk]))
    assert rating.status_code == 404  # no text to list


def test_text_answers_of_a_small_group_are_masked(client, built):
    client.force_login(results_staff())
    url = reverse("survey_results:texts", args=[built.survey.pk, built.questions["short"].pk])
    page = client.get(url, {"language": "en"}).content.decode()
    assert "résultats masqués" in page and "-3 étoiles" not in page


def test_bad_filters_are_said_never_a_500(client, built):
    client.force_login(results_staff())
    url = reverse("survey_results:results", args=[built.survey.pk])
    for params in ({"since": "hier"}, {"museum": "abc"}, {"museum": "99999"}, {"language": "xx"},
                   {"since": "2026-12-01", "until": "2026-01-01"}):  # fmt: skip
        response = client.get(url, params)
        assert response.status_code == 200 and response.context["results"].responses == 6
        assert response.context["form"].errors
    assert client.get(reverse("survey_results:results", args=[999999])).status_code == 404


def test_the_list_shows_surveys_and_polls_with_their_responses_the_staffs_museums_first(client, built):
    museum = MuseumFactory(slug="mine")
    now = timezone.now()
    poll = Survey.objects.create(slug="sondage", kind=Survey.Kind.POLL, title="Quel atelier ?", museum=museum,
                                 opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1))  # fmt: skip
    question = Question.objects.create(page=SurveyPage.objects.create(survey=poll, position=1), position=1,
                                       kind=Question.Kind.SINGLE, text="Quel atelier ?")  # fmt: skip
    Choice.objects.create(question=question, position=1, label="Gravure")
    staff = results_staff()
    staff.museums.add(museum)
    client.force_login(staff)
    response = client.get(reverse("survey_results:list"))
    rows = list(response.context["page"].object_list)
    assert [survey.slug for survey in rows] == ["sondage", "cartels"]  # theirs first, though older
    assert [survey.responses for survey in rows] == [0, 6]
    assert [(survey.answered, survey.pending) for survey in rows] == [(0, 0), (6, 0)]
    text = response.content.decode()
    assert "Sondage" in text and "Enquête" in text
    # Words right for a poll (masculine) and a survey (feminine) alike, or agreeing with each.
    assert "Clos le " in text and "En cours, jusqu'au " in text
    assert "ouverte" not in text and "Close le" not in text  # the closed one is a poll
    assert reverse("survey_results:results", args=[built.survey.pk]) in text


def test_the_list_says_when_a_survey_or_a_poll_opens_and_closes_in_words_right_for_both(client):
    now = timezone.now()
    for slug, kind, opens, closes in [
        ("s-later", Survey.Kind.SURVEY, 2, 30), ("p-later", Survey.Kind.POLL, 2, 30),
        ("s-closed", Survey.Kind.SURVEY, -30, -2), ("p-closed", Survey.Kind.POLL, -30, -2),
    ]:  # fmt: skip
        Survey.objects.create(slug=slug, kind=kind, title=slug, opens_at=now + timedelta(days=opens),
                              closes_at=now + timedelta(days=closes))  # fmt: skip
    client.force_login(results_staff())
    text = client.get(reverse("survey_results:list")).content.decode()
    states = dict(re.findall(r'>(\w-\w+)</a>.*?data-label="État">([^<]+)</td>', text, re.S))
    assert states["s-later"].startswith("À venir, le ") and states["p-later"].startswith("À venir, le ")
    assert states["s-closed"].startswith("Close le ") and states["p-closed"].startswith("Clos le ")


def test_results_pages_need_the_permission(client, built):
    urls = [
        reverse("survey_results:list"),
        reverse("survey_results:results", args=[built.survey.pk]),
        reverse("survey_results:texts", args=[built.survey.pk, built.questions["short"].pk]),
        reverse("survey_results:csv", args=[built.survey.pk]),
    ]
    for url in urls:
        visitor = client.get(url)
        assert visitor.status_code == 302 and visitor.url.startswith(reverse("account_login"))
    client.force_login(MemberFactory())
    assert all(client.get(url).status_code == 403 for url in urls)
    client.force_login(StaffFactory())  # staff without the permission
    assert all(client.get(url).status_code == 403 for url in urls)
    assert client.post(reverse("survey_results:xlsx", args=[built.survey.pk])).status_code == 403
    client.force_login(results_staff())
    assert all(client.get(url).status_code == 200 for url in urls)


def test_the_staff_hub_links_to_the_results_for_those_allowed(client):
    client.force_login(results_staff())
    assert reverse("survey_results:list") in client.get(reverse("staff:hub")).content.decode()
    client.force_login(StaffFactory())
    assert reverse("survey_results:list") not in client.get(reverse("staff:hub")).content.decode()


def test_a_submission_made_by_the_service_moves_the_numbers_at_once(built):
    before = _by_key(survey_results(survey=built.survey), built)["rating"].mean
    member = MemberFactory()
    submission_create(member=member, survey=built.survey, answers=answers_for(built, {**PLAIN, "rating": 1}))
    after = _by_key(survey_results(survey=built.survey), built)["rating"].mean
    assert before == pytest.approx(23 / 6) and after == pytest.approx(24 / 7)


postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="seed_scale needs PostgreSQL")


def _response_of(structure, rows) -> dict:
    """A submission's answers back in `submission_create`'s format (to check them as the service would)."""
    kinds = {question.pk: question.kind for question in structure.questions}
    answers: dict = {}
    for row in sorted(rows, key=lambda row: (row.question_id, row.rank or 0)):
        key, kind = str(row.question_id), kinds[row.question_id]
        picked = {"choice": row.choice_id, "other": row.text} if row.text and row.choice_id else row.choice_id
        if kind == Question.Kind.MULTIPLE or kind == Question.Kind.RANKING:
            answers.setdefault(key, []).append(picked)
        elif kind == Question.Kind.LIKERT:
            answers.setdefault(key, {})[str(row.row_id)] = row.choice_id
        elif row.choice_id:
            answers[key] = picked
        elif kind in (Question.Kind.RATING, Question.Kind.NPS, Question.Kind.NUMBER):
            answers[key] = row.number
        elif kind == Question.Kind.DATE:
            answers[key] = row.date.isoformat()
        else:
            answers[key] = row.text
    return answers


@postgres_only
def test_seed_scale_writes_valid_responses_whose_counters_are_those_the_service_keeps(client):
    from collections import Counter

    from django.core.management import call_command

    from surveys.answers import answers_check, structure_of
    from surveys.models import Answer, Participation, ResponseCount, Submission, Tally
    from surveys.tallies import tally_keys

    MuseumFactory(slug="un"), MuseumFactory(slug="deux")
    call_command("seed_scale", members=150, entries=0, news=0, survey_responses=120)
    large, small = Survey.objects.get(slug="scale-large"), Survey.objects.get(slug="scale-small")
    assert Submission.objects.filter(survey=large).count() == Participation.objects.filter(survey=large).count() == 120
    assert Submission.objects.filter(survey=small).count() == 12
    structure = structure_of(large)
    assert len(structure.questions) == 20 and {q.kind for q in structure.questions} == set(Question.Kind.values)
    expected_tallies: Counter = Counter()
    expected_totals: Counter = Counter()
    expected_counts: Counter = Counter()
    answers = Answer.objects.filter(submission__survey=large).select_related("question", "submission")
    by_submission: dict = {}
    for answer in answers:
        by_submission.setdefault(answer.submission, []).append(answer)
    for submission, rows in by_submission.items():
        answers_check(structure, _response_of(structure, rows))  # valid as the service would check it
        cell = (submission.submitted_on, submission.favourite_museum_id or 0, submission.language)
        for (question, key), (count, total) in tally_keys(rows).items():
            expected_tallies[(question, key, *cell)] += count
            expected_totals[(question, key, *cell)] += total
        expected_counts[cell] += 1
    assert len(by_submission) == 120
    stored = {(t.question_id, t.key, t.day, t.museum, t.language): (t.count, t.total) for t in Tally.objects.filter(
        survey=large)}  # fmt: skip
    assert stored == {key: (count, expected_totals[key]) for key, count in expected_tallies.items()}
    counted = {(c.day, c.museum, c.language): c.count for c in ResponseCount.objects.filter(survey=large)}
    assert counted == dict(expected_counts)
    assert {museum for _day, museum, _language in counted} >= {MuseumFactory(slug="un").pk}
    results = survey_results(survey=large)
    assert results.responses == 120 and not results.masked
    assert survey_results(survey=small).responses == 12


def test_anonymous_texts_come_without_their_day(client, django_capture_on_commit_callbacks):
    built = _anonymous_survey_with_responses(5, django_capture_on_commit_callbacks)
    page = survey_texts(survey=built.survey, question=built.questions["short"])
    assert page.paginator.count == 5 and all(set(row) == {"id", "text"} for row in page.object_list)
    client.force_login(results_staff())
    url = reverse("survey_results:texts", args=[built.survey.pk, built.questions["short"].pk])
    text = client.get(url).content.decode()
    assert "Secret" in text and timezone.localdate().strftime("%Y") not in text.split("réponses écrites")[1][:500]
