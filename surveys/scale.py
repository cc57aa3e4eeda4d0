"""Surveys of the benchmark data set (`manage.py seed_scale --survey-responses N`): answers and counters in bulk SQL.

Two closed surveys of twenty questions using every kind (choices with
"Autre (précisez)", a condition, ratings, NPS, matrices, a ranking, numbers,
dates, texts): "scale-large" answered by N scale members (at most one each)
and "scale-small" by a tenth of them, so a benchmark compares the results at
N and N / 10 in one database. Each response is a named submission with its
member's favourite museum and language, a day among the survey's 30, its
answers drawn from its number (a fixed hash: the same data set every run) and
the member's participation.

Everything after the structure is set-based SQL on PostgreSQL: the
submissions and participations from the scale members numbered in SQL
(`row_number()`), one `INSERT … SELECT` per question for the answers (their
ids from `gen_random_uuid()`), then the counters (`Tally`, `ResponseCount`)
computed with `GROUP BY` from the answers just written, with the same keys as
`surveys.tallies` — so they equal what `submission_create` would have kept.
No points are paid (the ledger's part writes the earning history).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import timedelta
from itertools import combinations, permutations

from django.utils import timezone

from club.core.scale import SCALE_EMAIL_DOMAIN, ScalePart, ScaleRun
from surveys.models import Choice, MatrixRow, Question, Survey, SurveyPage

K = Question.Kind
DAYS = 30
# A multiplicative hash of the response's number, a multiplier per question (`salt`): answers look random
# and unrelated from one question to the next, yet every run gives the same data set.
_HASH = "((r.n::bigint * (2654435761 + {salt}::bigint * 97531)) %% 2147483647)"

SHORT_TEXTS = ["Très clairs", "Trop petits", "Bien placés", "Illisibles le soir", "Parfaits", "Un peu longs",
               "Clairs mais serrés", "Il manque l'anglais"]  # fmt: skip
LONG_TEXTS = [
    "Les cartels sont clairs, mais la police est petite pour les personnes âgées.",
    "J'aimerais plus d'explications sur la technique de l'œuvre.",
    "L'éclairage rend certains cartels difficiles à lire en fin de journée.",
    "Très bonne visite, rien à redire sur les cartels.",
    "Une version en anglais serait utile pour mes amis de passage.",
]


@dataclass
class _Question:
    question: Question
    choices: list[Choice]
    weights: list[int]
    rows: list[MatrixRow]


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--survey-responses", type=int, default=100_000,
        help="responses to the large scale survey, one per scale member at most (default 100,000); "
        "a second survey gets a tenth",
    )  # fmt: skip


# (key, kind, text, options): options hold choices with weights, rows, bounds, required, other, condition.
SPEC: list[tuple[str, str, str, dict]] = [
    ("read", K.SINGLE, "Avez-vous lu les cartels ?", {"choices": [("Oui", 5), ("En partie", 3), ("Non", 2)]}),
    ("seek", K.MULTIPLE, "Qu'y cherchez-vous ?", {"max_choices": 3, "choices": [("L'auteur", 5), ("La date", 3),
     ("La technique", 4), ("L'histoire de l'œuvre", 6), ("Autre (précisez)", 1)], "other": "Autre (précisez)"}),
    ("age", K.DROPDOWN, "Votre tranche d'âge", {"choices": [("15-24", 2), ("25-34", 3), ("35-49", 4),
     ("50-64", 4), ("65-79", 3), ("80 et plus", 1)]}),
    ("legible", K.RATING, "Lisibilité des cartels", {"weights": [1, 2, 4, 6, 4]}),
    ("recommend", K.NPS, "Recommanderiez-vous le musée à un ami ?",
     {"weights": [1, 1, 1, 1, 1, 2, 3, 5, 8, 9, 7]}),
    ("labels", K.LIKERT, "Les cartels sont…", {"rows": ["Lisibles", "Clairs", "Utiles", "Assez grands"],
     "choices": [("Pas du tout d'accord", 1), ("Plutôt pas d'accord", 2), ("Ni l'un ni l'autre", 3),
                 ("Plutôt d'accord", 5), ("Tout à fait d'accord", 4)]}),
    ("priority", K.RANKING, "Classez ce qui compte le plus sur un cartel",
     {"choices": [("Le titre", 1), ("L'auteur", 1), ("La date", 1), ("Une explication", 1)]}),
    ("word", K.SHORT_TEXT, "Un mot pour décrire nos cartels", {"required": False, "share": 30}),
    ("remarks", K.LONG_TEXT, "Vos remarques", {"required": False, "share": 20}),
    ("seconds", K.NUMBER, "Combien de secondes passez-vous à lire un cartel ?", {"min": 0, "max": 300}),
    ("last", K.DATE, "Date de votre dernière visite", {"required": False, "share": 80}),
    ("favourite", K.IMAGE_CHOICE, "Le cartel que vous préférez", {"choices": [("Modèle A", 3), ("Modèle B", 5),
     ("Modèle C", 2)]}),
    ("came", K.SINGLE, "Comment êtes-vous venu ?", {"choices": [("En bus", 4), ("En voiture", 3), ("À pied", 5),
     ("Autre (précisez)", 1)], "other": "Autre (précisez)"}),
    ("light", K.RATING, "Éclairage des cartels", {"weights": [2, 3, 5, 5, 2]}),
    ("languages", K.MULTIPLE, "Dans quelles langues voulez-vous les cartels ?",
     {"choices": [("Français", 9), ("Anglais", 5), ("Allemand", 1), ("Espagnol", 2)]}),
    ("app", K.LIKERT, "L'application du club est…", {"rows": ["Simple", "Rapide", "Utile"],
     "choices": [("Pas du tout", 1), ("Un peu", 2), ("Assez", 4), ("Très", 3)]}),
    ("visits", K.NUMBER, "Combien de visites par an ?", {"min": 0, "max": 50}),
    ("club", K.NPS, "Recommanderiez-vous le club ?", {"weights": [1, 0, 1, 1, 1, 2, 2, 4, 7, 8, 9]}),
    ("why", K.SINGLE, "Pourquoi ne les lisez-vous pas ?", {"choices": [("Trop petits", 3), ("Mal placés", 2),
     ("Pas le temps", 4)], "condition": ("read", "Non")}),
    ("more", K.LONG_TEXT, "Autre chose à nous dire ?", {"required": False, "share": 8}),
]  # fmt: skip


def _structure(slug: str, title: str, now) -> tuple[Survey, dict[str, _Question]]:
    """The survey, its two pages and twenty questions (a few hundred rows: the ORM is fine here)."""
    survey = Survey.objects.create(
        slug=slug, title=title, opens_at=now - timedelta(days=DAYS + 1), closes_at=now - timedelta(days=1),
        points=40, introduction="Le questionnaire des données de mesure (seed_scale).",
    )  # fmt: skip
    pages = [SurveyPage.objects.create(survey=survey, position=n, title=f"Partie {n}") for n in (1, 2)]
    made: dict[str, _Question] = {}
    for position, (key, kind, text, options) in enumerate(SPEC, start=1):
        condition = options.get("condition")
        question = Question.objects.create(
            page=pages[0 if position <= 10 else 1], position=position, kind=kind, text=text,
            required=options.get("required", True), max_choices=options.get("max_choices"),
            min_value=options.get("min"), max_value=options.get("max"),
            condition_question=made[condition[0]].question if condition else None,
            condition_choice=next(c for c in made[condition[0]].choices if c.label == condition[1])
            if condition else None,
        )  # fmt: skip
        choices = [
            Choice.objects.create(question=question, position=n, label=label, is_other=label == options.get("other"))
            for n, (label, _weight) in enumerate(options.get("choices", []), start=1)
        ]
        rows = [MatrixRow.objects.create(question=question, position=n, label=label)
                for n, label in enumerate(options.get("rows", []), start=1)]  # fmt: skip
        weights = options.get("weights") or [weight for _label, weight in options.get("choices", [])]
        made[key] = _Question(question=question, choices=choices, weights=weights, rows=rows)
    return survey, made


def _weighted(ids: list, weights: list[int]) -> list:
    return [value for value, weight in zip(ids, weights, strict=True) for _ in range(weight)]


def _pick(salt: int, values: list) -> tuple[str, list]:
    """An SQL expression picking one of `values` (repeated by weight) from the response's hash."""
    return f"(%s::bigint[])[1 + {_HASH.format(salt=salt)} %% {len(values)}]", [values]


def _insert(run: ScaleRun, select: str, params: list) -> int:
    run.cursor.execute(
        "INSERT INTO surveys_answer (id, submission_id, question_id, choice_id, row_id, rank, number, date, text) "
        f"SELECT gen_random_uuid(), * FROM ({select}) AS answers",
        params,
    )
    return run.cursor.rowcount


def _answers_single(run: ScaleRun, salt: int, item: _Question, where: str = "", where_params=()) -> int:
    expression, params = _pick(salt, _weighted([c.pk for c in item.choices], item.weights))
    other = next((c.pk for c in item.choices if c.is_other), 0)
    select = (
        f"SELECT r.id, %s, picked, NULL::bigint, NULL::smallint, NULL::integer, NULL::date, "
        f"CASE WHEN picked = %s THEN 'Précision n° ' || (r.n %% 37) ELSE '' END "
        f"FROM (SELECT r.*, {expression} AS picked FROM scale_responses r) AS r {where}"
    )
    return _insert(run, select, [item.question.pk, other, *params, *where_params])


def _answers_multiple(run: ScaleRun, salt: int, item: _Question) -> int:
    """Each response picks one of the allowed subsets (weighted by the choices' weights)."""
    limit = item.question.max_choices or len(item.choices)
    subsets = [subset for size in range(1, limit + 1) for subset in combinations(range(len(item.choices)), size)]
    weights = [max(1, sum(item.weights[index] for index in subset) // len(subset)) for subset in subsets]
    run.cursor.execute("DELETE FROM scale_subsets")
    run.cursor.executemany(
        "INSERT INTO scale_subsets (s, choice_id, is_other) VALUES (%s, %s, %s)",
        [(number, item.choices[index].pk, item.choices[index].is_other)
         for number, subset in enumerate(subsets) for index in subset],
    )  # fmt: skip
    expression, params = _pick(salt, _weighted(list(range(len(subsets))), weights))
    select = (
        "SELECT r.id, %s, s.choice_id, NULL::bigint, NULL::smallint, NULL::integer, NULL::date, "
        "CASE WHEN s.is_other THEN 'Autre piste n° ' || (r.n %% 23) ELSE '' END "
        f"FROM scale_responses r JOIN scale_subsets s ON s.s = {expression}"
    )
    return _insert(run, select, [item.question.pk, *params])


def _answers_value(run: ScaleRun, salt: int, item: _Question, first: int) -> int:
    """A rating (1–5) or NPS (0–10) score, weighted."""
    expression, params = _pick(salt, _weighted(list(range(first, first + len(item.weights))), item.weights))
    select = (
        f"SELECT r.id, %s, NULL::bigint, NULL::bigint, NULL::smallint, {expression}::integer, NULL::date, '' "
        "FROM scale_responses r"
    )
    return _insert(run, select, [item.question.pk, *params])


def _answers_likert(run: ScaleRun, salt: int, item: _Question) -> int:
    """Every row answered, each on its own draw (the hash of the response and the row)."""
    expression, params = _pick(salt, _weighted([c.pk for c in item.choices], item.weights))
    expression = expression.replace("r.n::bigint", "(r.n::bigint * 7 + x.row_id)")
    select = (
        f"SELECT r.id, %s, {expression}, x.row_id, NULL::smallint, NULL::integer, NULL::date, '' "
        "FROM scale_responses r CROSS JOIN unnest(%s::bigint[]) AS x(row_id)"
    )
    return _insert(run, select, [item.question.pk, *params, [row.pk for row in item.rows]])


def _answers_ranking(run: ScaleRun, salt: int, item: _Question) -> int:
    orders = list(permutations(range(len(item.choices))))
    run.cursor.execute("DELETE FROM scale_subsets")
    run.cursor.executemany(
        "INSERT INTO scale_subsets (s, choice_id, rank) VALUES (%s, %s, %s)",
        [(number, item.choices[index].pk, rank) for number, order in enumerate(orders)
         for rank, index in enumerate(order, start=1)],
    )  # fmt: skip
    select = (
        "SELECT r.id, %s, s.choice_id, NULL::bigint, s.rank, NULL::integer, NULL::date, '' "
        f"FROM scale_responses r JOIN scale_subsets s ON s.s = {_HASH.format(salt=salt)} %% {len(orders)}"
    )
    return _insert(run, select, [item.question.pk])


def _answers_text(run: ScaleRun, salt: int, item: _Question, texts: list[str], share: int) -> int:
    select = (
        f"SELECT r.id, %s, NULL::bigint, NULL::bigint, NULL::smallint, NULL::integer, NULL::date, "
        f"(%s::text[])[1 + {_HASH.format(salt=salt + 1)} %% {len(texts)}] || ' (' || r.n || ')' "
        f"FROM scale_responses r WHERE {_HASH.format(salt=salt)} %% 100 < %s"
    )
    return _insert(run, select, [item.question.pk, texts, share])


def _answers_number(run: ScaleRun, salt: int, item: _Question) -> int:
    low, high = item.question.min_value or 0, item.question.max_value or 100
    select = (
        f"SELECT r.id, %s, NULL::bigint, NULL::bigint, NULL::smallint, "
        f"(%s + {_HASH.format(salt=salt)} %% %s)::integer, NULL::date, '' FROM scale_responses r"
    )
    return _insert(run, select, [item.question.pk, low, high - low + 1])


def _answers_date(run: ScaleRun, salt: int, item: _Question, share: int) -> int:
    select = (
        f"SELECT r.id, %s, NULL::bigint, NULL::bigint, NULL::smallint, NULL::integer, "
        f"r.day - ({_HASH.format(salt=salt + 1)} %% 700)::integer, '' "
        f"FROM scale_responses r WHERE {_HASH.format(salt=salt)} %% 100 < %s"
    )
    return _insert(run, select, [item.question.pk, share])


def _answers(run: ScaleRun, made: dict[str, _Question]) -> int:
    written = 0
    for salt, (key, kind, _text, options) in enumerate(SPEC, start=1):
        item = made[key]
        if kind in (K.SINGLE, K.DROPDOWN, K.IMAGE_CHOICE):
            condition = options.get("condition")
            if condition:
                parent = made[condition[0]]
                parent_salt = next(n for n, spec in enumerate(SPEC, start=1) if spec[0] == condition[0])
                shown, params = _pick(parent_salt, _weighted([c.pk for c in parent.choices], parent.weights))
                wanted = next(c.pk for c in parent.choices if c.label == condition[1])
                written += _answers_single(run, salt, item, f"WHERE {shown} = %s", [*params, wanted])
            else:
                written += _answers_single(run, salt, item)
        elif kind == K.MULTIPLE:
            written += _answers_multiple(run, salt, item)
        elif kind in (K.RATING, K.NPS):
            written += _answers_value(run, salt, item, 1 if kind == K.RATING else 0)
        elif kind == K.LIKERT:
            written += _answers_likert(run, salt, item)
        elif kind == K.RANKING:
            written += _answers_ranking(run, salt, item)
        elif kind in (K.SHORT_TEXT, K.LONG_TEXT):
            texts = SHORT_TEXTS if kind == K.SHORT_TEXT else LONG_TEXTS
            written += _answers_text(run, salt, item, texts, options.get("share", 100))
        elif kind == K.NUMBER:
            written += _answers_number(run, salt, item)
        elif kind == K.DATE:
            written += _answers_date(run, salt, item, options.get("share", 100))
    return written


def _responses(run: ScaleRun, survey: Survey, count: int) -> int:
    """Submissions and participations of the first `count` scale members, spread over the survey's days."""
    first_day = timezone.localdate(survey.opens_at)
    run.cursor.execute("DELETE FROM scale_responses")
    run.cursor.execute(
        """
        INSERT INTO scale_responses (n, id, member_id, museum_id, language, day)
        SELECT n, gen_random_uuid(), id, favourite_museum_id, preferred_language,
               %(first)s::date + (((n::bigint * 2654435761) %% 2147483647) %% %(days)s)::integer
        FROM (SELECT id, favourite_museum_id, preferred_language, row_number() OVER (ORDER BY id) AS n
              FROM members_member WHERE email LIKE %(domain)s) AS members
        WHERE n <= %(count)s
        """,
        {"first": first_day, "days": DAYS, "domain": f"%@{SCALE_EMAIL_DOMAIN}", "count": count},
    )
    written = run.cursor.rowcount
    run.cursor.execute(
        "INSERT INTO surveys_submission (id, survey_id, member_id, submitted_on, favourite_museum_id, language) "
        "SELECT id, %s, member_id, day, museum_id, language FROM scale_responses",
        [survey.pk],
    )
    run.cursor.execute(
        "INSERT INTO surveys_participation (member_id, survey_id, answered_on) "
        "SELECT member_id, %s, day FROM scale_responses",
        [survey.pk],
    )
    return written


def _counters(run: ScaleRun, survey: Survey) -> None:
    """The counters from the answers, with `surveys.tallies`' keys: what `submission_create` would have kept."""
    run.cursor.execute(
        """
        INSERT INTO surveys_tally (survey_id, question_id, "key", day, museum, language, "count", total)
        SELECT %(survey)s, a.question_id, keyed.key, s.submitted_on, COALESCE(s.favourite_museum_id, 0), s.language,
               COUNT(*), COALESCE(SUM(CASE WHEN q.kind = 'number' THEN a.number END), 0)
        FROM surveys_answer a
        JOIN surveys_submission s ON s.id = a.submission_id
        JOIN surveys_question q ON q.id = a.question_id
        CROSS JOIN LATERAL (SELECT CASE
            WHEN q.kind = 'likert' THEN 'c' || a.choice_id || ':r' || a.row_id
            WHEN q.kind = 'ranking' THEN 'c' || a.choice_id || ':k' || a.rank
            WHEN a.choice_id IS NOT NULL THEN 'c' || a.choice_id
            WHEN q.kind IN ('rating', 'nps') THEN 'v' || a.number
            WHEN q.kind = 'number' THEN 'n'
            ELSE 't' END AS key) AS keyed
        WHERE s.survey_id = %(survey)s
        GROUP BY a.question_id, keyed.key, s.submitted_on, COALESCE(s.favourite_museum_id, 0), s.language
        """,
        {"survey": survey.pk},
    )
    run.cursor.execute(
        'INSERT INTO surveys_responsecount (survey_id, day, museum, language, "count") '
        "SELECT survey_id, submitted_on, COALESCE(favourite_museum_id, 0), language, COUNT(*) "
        "FROM surveys_submission WHERE survey_id = %s GROUP BY survey_id, submitted_on, "
        "COALESCE(favourite_museum_id, 0), language",
        [survey.pk],
    )


def _build(run: ScaleRun) -> None:
    run.cursor.execute(
        "CREATE TEMPORARY TABLE scale_responses (n bigint, id uuid, member_id bigint, museum_id bigint, "
        "language varchar(8), day date) ON COMMIT DROP"
    )
    run.cursor.execute(
        "CREATE TEMPORARY TABLE scale_subsets (s integer, choice_id bigint, is_other boolean DEFAULT false, "
        "rank smallint) ON COMMIT DROP"
    )
    run.cursor.execute("SELECT COUNT(*) FROM members_member WHERE email LIKE %s", [f"%@{SCALE_EMAIL_DOMAIN}"])
    members = run.cursor.fetchone()[0]
    large = min(run.options["survey_responses"], members)
    if large <= 0:
        return
    for slug, title, count in (
        ("scale-large", "Nos cartels sont-ils clairs ? (mesure)", large),
        ("scale-small", "Nos cartels sont-ils clairs ? (mesure, un dixième)", large // 10),
    ):
        survey, made = _structure(slug, title, run.now)
        written = _responses(run, survey, count)
        answers = _answers(run, made)
        _counters(run, survey)
        run.summary.append(f"survey {slug}: {written:,} responses, {answers:,} answers, with their counters")


PARTS = [ScalePart(name="surveys", order=40, build=_build, add_arguments=_arguments)]
