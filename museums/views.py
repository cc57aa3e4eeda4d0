from django.shortcuts import get_object_or_404, render

from museums.selectors import museums_visible


def museum_list(request):
    return render(request, "museums/list.html", {"museums": museums_visible()})


def museum_detail(request, slug):
    museum = get_object_or_404(museums_visible(), slug=slug)
    return render(request, "museums/detail.html", {"museum": museum})
