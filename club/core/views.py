"""Pages every site needs whatever it does: health, 400, 404 and 500 (JSON under /api/)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from club.core import health
from club.core.api import api_not_found, api_server_error, error_body


@never_cache
def healthz(request):
    report = health.health_report()
    return JsonResponse(report, status=200 if report["database"] == "ok" else 503)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    """A body Django refused before any view (too many fields, a broken upload): said, never a bare page."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("bad_request", _("La requête est illisible ou trop grande.")), status=400)
    return render(request, "400.html", status=400)


def server_error(request):
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return render(request, "500.html", status=500)
