"""The API's error responses, documented on every operation from what the operation really does.

Every error leaves the API in one shape (`club.core.api.error_body`):
`{"code": "...", "message": "...", "details": {...}}`. Rather than repeating
`responses={400: …, 401: …}` on each view (and forgetting one), this
drf-spectacular post-processing hook looks at each endpoint's view and adds the
statuses it can answer:

- 400 `invalid` / `parse_error`: operations that take a body or query parameters;
- 401 `not_authenticated` / `authentication_failed`: every operation (a wrong
  token is refused even where anonymity is allowed, a wrong password by the token endpoint);
- 403 `permission_denied`: unsafe methods (CSRF for sessions) and member-only operations;
- 404 `not_found`: operations with a path parameter, and paginated lists (a page out of range);
- 409, 422, 503 (with Retry-After): operations that move points (`@idempotent`);
- 415 `unsupported_media_type`: operations that take a body;
- 429 `throttled` / `too_many_attempts`: throttled operations;
- any other status a view method declares with `@error_responses` (a 409 on a
  PUT, a 413 for a body too large), which also names the codes it uses.

Each status lists, in its description, the codes the club's own errors use.
"""

from rest_framework import permissions, serializers

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "Stable, machine-readable: what went wrong."},
        "message": {"type": "string", "description": "For people, in the member's language."},
        "details": {
            "type": "object",
            "additionalProperties": {},
            "description": "Field errors, or figures such as the points missing.",
        },
    },
    "required": ["code", "message", "details"],
}


class PageSerializer(serializers.Serializer):
    """One page of a paginated list, as DRF's PageNumberPagination answers it (for the schema)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


def page_of(name: str, results: serializers.Serializer, **extra: serializers.Field) -> type[serializers.Serializer]:
    """A documented page of `results`, with what the view adds before them (a balance, an unread count)."""
    return type(name, (PageSerializer,), {**extra, "results": results})


DESCRIPTIONS = {
    400: "Invalid request: `invalid` (see `details`), `parse_error`, `idempotency_key_invalid`.",
    401: "`not_authenticated`, `authentication_failed` (a wrong or revoked token).",
    403: "`permission_denied` (CSRF for sessions, e-mail not verified for a token).",
    404: "`not_found`: no such object for you, or a page out of range.",
    409: "A rule of the club refused it: `insufficient_points`, `out_of_stock`, `gift_not_available`, "
    "`limit_reached`, `voucher_collected`, `voucher_cancelled`, `idempotency_key_in_progress`.",
    413: "`request_too_large`: the body is larger than this operation accepts.",
    415: "`unsupported_media_type`: send JSON.",
    422: "`idempotency_key_reused`: this key was used for another request.",
    429: "`throttled` or `too_many_attempts` (see Retry-After).",
    503: "`busy`: too many people at once, try again (see Retry-After).",
}

_BODY_METHODS = {"POST", "PUT", "PATCH"}


def _statuses(view_class, method: str, path: str, action) -> set[int]:
    # 401 everywhere: a wrong or revoked token is refused even where anonymity is allowed,
    # and the token endpoint refuses a wrong password.
    statuses = {401} | ({400} if method in _BODY_METHODS else set())
    perms = getattr(view_class, "permission_classes", [])
    if method in _BODY_METHODS or any(p is permissions.IsAuthenticated for p in perms):
        statuses.add(403)
    if "{" in path:
        statuses.add(404)
    pagination = getattr(view_class, "pagination_class", None)
    if method == "GET" and "{" not in path and pagination:
        statuses |= {400, 404}
    if method in _BODY_METHODS:
        statuses.add(415)
    if getattr(action, "idempotent", False):
        statuses |= {400, 409, 422, 503}
    if getattr(view_class, "throttle_classes", None):
        statuses.add(429)
    return statuses


def error_responses(described: dict[int, str]):
    """Decorate a view method: statuses it answers besides those inferred, or the codes its own errors use.

    `@error_responses({409: "`survey_closed`, …"})`: each status is documented
    with this description instead of the generic one (the shape stays `Error`).
    """

    def decorate(method):
        method.error_responses = {**getattr(method, "error_responses", {}), **described}
        return method

    return decorate


def _action(callback, method: str):
    view_class = callback.cls
    actions = getattr(callback, "actions", None) or {}
    name = actions.get(method.lower(), method.lower())
    return getattr(view_class, name, None)


def add_error_responses(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: the one error shape, on every status each operation can answer."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, _regex, method, callback in generator.endpoints:
        path = path.replace("{pk}", "{id}")  # as drf-spectacular names it in the schema
        operation = result["paths"].get(path, {}).get(method.lower())
        if operation is None:
            continue
        responses = operation.setdefault("responses", {})
        action = _action(callback, method)
        described = getattr(action, "error_responses", {})
        # Any address may exceed the HTTP server's request-line limit (gunicorn: 4,094 bytes); it answers
        # 414 itself, in HTML, before the app sees the request.
        responses.setdefault("414", {"description": "URI too long: refused by the HTTP server before the app."})
        for status in sorted(_statuses(callback.cls, method, path, action) | set(described)):
            responses.setdefault(
                str(status),
                {
                    "description": described.get(status) or DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
            )
    return result
