"""Bounded row locks: a contended write waits a few seconds at most, then says "try again".

Every write that moves points, stock or seats locks its rows in one fixed order
(the member's points account, then the gift or seat row) inside
`bounded_locks()`. On PostgreSQL it sends `SET LOCAL lock_timeout`, so a lock
that cannot be had in time raises `LockTimeout` (HTTP 503 with Retry-After)
instead of hanging a worker or surfacing as a 500.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection
from django.utils.translation import gettext_lazy as _

from club.core.errors import DomainError

_LOCK_NOT_AVAILABLE = "55P03"


class LockTimeout(DomainError):
    """A contended row could not be locked within the bounded wait."""

    code = "busy"
    message = _("Beaucoup de monde en ce moment : réessayez dans quelques secondes.")
    status = 503
    retry_after = 2


def lock_timeout_sql() -> str:
    """The statement that bounds lock waits for the rest of the transaction."""
    return f"SET LOCAL lock_timeout = '{int(settings.POINTS_LOCK_TIMEOUT_MS)}ms'"


@contextmanager
def bounded_locks(*, set_timeout: bool = True) -> Iterator[None]:
    """Bound every lock wait of the current transaction; a timeout is LockTimeout.

    `set_timeout=False` is for callers that send the SET LOCAL themselves, in the
    same round trip as their first statement.
    """
    if set_timeout and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(lock_timeout_sql())
    try:
        yield
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) == _LOCK_NOT_AVAILABLE:
            raise LockTimeout() from error
        raise
