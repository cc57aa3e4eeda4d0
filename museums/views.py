"""The museums' pages (composition): the list, and each museum's page with what the club offers there."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from museums.content.selectors import content_is_member, content_list
from museums.selectors import museums_visible

MUSEUM_CONTENT = 6


def museum_list(request):
    return render(request, "museums/list.html", {"museums": museums_visible()})


def museum_detail(request, slug):
    """A museum's presentation, then its latest content (members-only items as teasers for visitors)."""
    museum = get_object_or_404(museums_visible(), slug=slug)
    contents = list(content_list(reader=request.user, now=timezone.now(), museum=museum.pk)[: MUSEUM_CONTENT + 1])
    context = {
        "museum": museum,
        "contents": contents[:MUSEUM_CONTENT],
        "more_contents": len(contents) > MUSEUM_CONTENT,
        "member": content_is_member(request.user),
    }
    return render(request, "museums/detail.html", context)
