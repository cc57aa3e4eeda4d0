"""Pages every site needs whatever it does: health, 400, 403, 404, 500 and a refused form (JSON under /api/)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
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


def permission_denied(request, exception=None):
    """A page the visitor may not open: said in the site's design, with a way on."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("permission_denied", _("Vous n'avez pas accès à cette adresse.")), status=403)
    return render(request, "403.html", status=403)


def _page_back(request) -> str:
    """The page the refused form came from (same site only), to reload it; "" when unknown."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure()):
        return referer
    return ""


def csrf_failure(request, reason=""):
    """A form sent with a stale security token (CSRF_FAILURE_VIEW).

    Most often the session changed since the page was drawn: a logout or a
    login in another tab gives a new token, and the open page still carries the
    old one. Nothing was done; the member reloads the page and sends again
    (answers already kept, such as a survey's draft, are still there).
    """
    if request.path.startswith("/api/"):
        message = _("La requête a été refusée : le jeton de sécurité (CSRF) manque ou a expiré.")
        return JsonResponse(error_body("csrf_failed", message), status=403)
    return render(request, "403_csrf.html", {"back_url": _page_back(request)}, status=403)


def server_error(request):
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return render(request, "500.html", status=500)
