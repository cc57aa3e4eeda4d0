"""The member's points history."""

from django.core.paginator import Paginator
from django.shortcuts import render

from club.members.decorators import member_required
from rewards.ledger.selectors import balance_of, earning_guide, history_of, history_page_describe

HISTORY_PAGE_SIZE = 50


def earn(request):
    """ "Comment gagner des points": the ways that exist, their points and caps, what is already earned."""
    member = request.user if request.user.is_authenticated else None
    return render(request, "ledger/earn.html", {"lines": earning_guide(member=member)})


@member_required
def points_history(request):
    page = Paginator(history_of(member=request.user), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = history_page_describe(entries=page.object_list)
    return render(request, "ledger/history.html", {"page": page, "balance": balance_of(member=request.user)})
