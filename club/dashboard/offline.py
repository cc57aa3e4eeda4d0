"""The card, the vouchers and the tickets without signal: the web app manifest and the service worker.

Composition, because the service worker names pages of several apps ("Mon
club", the card, the vouchers, the event tickets). Both are served from the site's root so the
worker may control the member's pages; the worker itself is in
`templates/offline/sw.js`, small and our own.
"""

import json

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


def _assets() -> list[str]:
    sheets = [static(f"css/{name}.css") for name in ("tokens", "base", "components")]
    return [*sheets, static("js/club.js"), static("img/logo.svg")]


@never_cache
def service_worker(request):
    body = render_to_string(
        "offline/sw.js",
        {
            "assets": json.dumps(_assets()),
            "offline_message": _("Hors ligne : cette page n'a pas encore été ouverte sur cet appareil."),
        },
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


def manifest(request):
    return JsonResponse(
        {
            "name": _("Club des visiteurs"),
            "short_name": _("Club"),
            "start_url": reverse("club:dashboard"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#8a1538",
            "icons": [{"src": static("img/logo.svg"), "sizes": "any", "type": "image/svg+xml"}],
        },
        content_type="application/manifest+json",
    )
