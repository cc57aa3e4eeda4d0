"""Member pages of surveys and polls (namespace `surveys`), and the staff preview.

- the landing page of a survey or poll says what it is and where the member
  stands: not yet open, closed, already answered, meant for other members, or
  start / resume (a survey) and vote (a poll);
- answering goes page by page; each page's answers go to the member's draft
  (server-side, so they resume on any device at the page they left), and the
  last page sends the whole response through `submission_create`, the one
  write path, which checks every answer again;
- the thank-you says what the response paid (carried from the request that
  sent it, in the session), or that today's cap is reached;
- a poll's vote is one POST from any page that shows the poll;
- the preview shows staff every page as a member sees it, and saves nothing.

A page that writes is the outermost boundary of its request: it opens the one
durable transaction the services join.
"""

from dataclasses import asdict
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from club.core.errors import DomainError
from club.members.decorators import member_required
from club.members.models import Member
from club.members.selectors import member_is_verified
from rewards.ledger.selectors import AwardOutcome, award_outcome, balance_of
from surveys.answers import AnswersInvalid, Structure, answers_check, structure_of
from surveys.errors import AlreadyAnswered, SurveyClosed
from surveys.forms import (
    SUMMARY,
    SurveyPlan,
    answers_kept,
    messages_worded,
    page_answers_parse,
    question_field,
    survey_plan,
)
from surveys.models import Draft, Participation, Question, Survey
from surveys.polls import PollCard, poll_cards
from surveys.selectors import survey_action, survey_points
from surveys.services import draft_save, submission_create, survey_check_open_to

DONE_KEY = "surveys:done:{pk}"  # the session key holding what a response paid, for its thank-you page
VERIFY = "verifier"  # ?verifier=1: show every answer's message (after a refused submission)


def _member(request: HttpRequest) -> Member:
    """The member of a page behind `member_required`."""
    return cast(Member, request.user)


def _survey_or_404(slug: str) -> Survey:
    return get_object_or_404(Survey.objects.select_related("museum"), slug=slug)


def _refusal(*, survey: Survey, member, now) -> DomainError | None:
    """Why the member may not answer now (already answered first: the kindest thing to say), or None."""
    if Participation.objects.filter(member=member, survey=survey).exists():
        return AlreadyAnswered()
    try:
        survey_check_open_to(survey=survey, member=member, now=now)
    except DomainError as refusal:
        return refusal
    return None


def _size(survey: Survey) -> dict[str, int]:
    """How many pages and questions the survey has (one query)."""
    return Question.objects.filter(page__survey=survey).aggregate(
        questions=Count("pk"), pages=Count("page", distinct=True)
    )


def _checked(structure: Structure, answers: dict) -> dict[str, str]:
    """Every answer's message (nothing when the whole response would be accepted); no query."""
    try:
        answers_check(structure, answers)
    except AnswersInvalid as refused:
        return messages_worded(dict(refused.details.get("errors", {})), structure, answers)
    return {}


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# The landing page -------------------------------------------------------------------------------


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """What the survey is, what anonymous means here, and where the member stands."""
    survey = _survey_or_404(slug)
    user = request.user
    if user.is_authenticated and not member_is_verified(member=user):
        return redirect("members:verify_needed")
    now = timezone.now()
    context: dict[str, Any] = {"survey": survey, "points": survey_points(survey=survey), "now": now}
    if survey.kind == Survey.Kind.SURVEY:
        context["size"] = _size(survey)
    if user.is_authenticated:
        refusal = _refusal(survey=survey, member=user, now=now)
        context["refusal"] = refusal
        if refusal is None and survey.kind == Survey.Kind.SURVEY:
            context["draft"] = Draft.objects.filter(member=user, survey=survey).only("page").first()
        if survey.kind == Survey.Kind.POLL and (
            refusal is None or isinstance(refusal, (AlreadyAnswered, SurveyClosed))
        ):
            # The vote, or the bars (after one's vote, or once closed); never a form it would refuse.
            answered = {survey.pk} if isinstance(refusal, AlreadyAnswered) else set()
            cards = poll_cards(polls=[survey], answered=answered, now=now, member=_member(request))
            context["poll_card"] = next(iter(cards), None)
    return render(request, "surveys/detail.html", context)


# Answering, page by page ------------------------------------------------------------------------


def _summary(plan: SurveyPlan, number: int, errors: dict[str, str]) -> list[dict[str, str]]:
    """The error summary: each message with a link to its question, on this page or another."""
    items = []
    by_id = {str(question.pk): question for question in plan.structure.questions}
    for key, message in errors.items():
        question = by_id.get(key)
        if question is None:
            items.append({"label": "", "url": "", "message": message})
            continue
        page = plan.number_of(question.pk) or number
        url = f"#question-{question.pk}"
        if page != number:
            url = reverse("surveys:answer", args=[plan.structure.survey.slug, page]) + f"?{VERIFY}=1{url}"
        items.append({"label": str(question.text), "url": url, "message": message})
    return items


def _draw_page(
    request: HttpRequest,
    *,
    plan: SurveyPlan,
    number: int,
    answers: dict,
    errors: dict[str, str],
    verify: bool = False,
    status: int = 200,
) -> HttpResponse:
    structure = plan.structure
    drawn = plan.drawn(answers)
    questions = plan.questions_on(number, drawn)
    on_page = {question.page_id for question in questions}
    page_of = {question.pk: question.page_id for question in structure.questions}
    fields = [
        question_field(
            question,
            structure=structure,
            value=answers.get(str(question.pk)),
            error=errors.get(str(question.pk), ""),
            live_condition=bool(question.condition_question_id)
            and page_of.get(question.condition_question_id or 0) in on_page,
        )
        for question in questions
    ]
    context = {
        "survey": structure.survey,
        "number": number,
        "count": plan.count,
        "page_title": plan.pages[number - 1][0],
        "fields": fields,
        "summary": _summary(plan, number, errors),
        "previous": plan.next_page(number, drawn, step=-1),
        "is_last": plan.next_page(number, drawn) is None,
        "verify": verify,
    }
    return render(request, "surveys/answer.html", context, status=status)


def _save(request: HttpRequest, survey: Survey, answers: dict, page: int) -> DomainError | None:
    """Keep the answers so far in the member's draft; the refusal, if any."""
    try:
        with transaction.atomic(durable=True):
            draft_save(member=_member(request), survey=survey, answers=answers, page=page)
    except DomainError as refusal:
        return refusal
    return None


def _refused(request: HttpRequest, survey: Survey, refusal: DomainError) -> HttpResponse:
    """The survey can no longer be answered (closed meanwhile, answered elsewhere): its page says why."""
    messages.error(request, str(refusal.message))
    return redirect("surveys:detail", slug=survey.slug)


@require_http_methods(["GET", "POST"])
@member_required
def answer(request: HttpRequest, slug: str, page: int) -> HttpResponse:
    """One page of the survey: drawn from the draft, or sent (previous, next, save for later, send)."""
    survey = _survey_or_404(slug)
    if survey.kind != Survey.Kind.SURVEY:
        return redirect("surveys:detail", slug=slug)
    refusal = _refusal(survey=survey, member=_member(request), now=timezone.now())
    if refusal is not None:
        return redirect("surveys:detail", slug=slug)  # the landing page says why, never a form
    plan = survey_plan(structure_of(survey))
    if not 1 <= page <= plan.count:
        raise Http404
    draft = Draft.objects.filter(member=_member(request), survey=survey).first()
    answers = dict(draft.answers) if draft else {}
    if request.method == "POST":
        return _answer_post(request, plan=plan, number=page, answers=answers)
    drawn = plan.drawn(answers)
    if not plan.questions_on(page, drawn):  # every question of this page is hidden by earlier answers
        target = plan.next_page(page, drawn) or plan.next_page(page, drawn, step=-1)
        if target is None:
            raise Http404
        return redirect("surveys:answer", slug=slug, page=target)
    verify = request.GET.get(VERIFY) == "1"
    errors = _checked(plan.structure, answers) if verify else {}
    return _draw_page(request, plan=plan, number=page, answers=answers, errors=errors, verify=verify)


def _answer_post(request: HttpRequest, *, plan: SurveyPlan, number: int, answers: dict) -> HttpResponse:
    survey = plan.structure.survey
    try:
        data = request.POST
        len(data)  # read now: a body of thousands of fields is refused here, as a message
    except (TooManyFieldsSent, RequestDataTooBig):
        errors = {SUMMARY: _("Trop de réponses pour cette enquête : rien n'a été enregistré.")}
        return _draw_page(request, plan=plan, number=number, answers=answers, errors=errors, status=400)
    verify = data.get(VERIFY) == "1"
    questions = plan.questions_on(number, plan.drawn(answers))
    given, errors = page_answers_parse(data=data, questions=questions, structure=plan.structure)
    if SUMMARY in errors:  # a field of no question of this page: the page is sent back, nothing kept
        return _draw_page(request, plan=plan, number=number, answers=answers, errors=errors, status=400)
    page_ids = {str(question.pk) for question in questions}
    merged = {key: value for key, value in answers.items() if key not in page_ids} | given
    drawn = plan.drawn(merged)
    merged = answers_kept(merged, drawn)
    action = data.get("action", "next")
    later = plan.next_page(number, drawn)

    if action in ("previous", "save"):
        return _keep(request, plan=plan, number=number, answers=merged, drawn=drawn, back=action == "previous")
    # "Suivant" and "Envoyer": this page must be right before going on.
    on_page = {key: message for key, message in _checked(plan.structure, merged).items() if key in page_ids}
    errors = {**on_page, **errors}
    if errors:
        return _draw_page(request, plan=plan, number=number, answers=merged, errors=errors, verify=verify)
    if action != "submit" or later is not None:
        target = later or number
        refusal = _save(request, survey, merged, target)
        response = _after_save(request, survey, plan, number, merged, refusal)
        if response is not None:
            return response
        url = reverse("surveys:answer", args=[survey.slug, target])
        return redirect(f"{url}?{VERIFY}=1" if verify else url)
    return _submit(request, plan=plan, number=number, answers=merged)


def _keep(
    request: HttpRequest, *, plan: SurveyPlan, number: int, answers: dict, drawn: set[int], back: bool
) -> HttpResponse:
    """ "Précédent" and "Enregistrer et reprendre plus tard": the page kept as it is, even half done."""
    survey = plan.structure.survey
    target = (plan.next_page(number, drawn, step=-1) or number) if back else number
    refusal = _save(request, survey, answers, target)
    if (response := _after_save(request, survey, plan, number, answers, refusal)) is not None:
        return response
    if back:
        return redirect("surveys:answer", slug=survey.slug, page=target)
    messages.success(
        request, _("Vos réponses sont enregistrées : reprenez quand vous voulez, depuis n'importe quel appareil.")
    )
    return redirect("participate:hub")


def _after_save(
    request: HttpRequest, survey: Survey, plan: SurveyPlan, number: int, answers: dict, refusal: DomainError | None
) -> HttpResponse | None:
    if refusal is None:
        return None
    if isinstance(refusal, AnswersInvalid):  # too much for a draft: said on the page, nothing kept
        errors = {SUMMARY: str(next(iter(refusal.details.get("errors", {}).values()), refusal.message))}
        return _draw_page(request, plan=plan, number=number, answers=answers, errors=errors, status=400)
    return _refused(request, survey, refusal)


def _submit(request: HttpRequest, *, plan: SurveyPlan, number: int, answers: dict) -> HttpResponse:
    """Send the whole response; refused answers send the member to the first page that has one."""
    survey = plan.structure.survey
    try:
        with transaction.atomic(durable=True):
            _participation, entry = submission_create(member=_member(request), survey=survey, answers=answers)
    except AnswersInvalid as refused:
        errors = messages_worded(dict(refused.details.get("errors", {})), plan.structure, answers)
        pages = [plan.number_of(int(key)) for key in errors if key.isdigit()]
        first = min((page for page in pages if page), default=number)
        refusal = _save(request, survey, answers, first)  # nothing typed is lost
        response = _after_save(request, survey, plan, number, answers, refusal)
        if response is not None:
            return response
        if first == number:
            return _draw_page(request, plan=plan, number=number, answers=answers, errors=errors, verify=True)
        return redirect(reverse("surveys:answer", args=[survey.slug, first]) + f"?{VERIFY}=1")
    except DomainError as refusal:
        return _refused(request, survey, refusal)
    outcome = award_outcome(member=_member(request), action=survey_action(survey=survey), entry=entry)
    request.session[DONE_KEY.format(pk=survey.pk)] = asdict(outcome)
    return redirect("surveys:done", slug=survey.slug)


@member_required
def done(request: HttpRequest, slug: str) -> HttpResponse:
    """The thank-you: what the response paid and the balance, or that today's cap was reached."""
    survey = _survey_or_404(slug)
    if not Participation.objects.filter(member=_member(request), survey=survey).exists():
        return redirect("surveys:detail", slug=slug)
    stored = request.session.get(DONE_KEY.format(pk=survey.pk))
    outcome = AwardOutcome(**stored) if isinstance(stored, dict) else None
    balance = outcome.balance if outcome else balance_of(member=_member(request))
    return render(request, "surveys/done.html", {"survey": survey, "outcome": outcome, "balance": balance})


# Polls -----------------------------------------------------------------------------------------


def _vote_thanks(outcome: AwardOutcome) -> str:
    if outcome.paid:
        paid = ngettext("+%(counter)s point", "+%(counter)s points", outcome.paid) % {"counter": outcome.paid}
        balance = ngettext("Votre solde : %(counter)s point.", "Votre solde : %(counter)s points.", outcome.balance)
        return f"{_('Merci pour votre vote !')} {paid}. {balance % {'counter': outcome.balance}}"
    if outcome.capped and outcome.cap_period == "day":
        return _("Merci pour votre vote ! Vous avez déjà gagné aujourd'hui le maximum de points pour les sondages.")
    return _("Merci pour votre vote !")


@require_POST
@member_required
def poll_vote(request: HttpRequest, slug: str) -> HttpResponse:
    """A quick vote from any page that shows the poll; back there, with what it paid."""
    poll: Survey = get_object_or_404(Survey.objects.select_related("museum"), slug=slug, kind=Survey.Kind.POLL)
    try:
        data = request.POST
        len(data)
    except (TooManyFieldsSent, RequestDataTooBig):
        messages.error(request, _("Trop de réponses pour ce sondage : rien n'a été enregistré."))
        return redirect("surveys:detail", slug=slug)
    back = _next_url(request, reverse("surveys:detail", args=[slug]))
    structure = structure_of(poll)
    if not structure.questions:  # nothing to vote on yet: nothing to pay for either
        messages.error(request, _("Ce sondage n'a pas encore de question."))
        return redirect(back)
    answers, errors = page_answers_parse(data=data, questions=structure.questions, structure=structure)
    try:
        if errors:
            raise AnswersInvalid(details={"errors": errors})
        with transaction.atomic(durable=True):
            _participation, entry = submission_create(member=_member(request), survey=poll, answers=answers)
    except AnswersInvalid as refused:
        return _poll_refused(request, poll, answers, dict(refused.details.get("errors", {})), back)
    except DomainError as refusal:
        messages.error(request, str(refusal.message))
        return redirect(back)
    outcome = award_outcome(member=_member(request), action=survey_action(survey=poll), entry=entry)
    messages.success(request, _vote_thanks(outcome))
    return redirect(back)


def _poll_refused(request: HttpRequest, poll: Survey, answers: dict, errors: dict[str, str], back: str) -> HttpResponse:
    """The poll's page with the message next to its question and the vote as it was."""
    card: PollCard | None = next(iter(poll_cards(polls=[poll], answered=set())), None)
    if card is not None and card.question is not None:
        key = str(card.question.pk)
        card.value = answers.get(key)
        card.error = errors.get(key) or next(iter(errors.values()), "")
    context = {
        "survey": poll,
        "points": survey_points(survey=poll),
        "poll_card": card,
        "refusal": None,
        "back": back,
        "now": timezone.now(),
    }
    return render(request, "surveys/detail.html", context, status=400)


# The staff preview -----------------------------------------------------------------------------


@require_safe
@login_required
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Every page as a member sees it, whatever the survey's dates; nothing can be sent or saved.

    A member who follows a preview link (shared by mistake) is sent to the
    survey's own page, with a word; staff without the permission get the 403 page.
    """
    survey = _survey_or_404(slug)
    if not request.user.is_staff:
        messages.info(request, _("L'aperçu est réservé à l'équipe du club : voici la page de l'enquête."))
        return redirect("surveys:detail", slug=slug)
    if not request.user.has_perm("surveys.view_survey"):
        raise PermissionDenied
    plan = survey_plan(structure_of(survey))
    pages = [
        {
            "number": number,
            "title": title,
            "fields": [
                question_field(
                    question,
                    structure=plan.structure,
                    live_condition=bool(question.condition_question_id),
                    show_note=True,
                )
                for question in questions
            ],
        }
        for number, (title, questions) in enumerate(plan.pages, start=1)
    ]
    context = {
        "survey": survey,
        "points": survey_points(survey=survey),
        "size": {"pages": plan.count, "questions": len(plan.structure.questions)},
        "pages": pages,
        "now": timezone.now(),
    }
    return render(request, "surveys/preview.html", context)
