"""Member pages of surveys: the landing page in every state, answering every kind page by page (valid and
invalid, through the form parser), drafts and resuming, conditions, the thank-you, polls, the staff preview."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from club.members.tests.factories import MemberFactory, MuseumFactory, StaffFactory
from rewards.ledger.models import LedgerEntry
from rewards.ledger.selectors import balance_of
from surveys.models import Answer, Draft, Participation, Submission, Survey
from surveys.polls import percent
from surveys.services import submission_create
from surveys.tests.pages_data import EVERY_KIND, Built, Kind, poll_build, question, survey_build

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _answer_url(built: Built, page: int) -> str:
    return reverse("surveys:answer", args=[built.survey.slug, page])


def _page_one(b: Built) -> dict:
    likert = b.q("likert").pk
    return {
        f"q{b.q('single').pk}": b.c("single", "Oui").pk,
        f"q{b.q('multiple').pk}": [b.c("multiple", "Dates").pk, b.c("multiple", "Anecdotes").pk],
        f"q{b.q('dropdown').pk}": b.c("dropdown", "Beaux-Arts").pk,
        f"q{b.q('rating').pk}": "4",
        f"q{b.q('nps').pk}": "9",
        f"q{likert}_r{b.r('likert', 'Clairs').pk}": b.c("likert", "Oui").pk,
        f"q{likert}_r{b.r('likert', 'Assez grands').pk}": b.c("likert", "Bof").pk,
    }


def _page_two(b: Built) -> dict:
    ranking = b.q("ranking").pk
    return {
        f"q{ranking}_rank_{b.c('ranking', 'Peinture').pk}": "2",
        f"q{ranking}_rank_{b.c('ranking', 'Sculpture').pk}": "1",
        f"q{ranking}_rank_{b.c('ranking', 'Dessin').pk}": "3",
        f"q{b.q('short').pk}": "Clair",
        f"q{b.q('long').pk}": "Plus de dates, merci.",
        f"q{b.q('number').pk}": "12",
        f"q{b.q('date').pk}": "2026-10-01",
        f"q{b.q('image').pk}": b.c("image", "Cartel B").pk,
    }


def _nothing_stored(member) -> bool:
    return not (
        Participation.objects.filter(member=member).exists()
        or Submission.objects.exists()
        or Answer.objects.exists()
        or LedgerEntry.objects.filter(member=member).exists()
    )


def _error_of(html: str, question) -> str:
    found = re.search(rf'<p class="error" id="q{question.pk}-error">([^<]*)</p>', html)
    return found.group(1) if found else ""


@pytest.fixture
def every_kind():
    return survey_build(slug="cartels", title="Nos cartels sont-ils clairs ?", pages=EVERY_KIND)


@pytest.fixture
def english(monkeypatch):
    """Give strings their English in the catalogue for one test: what the page shows in English then
    comes from the catalogue, never from the template."""
    from django.utils.translation import trans_real

    catalogue = trans_real.translation("en")._catalog._catalogs[0]

    def give(entries: dict[str, str]) -> None:
        for msgid, english_text in entries.items():
            monkeypatch.setitem(catalogue, msgid, english_text)

    return give


# The landing page ---------------------------------------------------------------------------------


def test_the_landing_page_shows_what_the_survey_is_and_a_start_button(client, clock):
    museum = MuseumFactory(name="Musée de la Céramique", slug="ceramique")
    closes = datetime(2026, 11, 21, 18, 0, tzinfo=PARIS)
    survey_build(slug="cartels", pages=EVERY_KIND, museum=museum, closes_at=closes, introduction="Dites-nous tout.")
    client.force_login(MemberFactory())
    html = client.get(reverse("surveys:detail", args=["cartels"])).content.decode()
    assert "Musée de la Céramique" in html and "Dites-nous tout." in html
    assert "40 points" in html  # the earning rule's default
    assert "Jusqu&#x27;au 21 novembre à 18 h" in html
    assert "12 questions, sur 2 pages" in html
    assert reverse("surveys:answer", args=["cartels", 1]) in html and "Commencer" in html
    assert "Enquête anonyme" not in html


def test_an_anonymous_survey_says_what_anonymous_means_before_answering(client):
    survey_build(slug="anonyme", pages=EVERY_KIND, anonymous=True)
    client.force_login(MemberFactory())
    html = client.get(reverse("surveys:detail", args=["anonyme"])).content.decode()
    box = re.search(r'<section class="card survey-anonymity".*?</section>', html, re.S).group(0)
    assert html.index("survey-anonymity") < html.index("Commencer")
    summary, more = box.split("<details", 1)
    # Three short promises, each one the code keeps (surveys/anonymity.py), then the details on demand.
    assert summary.count("<li>") == 3
    for promise in (
        "Vos réponses sont enregistrées sans aucun lien avec votre compte : les équipes des musées et "
        "l'administration du club ne peuvent pas savoir qui a répondu quoi.",
        "Nous gardons seulement le fait que vous avez répondu : pour vous verser vos points",
        "au moins quatre autres membres, avec seulement le jour du groupe",
        "aucun résultat ne montre un groupe de moins de 5 personnes",
    ):
        assert promise in summary
    assert "<summary>En savoir plus</summary>" in more
    for detail in ("gardées chiffrées, avec une clé que seul le serveur détient", "il est effacé dès l'envoi",
                   "n'y écrivez pas de noms"):  # fmt: skip
        assert detail in more
    # What no page may claim: nobody at all, whatever they hold, could ever tell.
    assert "toute la base de données" not in html and "personne au club" not in html


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("not_yet_open", "Elle ouvrira le 20 novembre à 9 h 30"),
        ("closed", "Cette enquête est close"),
        ("answered", "Vous avez déjà répondu à cette enquête"),
        ("not_for_you", "Cette enquête s&#x27;adresse à d&#x27;autres membres du club."),
    ],
)
def test_a_survey_that_cannot_be_answered_says_why_and_offers_no_form(client, clock, state, expected):
    now = timezone.now()
    dates = {
        "not_yet_open": {"opens_at": datetime(2026, 11, 20, 9, 30, tzinfo=PARIS), "closes_at": now + timedelta(days=9)},
        "closed": {"opens_at": now - timedelta(days=9), "closes_at": now - timedelta(days=1)},
    }.get(state, {})
    built = survey_build(slug="cartels", pages=EVERY_KIND, **dates)
    member = MemberFactory()
    if state == "answered":
        Participation.objects.create(member=member, survey=built.survey, answered_on=timezone.localdate())
    if state == "not_for_you":
        built.survey.audience = Survey.Audience.MUSEUM_FANS
        built.survey.save()
        built.survey.audience_museums.add(MuseumFactory())
    client.force_login(member)
    html = client.get(reverse("surveys:detail", args=["cartels"])).content.decode()
    assert expected in html
    assert "survey-form" not in html and "Commencer" not in html
    # The answering page never shows a form either: it sends the member to the landing page.
    for response in (client.get(_answer_url(built, 1)), client.post(_answer_url(built, 1), _page_one(built))):
        assert response.status_code == 302 and response.url == reverse("surveys:detail", args=["cartels"])
    assert not Draft.objects.exists() and not Submission.objects.exists()


def test_visitors_are_invited_to_join_and_unverified_members_to_verify(client):
    survey_build(slug="cartels", pages=EVERY_KIND)
    html = client.get(reverse("surveys:detail", args=["cartels"])).content.decode()
    assert "Réservé aux membres du club" in html and reverse("account_signup") in html
    assert client.get(_answer_url(Built(survey=Survey.objects.get()), 1)).status_code == 302
    client.force_login(MemberFactory(verified=False))
    assert client.get(reverse("surveys:detail", args=["cartels"])).url == reverse("members:verify_needed")


def test_an_unknown_survey_or_page_is_a_404(client, every_kind):
    client.force_login(MemberFactory())
    assert client.get(reverse("surveys:detail", args=["inconnue"])).status_code == 404
    assert client.get(_answer_url(every_kind, 3)).status_code == 404
    assert client.get(_answer_url(every_kind, 0)).status_code == 404


# Answering --------------------------------------------------------------------------------------


def test_every_kind_answered_page_by_page_is_stored_and_paid(client, every_kind, ledger_is_consistent):
    b = every_kind
    member = MemberFactory()
    client.force_login(member)
    page = client.get(_answer_url(b, 1)).content.decode()
    assert "Page 1 sur 2" in page and "Cochez au plus 2 réponses." in page and "10 : très probable" in page
    moved = client.post(_answer_url(b, 1), {**_page_one(b), "action": "next"})
    assert moved.status_code == 302 and moved.url == _answer_url(b, 2)
    draft = Draft.objects.get(member=member)
    assert draft.page == 2
    assert draft.answers == {
        str(b.q("single").pk): b.c("single", "Oui").pk,
        str(b.q("multiple").pk): [b.c("multiple", "Dates").pk, b.c("multiple", "Anecdotes").pk],
        str(b.q("dropdown").pk): b.c("dropdown", "Beaux-Arts").pk,
        str(b.q("rating").pk): 4,
        str(b.q("nps").pk): 9,
        str(b.q("likert").pk): {
            str(b.r("likert", "Clairs").pk): b.c("likert", "Oui").pk,
            str(b.r("likert", "Assez grands").pk): b.c("likert", "Bof").pk,
        },
    }
    page_two = client.get(_answer_url(b, 2)).content.decode()
    assert "Envoyer mes réponses" in page_two and "Précédent" in page_two and "50 caractères au plus." in page_two
    sent = client.post(_answer_url(b, 2), {**_page_two(b), "action": "submit"})
    assert sent.status_code == 302 and sent.url == reverse("surveys:done", args=["cartels"])
    submission = Submission.objects.get(survey=b.survey, member=member)
    stored = {
        (a.question_id, a.choice_id, a.row_id, a.rank, a.number, a.date, a.text) for a in submission.answers.all()
    }
    ranking = b.q("ranking").pk
    assert (ranking, b.c("ranking", "Sculpture").pk, None, 1, None, None, "") in stored
    assert (ranking, b.c("ranking", "Peinture").pk, None, 2, None, None, "") in stored
    assert (b.q("number").pk, None, None, None, 12, None, "") in stored
    assert (b.q("date").pk, None, None, None, None, datetime(2026, 10, 1).date(), "") in stored
    assert len(stored) == 16  # 1 + 2 + 1 + 1 + 1 + 2 (matrix rows) + 3 (ranks) + 1 + 1 + 1 + 1 + 1
    assert not Draft.objects.filter(member=member).exists()
    done = client.get(sent.url).content.decode()
    assert "+40 points" in done and "Votre solde : 40 points." in done
    assert reverse("participate:hub") in done and reverse("club:dashboard") in done
    assert balance_of(member=member) == 40
    ledger_is_consistent()


def test_an_other_choice_keeps_its_text(client, every_kind):
    b = every_kind
    client.force_login(MemberFactory())
    other = b.c("single", "Autre")
    data = {**_page_one(b), f"q{b.q('single').pk}": other.pk, f"q{b.q('single').pk}_other_{other.pk}": "Trop petits"}
    client.post(_answer_url(b, 1), {**data, "action": "next"})
    assert Draft.objects.get().answers[str(b.q("single").pk)] == {"choice": other.pk, "other": "Trop petits"}
    page = client.get(_answer_url(b, 1)).content.decode()
    assert 'value="Trop petits"' in page and f'id="q{b.q("single").pk}-c{other.pk}" name' in page
    other_id = f"q{b.q('single').pk}-other-{other.pk}"
    assert f'<label for="{other_id}">Précisez :</label>' in page and "Précisez « " not in page


def _invalid_cases():
    """(page, question key, POST changes given the built survey, the message shown next to the question)."""
    key = "multiple"
    return [
        (1, "single", lambda b: {f"q{b.q('single').pk}": b.c("dropdown", "Céramique").pk},
         "Ce choix ne fait pas partie de la question."),
        (1, "single", lambda b: {f"q{b.q('single').pk}": b.c("single", "Autre").pk},
         "Précisez votre réponse « Autre »."),
        (1, "multiple", lambda b: {f"q{b.q('multiple').pk}": [c.pk for (k, _), c in b.choices.items() if k == key]},
         "Cochez au plus 2 choix."),
        (1, "dropdown", lambda b: {f"q{b.q('dropdown').pk}": ""}, "Cette question demande une réponse."),
        (1, "rating", lambda b: {f"q{b.q('rating').pk}": "9"}, "Indiquez un nombre entre 1 et 5."),
        (1, "nps", lambda b: {f"q{b.q('nps').pk}": "11"}, "Indiquez un nombre entre 0 et 10."),
        (1, "likert", lambda b: {f"q{b.q('likert').pk}_r{b.r('likert', 'Assez grands').pk}": ""},
         "Répondez pour chaque ligne."),
        (2, "ranking", lambda b: {f"q{b.q('ranking').pk}_rank_{b.c('ranking', 'Dessin').pk}": "1"},
         "Donnez à chaque choix un rang différent, de 1 à 3."),
        (2, "short", lambda b: {f"q{b.q('short').pk}": "x" * 21}, "Votre réponse dépasse 20 caractères."),
        (2, "long", lambda b: {f"q{b.q('long').pk}": "x" * 51}, "Votre réponse dépasse 50 caractères."),
        (2, "number", lambda b: {f"q{b.q('number').pk}": "53"}, "Indiquez un nombre entre 0 et 52."),
        (2, "number", lambda b: {f"q{b.q('number').pk}": "douze"}, "Indiquez un nombre entier."),
        (2, "date", lambda b: {f"q{b.q('date').pk}": "2026-02-30"}, "Indiquez une date (jour, mois, année)."),
        (2, "image", lambda b: {f"q{b.q('image').pk}": b.c("single", "Oui").pk},
         "Ce choix ne fait pas partie de la question."),
    ]  # fmt: skip


@pytest.mark.parametrize(("page", "key", "change", "message"), _invalid_cases())
def test_a_wrong_answer_is_shown_next_to_its_question_and_nothing_is_stored(client, every_kind, page, key, change,
                                                                           message):  # fmt: skip
    b = every_kind
    member = MemberFactory()
    client.force_login(member)
    if page == 2:
        client.post(_answer_url(b, 1), {**_page_one(b), "action": "next"})
    data = {**(_page_one(b) if page == 1 else _page_two(b)), **change(b)}
    draft_before = Draft.objects.filter(member=member).values_list("answers", "page").first()
    response = client.post(_answer_url(b, page), {**data, "action": "next" if page == 1 else "submit"})
    assert response.status_code == 200
    html = response.content.decode()
    assert _error_of(html, b.q(key)) == message.replace("'", "&#x27;")
    assert 'class="form-errors"' in html and f'href="#question-{b.q(key).pk}"' in html  # the summary links to it
    assert 'aria-describedby="' in html and f"q{b.q(key).pk}-error" in html
    assert _nothing_stored(member)
    assert Draft.objects.filter(member=member).values_list("answers", "page").first() == draft_before
    if key in ("short", "long", "number", "date"):  # what was typed is shown back
        typed = data[f"q{b.q(key).pk}"]
        assert f'id="q{b.q(key).pk}" name="q{b.q(key).pk}" value="{typed}"' in html or f">{typed}</textarea>" in html


def test_a_post_naming_another_question_is_refused_whole(client, every_kind):
    member = MemberFactory()
    client.force_login(member)
    stray = every_kind.q("number").pk  # a question of page 2, posted with page 1
    response = client.post(_answer_url(every_kind, 1), {**_page_one(every_kind), f"q{stray}": "3", "q999999": "1"})
    assert response.status_code == 400
    assert "Des réponses envoyées ne correspondent à aucune question de cette page." in response.content.decode()
    assert _nothing_stored(member) and not Draft.objects.exists()


def test_ten_thousand_fields_are_refused_with_a_message(client, every_kind):
    member = MemberFactory()
    client.force_login(member)
    body = {f"q{every_kind.q('single').pk}_other_{n}": "x" for n in range(10_000)}
    response = client.post(_answer_url(every_kind, 1), body)
    assert response.status_code == 400
    assert "Trop de réponses pour cette enquête" in response.content.decode()
    assert _nothing_stored(member) and not Draft.objects.exists()


def test_a_refused_submission_sends_the_member_to_the_first_page_with_an_error_and_loses_nothing(client, every_kind):
    b = every_kind
    member = MemberFactory()
    client.force_login(member)
    # Saved for later with a wrong rating: a draft keeps what was typed.
    saved = client.post(_answer_url(b, 1), {**_page_one(b), f"q{b.q('rating').pk}": "9", "action": "save"})
    assert saved.url == reverse("participate:hub")
    assert Draft.objects.get().answers[str(b.q("rating").pk)] == 9
    sent = client.post(_answer_url(b, 2), {**_page_two(b), "action": "submit"})
    assert sent.status_code == 302 and sent.url == _answer_url(b, 1) + "?verifier=1"
    draft = Draft.objects.get()
    assert draft.page == 1 and draft.answers[str(b.q("short").pk)] == "Clair"  # page 2 is kept
    html = client.get(sent.url).content.decode()
    assert _error_of(html, b.q("rating")) == "Indiquez un nombre entre 1 et 5."
    assert 'name="verifier" value="1"' in html
    assert _nothing_stored(member)
    # Corrected, the member goes on to the last page and sends.
    fixed = client.post(_answer_url(b, 1), {**_page_one(b), "verifier": "1", "action": "next"})
    assert fixed.url == _answer_url(b, 2) + "?verifier=1"
    page_two = client.get(fixed.url).content.decode()
    assert 'value="Clair"' in page_two
    done = client.post(_answer_url(b, 2), {**_page_two(b), "action": "submit"})
    assert done.url == reverse("surveys:done", args=["cartels"])
    assert Submission.objects.filter(member=member).count() == 1


def test_previous_keeps_the_page_and_goes_back(client, every_kind):
    b = every_kind
    client.force_login(MemberFactory())
    client.post(_answer_url(b, 1), {**_page_one(b), "action": "next"})
    back = client.post(_answer_url(b, 2), {f"q{b.q('short').pk}": "À moitié", "action": "previous"})
    assert back.url == _answer_url(b, 1)
    draft = Draft.objects.get()
    assert draft.page == 1 and draft.answers[str(b.q("short").pk)] == "À moitié"
    assert str(b.q("rating").pk) in draft.answers


def test_the_error_summary_links_each_question_with_the_languages_own_punctuation(client, every_kind, english):
    b = every_kind
    member = MemberFactory()
    client.force_login(member)
    wrong = {**_page_one(b), f"q{b.q('rating').pk}": "9", "action": "next"}
    french = client.post(_answer_url(b, 1), wrong).content.decode()
    link = f'<a href="#question-{b.q("rating").pk}">Note des cartels</a>'
    assert f"{link} : Indiquez un nombre entre 1 et 5." in french
    english({'<a href="%(url)s">%(label)s</a> : %(message)s': '<a href="%(url)s">%(label)s</a>: %(message)s'})
    member.preferred_language = "en"
    member.save()
    in_english = client.post(_answer_url(b, 1), wrong).content.decode()
    assert f"{link}: Enter a number between 1 and 5." in in_english and f"{link} :" not in in_english


def test_a_ranking_left_unranked_asks_for_a_rank_on_each_line(client, every_kind):
    b = every_kind
    client.force_login(MemberFactory())
    client.post(_answer_url(b, 1), {**_page_one(b), "action": "next"})
    ranking = b.q("ranking").pk
    unranked = {key: value for key, value in _page_two(b).items() if not key.startswith(f"q{ranking}_rank_")}
    html = client.post(_answer_url(b, 2), {**unranked, "action": "submit"}).content.decode()
    assert _error_of(html, b.q("ranking")) == "Choisissez un rang pour chaque ligne."
    assert "Cette question demande une réponse." not in html
    # With JavaScript a required ranking starts numbered as shown: the page says so to surveys.js.
    assert re.search(r'<ol class="ranking" data-ranking data-ranking-prefill>', html)
    optional = survey_build(
        slug="facultatif", pages=[[question("r", Kind.RANKING, choices=["A", "B"], required=False)]]
    )
    assert "data-ranking-prefill" not in client.get(_answer_url(optional, 1)).content.decode()


def test_the_rankings_move_buttons_are_labelled_by_the_page_in_its_language(client, every_kind, english):
    b = every_kind
    member = MemberFactory()
    client.force_login(member)
    client.post(_answer_url(b, 1), {**_page_one(b), "action": "next"})
    html = client.get(_answer_url(b, 2)).content.decode()
    assert 'data-label-up="Monter « Peinture »" data-label-down="Descendre « Peinture »"' in html
    english({"Monter « %(choice)s »": "Move “%(choice)s” up", "Descendre « %(choice)s »": "Move “%(choice)s” down"})
    member.preferred_language = "en"
    member.save()
    html = client.get(_answer_url(b, 2)).content.decode()
    assert 'data-label-up="Move “Peinture” up" data-label-down="Move “Peinture” down"' in html
    assert "«" not in (Path(settings.BASE_DIR) / "static/js/surveys.js").read_text()  # no label built in the script


def test_a_numbers_bounds_are_said_once_the_staff_help_first(client):
    b = survey_build(
        slug="visites",
        pages=[[
            question("minutes", Kind.NUMBER, "Combien de temps ?", min_value=0, max_value=240,
                     help_text="Entre 0 et 240 minutes."),
            question("count", Kind.NUMBER, "Combien de visites ?", min_value=0, max_value=52),
            question("word", Kind.SHORT_TEXT, "Un mot", max_length=20, help_text="Un seul mot, court."),
        ]],
    )  # fmt: skip
    client.force_login(MemberFactory())
    html = client.get(_answer_url(b, 1)).content.decode()
    minutes, count, word = b.q("minutes").pk, b.q("count").pk, b.q("word").pk
    assert "Entre 0 et 240 minutes." in html and "Un nombre entier entre 0 et 240." not in html
    assert f'id="q{minutes}-hint"' not in html and f'aria-describedby="q{minutes}-help"' in html
    assert f'id="q{minutes}" name="q{minutes}" value="" inputmode="numeric" step="1" min="0" max="240"' in html
    assert "Un nombre entier entre 0 et 52." in html  # no help written: the rule is the help
    assert f'aria-describedby="q{count}-hint"' in html
    assert "20 caractères au plus." not in html and f'id="q{word}" name="q{word}" value="" maxlength="20"' in html
    refused = client.post(_answer_url(b, 1), {f"q{minutes}": "300", f"q{count}": "3", "action": "next"})
    assert _error_of(refused.content.decode(), b.q("minutes")) == "Indiquez un nombre entre 0 et 240."


def test_a_rating_says_what_its_ends_mean(client, every_kind):
    client.force_login(MemberFactory())
    html = client.get(_answer_url(every_kind, 1)).content.decode()
    rating = every_kind.q("rating").pk
    ends = re.search(rf'<p class="scale-ends" id="q{rating}-ends">(.*?)</p>', html).group(1)
    assert "1 : le moins bien" in ends and "5 : le mieux" in ends
    assert re.search(rf'<fieldset class="question-group" aria-describedby="[^"]*q{rating}-ends', html)


def test_previous_comes_first_and_the_main_action_last_while_enter_goes_forward(client, every_kind):
    b = every_kind
    client.force_login(MemberFactory())
    client.post(_answer_url(b, 1), {**_page_one(b), "action": "next"})
    html = client.get(_answer_url(b, 2)).content.decode()
    form = html.split('class="survey-form"', 1)[1]
    actions = re.findall(r'<button type="submit" name="action" value="(\w+)" class="([^"]*)"', form)
    # The first submit button is the form's default (Enter in a field): it sends, hidden from sight and from
    # assistive technology; the visible row reads Précédent, save, then the main action.
    assert actions[0] == ("submit", "visually-hidden")
    assert 'tabindex="-1" aria-hidden="true">Envoyer mes réponses</button>' in form
    assert actions[1:] == [
        ("previous", "button button-secondary"), ("save", "button button-secondary"), ("submit", "button")
    ]  # fmt: skip
    page_one = client.get(_answer_url(b, 1)).content.decode().split('class="survey-form"', 1)[1]
    assert re.findall(r'name="action" value="(\w+)"', page_one) == ["next", "save", "next"]


def test_a_one_page_survey_shows_no_page_count_nor_progress(client):
    single = survey_build(slug="court", title="Court", pages=[[question("q", Kind.RATING)]])
    client.force_login(MemberFactory())
    html = client.get(_answer_url(single, 1)).content.decode()
    assert "Page 1 sur 1" not in html and "<progress" not in html and "<title>Court" in html
    assert "<progress" in client.get(_answer_url(survey_build(slug="longue", pages=EVERY_KIND), 1)).content.decode()


# Drafts -----------------------------------------------------------------------------------------


def test_a_member_resumes_on_another_device_at_their_page(client, every_kind):
    from django.test import Client

    b = every_kind
    member = MemberFactory()
    client.force_login(member)
    client.post(_answer_url(b, 1), {**_page_one(b), "action": "next"})
    other_device = Client()
    other_device.force_login(member)
    landing = other_device.get(reverse("surveys:detail", args=["cartels"])).content.decode()
    assert "Reprendre à la page 2" in landing and _answer_url(b, 2) in landing
    page_one = other_device.get(_answer_url(b, 1)).content.decode()
    rating = b.q("rating").pk
    assert f'id="q{rating}-v4" name="q{rating}" value="4" checked' in page_one
    assert f'<option value="{b.c("dropdown", "Beaux-Arts").pk}" selected>' in page_one


def test_another_members_draft_is_never_shown(client, every_kind):
    b = every_kind
    client.force_login(MemberFactory())
    client.post(_answer_url(b, 1), {**_page_one(b), "action": "next"})
    client.post(_answer_url(b, 2), {f"q{b.q('short').pk}": "Secret de Camille", "action": "save"})
    client.force_login(MemberFactory())
    landing = client.get(reverse("surveys:detail", args=["cartels"])).content.decode()
    assert "Commencer" in landing and "Reprendre" not in landing
    for number in (1, 2):
        html = client.get(_answer_url(b, number)).content.decode()
        assert " checked" not in html and " selected>" not in html and "Secret de Camille" not in html


# Conditions -------------------------------------------------------------------------------------


def _conditional():
    return survey_build(
        slug="atelier",
        pages=[
            [
                question("came", Kind.SINGLE, "Êtes-vous venu à l'atelier ?", choices=["Oui", "Non"]),
                question("liked", Kind.RATING, "Votre note de l'atelier", condition=("came", "Oui")),
            ],
            [
                question("why", Kind.SHORT_TEXT, "Pourquoi pas ?", condition=("came", "Non")),
                question("next", Kind.SINGLE, "Un autre atelier ?", choices=["Oui", "Non"]),
            ],
        ],
    )


def test_a_condition_on_the_same_page_is_drawn_with_its_note_and_checked_by_the_server(client):
    b = _conditional()
    member = MemberFactory()
    client.force_login(member)
    html = client.get(_answer_url(b, 1)).content.decode()
    liked = b.q("liked").pk
    assert (f'data-condition-question="{b.q("came").pk}" data-condition-choice="{b.c("came", "Oui").pk}"') in html
    assert "Répondez seulement si vous avez répondu « Oui » à la question « Êtes-vous venu à l&#x27;atelier ? »" in html
    # Without JavaScript a member may answer it anyway: refused next to it, nothing kept.
    hidden = client.post(_answer_url(b, 1), {f"q{b.q('came').pk}": b.c("came", "Non").pk, f"q{liked}": "5"})
    assert hidden.status_code == 200
    assert _error_of(hidden.content.decode(), b.q("liked")) == (
        "Cette question ne s&#x27;affiche pas avec vos réponses : elle reste sans réponse."
    )
    assert not Draft.objects.exists()
    # Required only when shown: "Non" and no rating goes on.
    moved = client.post(_answer_url(b, 1), {f"q{b.q('came').pk}": b.c("came", "Non").pk, "action": "next"})
    assert moved.url == _answer_url(b, 2)
    # "Oui" makes the rating required.
    needed = client.post(_answer_url(b, 1), {f"q{b.q('came').pk}": b.c("came", "Oui").pk, "action": "next"})
    assert _error_of(needed.content.decode(), b.q("liked")) == "Cette question demande une réponse."


def test_a_condition_on_an_earlier_page_is_decided_by_the_server(client):
    b = _conditional()
    member = MemberFactory()
    client.force_login(member)
    came, why = b.q("came").pk, b.q("why").pk
    client.post(_answer_url(b, 1), {f"q{came}": b.c("came", "Non").pk, "action": "next"})
    page_two = client.get(_answer_url(b, 2)).content.decode()
    assert "Pourquoi pas ?" in page_two and "data-condition-question" not in page_two  # shown, no note
    client.post(_answer_url(b, 2), {f"q{why}": "Trop loin", "action": "previous"})
    assert Draft.objects.get().answers[str(why)] == "Trop loin"
    # Changed to "Oui": the follow-up disappears from page 2, and its answer from the draft.
    client.post(_answer_url(b, 1), {f"q{came}": b.c("came", "Oui").pk, f"q{b.q('liked').pk}": "4", "action": "next"})
    assert str(why) not in Draft.objects.get().answers
    page_two = client.get(_answer_url(b, 2)).content.decode()
    assert "Pourquoi pas ?" not in page_two
    sent = client.post(_answer_url(b, 2), {f"q{b.q('next').pk}": b.c("next", "Oui").pk, "action": "submit"})
    assert sent.url == reverse("surveys:done", args=["atelier"])
    assert not Answer.objects.filter(question_id=why).exists()


def test_a_page_whose_questions_are_all_hidden_is_skipped():
    b = survey_build(
        slug="visite",
        pages=[
            [question("came", Kind.SINGLE, "Venu ?", choices=["Oui", "Non"])],
            [question("why", Kind.SHORT_TEXT, "Pourquoi ?", condition=("came", "Non"))],
            [question("end", Kind.RATING, "Note")],
        ],
    )
    from django.test import Client

    client = Client()
    client.force_login(MemberFactory())
    moved = client.post(_answer_url(b, 1), {f"q{b.q('came').pk}": b.c("came", "Oui").pk, "action": "next"})
    assert moved.url == _answer_url(b, 3)
    assert client.get(_answer_url(b, 2)).url == _answer_url(b, 3)
    assert "Précédent" in client.get(_answer_url(b, 3)).content.decode()
    back = client.post(_answer_url(b, 3), {"action": "previous"})
    assert back.url == _answer_url(b, 1)


# The thank-you ----------------------------------------------------------------------------------


def test_the_thank_you_says_when_todays_cap_for_surveys_is_reached(client, clock):
    member = MemberFactory()
    for n in range(3):  # the default rule pays 3 surveys a day
        other = survey_build(slug=f"avant-{n}", pages=[[question("q", Kind.RATING)]])
        submission_create(member=member, survey=other.survey, answers={str(other.q("q").pk): 3})
    b = survey_build(slug="quatrieme", pages=[[question("q", Kind.RATING)]])
    client.force_login(member)
    sent = client.post(_answer_url(b, 1), {f"q{b.q('q').pk}": "5", "action": "submit"})
    html = client.get(sent.url).content.decode()
    assert "Vous avez déjà gagné aujourd'hui le maximum de points pour les enquêtes" in html
    assert "Votre solde : 120 points." in html and "+40" not in html


def test_the_thank_you_on_another_device_shows_the_balance_and_a_stranger_goes_to_the_landing_page(client):
    from django.test import Client

    b = survey_build(slug="court", pages=[[question("q", Kind.RATING)]])
    member = MemberFactory()
    client.force_login(member)
    client.post(_answer_url(b, 1), {f"q{b.q('q').pk}": "5", "action": "submit"})
    elsewhere = Client()
    elsewhere.force_login(member)
    html = elsewhere.get(reverse("surveys:done", args=["court"])).content.decode()
    assert "Votre solde : 40 points." in html and "+40" not in html
    elsewhere.force_login(MemberFactory())
    assert elsewhere.get(reverse("surveys:done", args=["court"])).url == reverse("surveys:detail", args=["court"])


# Polls ------------------------------------------------------------------------------------------


def test_percentages_round_halves_up():
    assert [percent(3, 4), percent(1, 4), percent(1, 8), percent(1, 3), percent(2, 3), percent(0, 0)] == [
        75, 25, 13, 33, 67, 0
    ]  # fmt: skip


def test_a_vote_pays_and_shows_the_live_bars(client, ledger_is_consistent):
    poll = poll_build(slug="horaires", labels=("Oui", "Non", "Sans avis"))
    for label in ("Oui", "Oui", "Non"):
        submission_create(
            member=MemberFactory(), survey=poll.survey, answers={str(poll.q("poll").pk): poll.c("poll", label).pk}
        )
    member = MemberFactory()
    client.force_login(member)
    landing = client.get(reverse("surveys:detail", args=["horaires"])).content.decode()
    assert "Voter (+10 points)" in landing and "poll-bars" not in landing  # no bars before one's vote
    voted = client.post(
        reverse("surveys:poll_vote", args=["horaires"]),
        {f"q{poll.q('poll').pk}": poll.c("poll", "Oui").pk, "next": reverse("participate:hub")},
    )
    assert voted.url == reverse("participate:hub")
    html = client.get(voted.url).content.decode()
    assert "Merci pour votre vote ! +10 points. Votre solde : 10 points." in html
    assert "Oui : 75 % (3 votes)" in html and "Non : 25 % (1 vote)" in html and "Sans avis : 0 % (0 " in html
    assert '<progress id="poll-' in html and 'value="75" max="100"' in html
    assert "4 votes comptés." in html and "Vous avez voté" in html
    assert balance_of(member=member) == 10
    ledger_is_consistent()


def test_a_second_vote_or_an_empty_one_is_refused_with_a_message(client):
    poll = poll_build(slug="horaires")
    member = MemberFactory()
    client.force_login(member)
    empty = client.post(reverse("surveys:poll_vote", args=["horaires"]), {"next": reverse("club:dashboard")})
    assert empty.status_code == 400
    assert _error_of(empty.content.decode(), poll.q("poll")) == "Cette question demande une réponse."
    assert _nothing_stored(member)
    vote = {f"q{poll.q('poll').pk}": poll.c("poll", "Non").pk}
    client.post(reverse("surveys:poll_vote", args=["horaires"]), vote)
    again = client.post(reverse("surveys:poll_vote", args=["horaires"]), vote, follow=True)
    assert "Vous avez déjà répondu" in again.content.decode()
    assert Participation.objects.filter(member=member).count() == 1 and balance_of(member=member) == 10
    assert client.get(reverse("surveys:poll_vote", args=["horaires"])).status_code == 405


def test_results_after_the_close_wait_for_it(client, clock):
    closes = datetime(2026, 11, 21, 18, 0, tzinfo=PARIS)
    poll = poll_build(slug="expo", results=Survey.Results.AFTER_CLOSE, closes_at=closes)
    client.force_login(MemberFactory())
    client.post(reverse("surveys:poll_vote", args=["expo"]), {f"q{poll.q('poll').pk}": poll.c("poll", "Oui").pk})
    html = client.get(reverse("surveys:detail", args=["expo"])).content.decode()
    assert "Résultats le 21 novembre à 18 h." in html and "poll-bars" not in html
    clock.move_to(closes + timedelta(minutes=1))
    html = client.get(reverse("surveys:detail", args=["expo"])).content.decode()
    assert "Oui : 100 % (1 vote)" in html and "Non : 0 % (0 " in html


def test_a_closed_poll_shows_its_bars_to_a_member_who_did_not_vote(client):
    poll = poll_build(slug="fini")
    submission_create(
        member=MemberFactory(), survey=poll.survey, answers={str(poll.q("poll").pk): poll.c("poll", "Non").pk}
    )
    Survey.objects.filter(pk=poll.survey.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    client.force_login(MemberFactory())
    html = client.get(reverse("surveys:detail", args=["fini"])).content.decode()
    assert "Non : 100 % (1 vote)" in html and "Voter" not in html


def test_a_poll_whose_question_is_its_title_says_it_once_and_its_kind_and_date_once(client):
    poll_build(slug="atelier", title="Quel atelier ?", text="Quel atelier ?", labels=("Gravure", "Modelage"))
    client.force_login(MemberFactory())
    page = client.get(reverse("surveys:detail", args=["atelier"])).content.decode()
    main = page.split("<main", 1)[1]
    card = re.search(r'<section class="card poll-card".*?</section>', main, re.S).group(0)
    assert main.count("Quel atelier ?") == 2  # the page's title, and the name of the group of choices (unseen)
    assert '<legend class="visually-hidden">Quel atelier ?' in card and "<h2" in card and "Votre vote" in card
    assert "Sondage express" not in card and "Jusqu&#x27;au" not in card  # said above the card, once each
    assert main.count("Sondage express") == 1 and main.count("Jusqu&#x27;au") == 1
    # The same on the page of a refused vote.
    refused = client.post(reverse("surveys:poll_vote", args=["atelier"]), {}).content.decode().split("<main", 1)[1]
    assert refused.count("Quel atelier ?") == 2 and refused.count("Sondage express") == 1
    # A question that says more than the title is shown under it.
    other = poll_build(slug="horaires", title="Nos horaires", text="Ouvrir le jeudi soir ?")
    html = client.get(reverse("surveys:detail", args=["horaires"])).content.decode()
    assert "<legend>Ouvrir le jeudi soir ?" in html
    hub = client.get(reverse("participate:hub")).content.decode()
    assert hub.count("Quel atelier ?") == 2 and "<legend>Ouvrir le jeudi soir ?" in hub
    assert other.survey.title in hub


def test_after_voting_a_named_poll_marks_the_members_own_choice(client):
    poll = poll_build(slug="horaires", labels=("Oui", "Non"))
    submission_create(
        member=MemberFactory(), survey=poll.survey, answers={str(poll.q("poll").pk): poll.c("poll", "Non").pk}
    )
    client.force_login(MemberFactory())
    client.post(reverse("surveys:poll_vote", args=["horaires"]), {f"q{poll.q('poll').pk}": poll.c("poll", "Oui").pk})
    for url in (reverse("surveys:detail", args=["horaires"]), reverse("participate:hub")):
        html = client.get(url).content.decode()
        bars = re.search(r'<ul class="poll-bars">.*?</ul>', html, re.S).group(0)
        assert "Oui : 50 % (1 vote) — votre choix" in bars and '<li class="poll-bar-mine">' in bars
        assert "Non : 50 % (1 vote)</label>" in bars and bars.count("votre choix") == 1


def test_an_anonymous_poll_never_looks_up_the_members_choice(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from surveys.anonymity import anonymous_responses_flush

    poll = poll_build(slug="secret", labels=("Oui", "Non"), anonymous=True)
    client.force_login(MemberFactory())
    client.post(reverse("surveys:poll_vote", args=["secret"]), {f"q{poll.q('poll').pk}": poll.c("poll", "Oui").pk})
    Survey.objects.filter(pk=poll.survey.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert anonymous_responses_flush(survey_id=poll.survey.pk) == 1  # written: the bars count it
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("surveys:detail", args=["secret"])).content.decode()
    assert "Oui : 100 % (1 vote)" in html and "votre choix" not in html and "poll-bar-mine" not in html
    assert not [query for query in queries if "surveys_answer" in query["sql"]]


# The poster ------------------------------------------------------------------------------------


def test_the_english_posters_qr_code_opens_the_survey_in_english(admin_client, client):
    from club.core.qr import qr_svg
    from surveys.building import survey_member_url

    b = survey_build(slug="cartels", title="Nos cartels", pages=[[question("q", Kind.RATING)]])
    poster = reverse("admin:surveys_survey_poster", args=[b.survey.pk])
    french_url = survey_member_url(survey=b.survey)
    english_url = survey_member_url(survey=b.survey, language="en")
    assert english_url == f"{french_url}?lang=en" and survey_member_url(survey=b.survey, language="fr") == french_url
    french = admin_client.get(poster).content.decode()
    english = admin_client.get(poster, {"lang": "en"}).content.decode()
    assert qr_svg(french_url) in french and "?lang=en" not in french.split('class="poster"', 1)[1]
    assert qr_svg(english_url) in english and english_url in english
    # A visitor who scans it reads the page in English, and the site stays in English for them.
    path = english_url.removeprefix(settings.SITE_URL)
    landing = client.get(path)
    assert '<html lang="en">' in landing.content.decode() and landing.cookies["club_language"].value == "en"
    assert '<html lang="en">' in client.get(reverse("surveys:detail", args=["cartels"])).content.decode()


# Times, as members read them ------------------------------------------------------------------


def test_member_pages_of_surveys_write_times_one_way_in_each_language(client, clock):
    closes = datetime(2026, 11, 21, 18, 30, tzinfo=PARIS)
    survey_build(slug="cartels", pages=[[question("q", Kind.RATING)]], closes_at=closes)
    poll = poll_build(slug="horaires", closes_at=closes, results=Survey.Results.AFTER_CLOSE)
    member = MemberFactory()
    client.force_login(member)
    pages = [reverse("participate:hub"), reverse("surveys:detail", args=["cartels"]),
             reverse("surveys:detail", args=["horaires"]), reverse("club:dashboard")]  # fmt: skip

    def times() -> set[str]:
        found = set()
        for path in pages:
            html = client.get(path).content.decode().split("<main", 1)[1].split("</main>", 1)[0]
            if path == reverse("club:dashboard"):  # what surveys draw there: the poll
                html = re.search(r'<section class="card poll-card".*?</section>', html, re.S).group(0)
            text = re.sub(r"<[^>]+>", " ", html)
            found |= set(re.findall(r"\b\d{1,2}(?: h \d{2}| h\b|:\d{2})", text))
        return found

    assert times() == {"18 h 30"}
    client.post(reverse("surveys:poll_vote", args=["horaires"]), {f"q{poll.q('poll').pk}": poll.c("poll", "Oui").pk})
    assert times() == {"18 h 30"}  # "Résultats le 21 novembre à 18 h 30" too
    member.preferred_language = "en"
    member.save()
    assert times() == {"18:30"}


# The staff preview ------------------------------------------------------------------------------


def test_the_preview_is_for_staff_who_may_view_surveys(client):
    survey_build(slug="cartels", pages=EVERY_KIND)
    url = reverse("surveys:preview", args=["cartels"])
    assert client.get(url).url.startswith(reverse("account_login"))
    # A member who follows a preview link lands on the survey's own page, told why.
    client.force_login(MemberFactory())
    sent = client.get(url, follow=True)
    assert sent.redirect_chain == [(reverse("surveys:detail", args=["cartels"]), 302)]
    assert "L&#x27;aperçu est réservé à l&#x27;équipe du club : voici la page de l&#x27;enquête." in (
        sent.content.decode()
    )
    # Staff without the permission: the site's 403 page, in its design.
    staff = StaffFactory()
    client.force_login(staff)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "<h1>Accès refusé</h1>" in refused.content.decode() and 'id="site-nav"' in refused.content.decode()
    staff.user_permissions.add(Permission.objects.get(codename="view_survey", content_type__app_label="surveys"))
    client.force_login(staff)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("when", ["not_yet_open", "closed"])
def test_the_preview_shows_every_page_of_any_survey_and_saves_nothing(client, when):
    now = timezone.now()
    dates = {"opens_at": now + timedelta(days=3), "closes_at": now + timedelta(days=9)}
    if when == "closed":
        dates = {"opens_at": now - timedelta(days=9), "closes_at": now - timedelta(days=3)}
    b = survey_build(slug="cartels", pages=EVERY_KIND, anonymous=True, **dates)
    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_survey", content_type__app_label="surveys"))
    client.force_login(staff)
    html = client.get(reverse("surveys:preview", args=["cartels"])).content.decode()
    assert "Aperçu" in html and "Rien n'est envoyé ni enregistré" in html
    assert "Page 1 sur 2" in html and "Page 2 sur 2" in html
    for question_ in b.questions.values():
        assert f'id="question-{question_.pk}"' in html
    assert "Vos réponses sont enregistrées sans aucun lien avec votre compte" in html
    assert 'method="post"' not in html.split("<main", 1)[1].split("</main>")[0].replace(
        'method="post" action="/compte/logout/"', ""
    )
    assert client.post(reverse("surveys:preview", args=["cartels"])).status_code == 405
    assert not Draft.objects.exists()


# Query budgets ----------------------------------------------------------------------------------


def _survey_of(questions: int, slug: str) -> Built:
    per_page = [question(f"q{n}", Kind.SINGLE, choices=["Oui", "Non"]) for n in range(questions)]
    half = questions // 2
    return survey_build(slug=slug, pages=[per_page[:half], per_page[half:]])


@pytest.mark.parametrize("page", ["detail", "answer", "answer_verify"])
def test_survey_pages_cost_the_same_queries_for_3_or_20_questions(client, page):
    def count(questions: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        b = _survey_of(questions, f"s{questions}")
        member = MemberFactory()
        client.force_login(member)
        client.post(_answer_url(b, 1), {f"q{b.q('q0').pk}": b.c("q0", "Oui").pk, "action": "save"})
        url = {
            "detail": reverse("surveys:detail", args=[b.survey.slug]),
            "answer": _answer_url(b, 1),
            "answer_verify": _answer_url(b, 2) + "?verifier=1",
        }[page]
        client.get(url)  # caches warmed (earning rule)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small, large = count(3), count(20)
    assert small == large
    # session, user, the survey, answered?, then: the size and the draft (landing page) — the questions,
    # choices and rows, and the draft (answering) —, and the unread count of the menu.
    assert small == {"detail": 7, "answer": 9, "answer_verify": 9}[page]


def test_an_image_choice_shows_its_thumbnail_with_its_text(client, every_kind, settings):
    from surveys.models import Choice

    picked = every_kind.c("image", "Cartel A")
    Choice.objects.filter(pk=picked.pk).update(
        thumbnail="surveys/choices/thumbs/a.jpg", picture_alt="Cartel à fond blanc"
    )
    client.force_login(MemberFactory())
    html = client.get(_answer_url(every_kind, 2)).content.decode()
    label = re.search(rf'<label for="q{every_kind.q("image").pk}-c{picked.pk}">(.*?)</label>', html).group(1)
    assert f'src="{settings.MEDIA_URL}surveys/choices/thumbs/a.jpg" alt="Cartel à fond blanc"' in label
    assert "<span>Cartel A</span>" in label


def test_a_survey_or_poll_without_questions_offers_nothing_to_answer_and_pays_nothing(client):
    survey_build(slug="vide", pages=[])
    poll = Survey.objects.create(
        slug="sondage-vide", title="Vide", kind=Survey.Kind.POLL,
        opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    member = MemberFactory()
    client.force_login(member)
    html = client.get(reverse("surveys:detail", args=["vide"])).content.decode()
    assert "Cette enquête n'a pas encore de question." in html and "Commencer" not in html
    voted = client.post(reverse("surveys:poll_vote", args=[poll.slug]), follow=True)
    assert "Ce sondage n&#x27;a pas encore de question." in voted.content.decode()
    assert _nothing_stored(member)


@pytest.mark.parametrize("audience", ["all", "fans_of_mine", "fans_of_another"])
@pytest.mark.parametrize("favourite", [True, False], ids=["a favourite museum", "none"])
def test_the_dashboards_poll_follows_the_audience_rule_of_every_other_page(audience, favourite):
    """`poll_for_dashboard` is written in SQL: it shows exactly the polls `surveys_meant_for` lets through."""
    from datetime import timedelta

    from django.utils import timezone

    from club.members.tests.factories import MemberFactory, MuseumFactory
    from surveys.models import Participation, Survey
    from surveys.polls import poll_for_dashboard
    from surveys.selectors import surveys_meant_for

    mine, other = MuseumFactory(), MuseumFactory()
    member = MemberFactory(favourite_museum=mine if favourite else None)
    now = timezone.now()
    poll = Survey.objects.create(
        kind=Survey.Kind.POLL, slug="sondage", title="Quel atelier ?", museum=mine, opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=3), audience="all" if audience == "all" else "museum_fans",
    )  # fmt: skip
    if audience != "all":
        poll.audience_museums.add(mine if audience == "fans_of_mine" else other)
    expected = surveys_meant_for(Survey.objects.filter(pk=poll.pk), member).exists()
    shown = poll_for_dashboard(member=member)
    assert (shown is not None) == expected
    if shown is not None:
        assert shown.pk == poll.pk and shown.museum == mine and shown.answered_on is None and shown.votes == 0
        Participation.objects.create(member=member, survey=poll, answered_on=timezone.localdate(now))
        assert poll_for_dashboard(member=member).answered_on == timezone.localdate(now)  # today's: still shown
        Participation.objects.filter(member=member).update(answered_on=timezone.localdate(now) - timedelta(days=1))
        assert poll_for_dashboard(member=member) is None  # answered another day: gone
