"""Composition pages: the home page and "Mon club", which gather several apps."""

from django.shortcuts import render

from club.members.decorators import member_required
from club.members.selectors import card_qr_svg
from museums.selectors import museums_visible
from rewards.ledger.selectors import points_summary
from rewards.shop.selectors import gift_outlook, redemptions_open_count


def home(request):
    return render(request, "club/home.html", {"museums": museums_visible()})


@member_required
def dashboard(request):
    """ "Mon club": the card, the points, the next gifts and what expires soon."""
    member = request.user
    points = points_summary(member=member)
    outlook = gift_outlook(balance=points.balance)
    return render(
        request,
        "club/dashboard.html",
        {
            "member": member,
            "qr_svg": card_qr_svg(member=member),
            "balance": points.balance,
            "within_reach": outlook.within_reach,
            "goals": outlook.next_goals,
            "expiring": points.expiring,
            "open_vouchers": redemptions_open_count(member=member),
        },
    )
