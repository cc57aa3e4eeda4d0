"""Composition pages: the home page and "Mon club", which gather several apps."""

from django.conf import settings
from django.shortcuts import render

from club.core.page_cache import page_cached
from club.members.decorators import member_required
from club.members.selectors import card_qr_svg
from club.notifications.selectors import unread_count_for_request
from museums.selectors import museums_visible
from rewards.ledger.selectors import points_summary
from rewards.shop.selectors import catalogue_version, gift_outlook, redemptions_open_count


def home(request):
    return render(request, "club/home.html", {"museums": museums_visible()})


@member_required
def dashboard(request):
    """ "Mon club": the card, the points, the next gifts and what expires soon.

    Served from the page cache (`club.core.page_cache`) while its fingerprint
    holds: the few numbers it shows are read (one query each), the rest of
    the page is drawn only when one of them changed. Staff (whose menu depends
    on their permissions) always get it drawn.
    """
    member = request.user
    points = points_summary(member=member)
    open_vouchers = redemptions_open_count(member=member)

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
        unread_count_for_request(request),
        catalogue_version(),
        settings.SITE_URL,
    )
    return page_cached(request, name="dashboard", state=state, render=draw)
