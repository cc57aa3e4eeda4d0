"""Composition: the "Participer" hub — what is open to the member now, from the features that offer it.

Surveys and polls (the open ones meant for the member, one query; the polls'
cards in three more, whatever their number), seats offered to the member from
a waiting list, and the next sessions of activities and events to book. A
visitor who is not a member sees the sessions and is invited to join: taking
part is for members.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from club.members.selectors import member_is_verified
from museums.events.cards import offer_card, session_card
from museums.events.selectors import offers_of, sessions_coming
from surveys.models import Survey
from surveys.polls import poll_cards
from surveys.selectors import survey_points, surveys_open_for
from surveys.templatetags.survey_dates import until


def _survey_item(survey: Survey) -> dict:
    """A survey as a list item: where it comes from, until when, what it pays, where the member stands."""
    badges = []
    if not survey.answered:  # type: ignore[attr-defined]  # annotated by surveys_open_for
        # What answering would pay; once answered, what it paid is on the thank-you and in the history.
        points = survey_points(survey=survey)
        badges.append((ngettext("+%(counter)s point", "+%(counter)s points", points) % {"counter": points}, "info"))
    if survey.anonymous:
        badges.append((_("Anonyme"), "muted"))
    if survey.answered:  # type: ignore[attr-defined]
        badges.append((_("Répondu"), "ok"))
    elif survey.has_draft:  # type: ignore[attr-defined]
        badges.append((_("Reprendre"), "warn"))
    return {
        "title": survey.title,
        "url": reverse("surveys:detail", args=[survey.slug]),
        "meta": str(survey.museum) if survey.museum else _("Enquête du club"),
        "text": capfirst(until(survey.closes_at)),
        "badges": badges,
    }


HUB_SESSIONS = 5


def hub(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        sessions = [session_card(session) for session in sessions_coming(limit=HUB_SESSIONS)]
        return render(request, "participate/hub.html", {"visitor": True, "sessions": sessions})
    if not member_is_verified(member=user):
        return redirect("members:verify_needed")
    now = timezone.now()
    everything = surveys_open_for(member=user, now=now)
    polls = [survey for survey in everything if survey.kind == Survey.Kind.POLL]
    answered = {poll.pk for poll in polls if poll.answered}  # type: ignore[attr-defined]
    context = {
        "surveys": [_survey_item(survey) for survey in everything if survey.kind == Survey.Kind.SURVEY],
        "polls": poll_cards(polls=polls, answered=answered, now=now, member=user),
        "offers": [offer_card(entry) for entry in offers_of(member=user)],
        "sessions": [session_card(session) for session in sessions_coming(limit=HUB_SESSIONS, now=now)],
    }
    return render(request, "participate/hub.html", context)
