"""The museums' pages (composition): the list, and each museum's page with what the club offers there."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from museums.content.selectors import content_is_member, content_list
from museums.events.cards import session_card
from museums.events.selectors import sessions_coming
from museums.selectors import museums_visible

MUSEUM_CONTENT = 6
MUSEUM_SESSIONS = 4


def museum_list(request):
    return render(request, "museums/list.html", {"museums": museums_visible()})


def museum_detail(request, slug):
    """A museum's presentation, its next activities and events, then its latest content (teasers for visitors)."""
    museum = get_object_or_404(museums_visible(), slug=slug)
    contents = list(content_list(reader=request.user, now=timezone.now(), museum=museum.pk)[: MUSEUM_CONTENT + 1])
    context = {
        "museum": museum,
        "contents": contents[:MUSEUM_CONTENT],
        "more_contents": len(contents) > MUSEUM_CONTENT,
        "sessions": [session_card(session) for session in sessions_coming(museum=museum.pk, limit=MUSEUM_SESSIONS)],
        "member": content_is_member(request.user),
    }
    return render(request, "museums/detail.html", context)
