"""`Idempotency-Key` support for API POSTs that move points.

A client that is not sure its request went through (a timeout, a lost answer)
sends it again with the same key: the stored answer is replayed instead of
redeeming a second gift. The same key with another request → 422; while the
first request is still running → 409.
"""

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

from club.core.errors import DomainError
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


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _claim(request, key: str):
    """The stored row for (member, key), and whether this request created it."""
    fingerprint = _fingerprint(request)
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(member=request.user, key=key, fingerprint=fingerprint), True
    except IntegrityError:
        record = IdempotencyKey.objects.get(member=request.user, key=key)
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if record.status == IdempotencyKey.Status.PROCESSING:
        raise IdempotencyKeyInProgress()
    return record, False


def idempotent(method):
    """Decorate a DRF view method (post) to honour the Idempotency-Key header."""

    @wraps(method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return method(view, request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_LENGTH:
            raise IdempotencyKeyInvalid()
        record, created = _claim(request, key)
        if not created:
            response = Response(record.response_body, status=record.response_status)
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            try:
                response = method(view, request, *args, **kwargs)
            except Exception as error:  # noqa: BLE001 - a handled error becomes the stored answer
                response = view.handle_exception(error)
        except BaseException:
            record.delete()  # an unhandled failure is not an answer: free the key
            raise
        if response.status_code >= 500:
            record.delete()  # a server failure is not an answer: the client may retry
        else:
            record.status = IdempotencyKey.Status.DONE
            record.response_status = response.status_code
            record.response_body = response.data
            record.save(update_fields=["status", "response_status", "response_body"])
        return response

    return wrapper


def idempotency_keys_purge(*, older_than_hours: int = 24) -> int:
    """Forget Idempotency-Key rows older than their 24-hour promise."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
