"""Composition pages: the home page and "Mon club", which gather several apps."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from club.core.page_cache import page_cached
from club.core.sql import scalars_read
from club.members.decorators import member_required
from club.members.selectors import card_qr_svg
from club.notifications.selectors import unread_count_remember, unread_scalars
from museums.selectors import museums_visible
from rewards.ledger.selectors import points_scalars, points_summary_from
from rewards.shop.fulfilments import CATALOGUE_VERSION_KEY
from rewards.shop.selectors import catalogue_version, gift_outlook, vouchers_scalars
from surveys.models import Survey
from surveys.polls import PollCard, poll_cards, poll_for_dashboard, poll_results_visible


def home(request):
    return render(request, "club/home.html", {"museums": museums_visible()})


def _poll_state(poll: Survey | None, now) -> tuple | None:
    """What of the poll the cached page shows: which poll, voted or not, and the count behind its bars."""
    if poll is None:
        return None
    answered = poll.answered_on is not None  # type: ignore[attr-defined]  # annotated by poll_for_dashboard
    bars = poll_results_visible(poll=poll, answered=answered, now=now)
    return (poll.pk, answered, (poll.votes or 0) if bars else None)  # type: ignore[attr-defined]


def _poll_card(poll: Survey | None, now) -> PollCard | None:
    if poll is None:
        return None
    answered = {poll.pk} if poll.answered_on is not None else set()  # type: ignore[attr-defined]
    return next(iter(poll_cards(polls=[poll], answered=answered, now=now)), None)


@member_required
def dashboard(request):
    """ "Mon club": the card, the points, the next gifts, what expires soon, and a poll.

    Served from the page cache (`club.core.page_cache`) while its fingerprint
    holds: the few numbers it shows are read (one query each), the rest of
    the page is drawn only when one of them changed. Those numbers come from
    one statement, whatever the number of apps that add one. The poll it shows
    costs one more query (`surveys.polls.poll_for_dashboard`): which poll,
    whether the member voted, and how many votes its bars count are part of the
    fingerprint, so a vote (the member's, or another's once the bars show) draws
    the page again. Staff (whose menu depends on their permissions) always get
    it drawn.
    """
    member = request.user
    now = timezone.now()
    # The numbers the page shows, from three apps, in one statement (club.core.sql).
    numbers = scalars_read(points_scalars(), vouchers_scalars(), unread_scalars(), member_id=member.pk)
    points = points_summary_from(numbers)
    open_vouchers = numbers["vouchers_open"]
    unread_count_remember(request, numbers["unread"])
    poll = poll_for_dashboard(member=member, now=now)

    def draw(extra: dict):
        outlook = gift_outlook(balance=points.balance)
        context = {
            "member": member,
            "qr_svg": card_qr_svg(member=member),
            "balance": points.balance,
            "within_reach": outlook.within_reach,
            "goals": outlook.next_goals,
            "expiring": points.expiring,
            "open_vouchers": open_vouchers,
            "poll_card": _poll_card(poll, now),
            "poll_next": reverse("club:dashboard"),
        }
        return render(request, "club/dashboard.html", {**context, **extra})

    if member.is_staff:
        return draw({})
    state = (
        member.pk,
        member.email,
        member.display_name,
        member.membership_number,
        member.date_joined,
        points,
        open_vouchers,
        numbers["unread"],
        settings.SITE_URL,
        _poll_state(poll, now),
    )
    return page_cached(
        request, name="dashboard", state=state, render=draw, versions={CATALOGUE_VERSION_KEY: catalogue_version}
    )
