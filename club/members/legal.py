"""Legal pages every French public site needs, written in both languages.

Each page has one template per language (`templates/legal/<page>.<lang>.html`):
legal text reads better as whole pages than as hundreds of translated strings.
"""

from django.shortcuts import render
from django.urls import path
from django.utils.translation import get_language

PAGES = {
    "rules": "reglement",
    "notice": "mentions-legales",
    "privacy": "confidentialite",
    "accessibility": "accessibilite",
}


def _page_view(page: str):
    def view(request):
        language = "en" if (get_language() or "fr").startswith("en") else "fr"
        return render(request, [f"legal/{page}.{language}.html", f"legal/{page}.fr.html"], {"page": page})

    view.__name__ = f"legal_{page}"
    return view


app_name = "legal"
urlpatterns = [path(f"{slug}/", _page_view(page), name=page) for page, slug in PAGES.items()]
