"""The API's shared conventions: one JSON error shape, in the member's language.

Every error leaves the API as `{"code": "...", "message": "...", "details": {...}}`
with a 4xx status (503 with `Retry-After` when a lock could not be had in time).
`IDEMPOTENCY_PARAMETER` documents the `Idempotency-Key` header on the
operations that accept it.
"""

from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from club.core.errors import DomainError
from club.core.idempotency import HEADER

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description="A unique key per operation: a retry with the same key replays the first answer.",
)


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id must be an integer (or its digits as a string): 1.5, true or "1e3" are refused."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not (isinstance(data, int) or (isinstance(data, str) and data.isdigit())):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


def error_body(code: str, message, details=None) -> dict:
    return {"code": code, "message": str(message), "details": details or {}}


def exception_handler(exc, context) -> Response | None:
    if isinstance(exc, DomainError):
        answer = Response(error_body(exc.code, exc.message, exc.details), status=exc.status)
        if exc.retry_after:
            answer["Retry-After"] = str(exc.retry_after)
        return answer
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", _("Certaines données ne sont pas valides."), response.data)
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        message = exc.detail if isinstance(exc.detail, str) else _("Erreur.")
        response.data = error_body(codes if isinstance(codes, str) else "error", message)
    return response


def api_not_found(request: HttpRequest, exception=None) -> JsonResponse:
    """JSON 404 for unknown addresses under /api/ (the site's 404 page elsewhere)."""
    return JsonResponse(error_body("not_found", _("Cette adresse de l'API n'existe pas.")), status=404)


def api_server_error(request: HttpRequest) -> JsonResponse:
    body = error_body("server_error", _("Erreur interne : l'équipe est prévenue."))
    return JsonResponse(body, status=500)
