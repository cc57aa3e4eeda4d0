"""Composition pages: the home page and "Mon club", which gather several apps."""

from django.shortcuts import render

from club.core.qr import qr_svg
from club.members.decorators import member_required
from club.members.selectors import card_qr_text
from museums.selectors import museums_visible
from rewards.ledger.selectors import balance_of, expiring_soon
from rewards.shop.selectors import gift_outlook, redemptions_open_count


def home(request):
    return render(request, "club/home.html", {"museums": museums_visible()})


@member_required
def dashboard(request):
    """ "Mon club": the card, the points, the next gifts and what expires soon."""
    member = request.user
    balance = balance_of(member=member)
    outlook = gift_outlook(balance=balance)
    return render(
        request,
        "club/dashboard.html",
        {
            "member": member,
            "qr_svg": qr_svg(card_qr_text(member=member)),
            "balance": balance,
            "within_reach": outlook.within_reach,
            "goals": outlook.next_goals,
            "expiring": expiring_soon(member=member),
            "open_vouchers": redemptions_open_count(member=member),
        },
    )
