"""`Idempotency-Key` support for API POSTs that move points, and their one durable transaction.

A client that is not sure its request went through (a timeout, a lost answer)
sends it again with the same key: the stored answer is replayed instead of
redeeming a second gift. The same key with another request → 422.

The wrapper is the outermost boundary of the request: it opens the one
durable transaction, in which the key's row is claimed, the effect happens and
the answer is stored. So a crash anywhere leaves either all three or none — never
points spent with the key stuck. A concurrent request with the same key blocks
on the key's unique index until the first commits, then replays its answer (or,
if the first rolled back, performs the effect itself). A domain error is stored
as the answer, with no effect (its savepoint is rolled back); a server error
stores nothing, so the client may retry.
"""

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

from club.core.errors import DomainError
from club.core.locks import bounded_locks, lock_timeout_sql
from club.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_LENGTH = 255


class IdempotencyKeyInvalid(DomainError):
    code = "idempotency_key_invalid"
    message = _("La clé d'idempotence doit compter de 1 à 255 caractères.")


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    message = _("Cette clé d'idempotence a déjà servi pour une autre requête.")
    status = 422


class IdempotencyKeyInProgress(DomainError):
    code = "idempotency_key_in_progress"
    message = _("Une requête avec cette clé d'idempotence est encore en cours.")
    status = 409


def _fingerprint(view, request) -> str:
    # A view may leave part of the body out (`idempotency_fingerprint_data`): even hashed,
    # an anonymous survey's answers must not be kept next to the member's key.
    data = view.idempotency_fingerprint_data(request) if hasattr(view, "idempotency_fingerprint_data") else request.data
    body = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


# Fixed table and column names. The key's row is inserted unless it exists: a concurrent request holding
# the same key makes this wait (bounded) until it ends, then nothing comes back and its answer is read.
_CLAIM = (
    "INSERT INTO core_idempotencykey (member_id, key, fingerprint, status, created_at) VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (member_id, key) DO NOTHING RETURNING id"
)


def _claim(view, request, key: str):
    """The stored row for (member, key), and whether this request created it.

    One round trip, with no savepoint: the lock timeout goes with the insert
    on PostgreSQL, and a conflict is not an error. A timeout aborts the
    transaction, which has written nothing yet; it becomes `LockTimeout`.
    """
    fingerprint = _fingerprint(view, request)
    now = timezone.now()
    params = [request.user.pk, key, fingerprint, IdempotencyKey.Status.PROCESSING, now]
    with bounded_locks(set_timeout=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{lock_timeout_sql()}; {_CLAIM}", params)
        else:
            cursor.execute(_CLAIM, [*params[:4], connection.ops.adapt_datetimefield_value(now)])
        row = cursor.fetchone()
    if row is not None:
        record = IdempotencyKey(
            id=row[0], member=request.user, key=key, fingerprint=fingerprint,
            status=IdempotencyKey.Status.PROCESSING, created_at=now,
        )  # fmt: skip
        return record, True
    record = IdempotencyKey.objects.get(member=request.user, key=key)
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if record.status == IdempotencyKey.Status.PROCESSING:
        raise IdempotencyKeyInProgress()
    return record, False


def _store_answer(record: IdempotencyKey, response: Response) -> None:
    record.status = IdempotencyKey.Status.DONE
    record.response_status = response.status_code
    record.response_body = response.data
    record.save(update_fields=["status", "response_status", "response_body"])


def _run(view, request, method, args, kwargs) -> Response:
    """The view's answer; a handled error (a domain rule) leaves no effect behind."""
    try:
        with transaction.atomic():
            return method(view, request, *args, **kwargs)
    except Exception as error:  # noqa: BLE001 - DRF turns handled errors into answers; others re-raise
        return view.handle_exception(error)


def idempotent(method):
    """Decorate a DRF view method (post) that moves points: one durable transaction, and the key."""

    @wraps(method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is not None and (not key.strip() or len(key) > MAX_LENGTH):
            raise IdempotencyKeyInvalid()
        with transaction.atomic(durable=True):
            if key is None:
                return method(view, request, *args, **kwargs)
            record, created = _claim(view, request, key)
            if not created:
                replay = Response(record.response_body, status=record.response_status)
                replay["Idempotent-Replayed"] = "true"
                return replay
            response = _run(view, request, method, args, kwargs)
            if response.status_code >= 500:
                transaction.set_rollback(True)  # not an answer: free the key, the client may retry
            else:
                _store_answer(record, response)
            return response

    wrapper.idempotent = True  # type: ignore[attr-defined]  # the schema documents 409, 422 and 503
    return wrapper


def idempotency_keys_purge(*, older_than_hours: int = 24) -> int:
    """Forget Idempotency-Key rows older than their 24-hour promise."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
