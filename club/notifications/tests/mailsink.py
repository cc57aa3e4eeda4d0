"""A cross-process email backend for tests with a real Celery worker: delivery rows.

Each message becomes a row of `club_test_mail_sink`, written on the sender's
database connection, so it commits or rolls back with the "sent" mark.
"""

from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

TABLE = "club_test_mail_sink"


def create_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} "
            "(id serial PRIMARY KEY, recipient text NOT NULL, subject text NOT NULL)"
        )
        cursor.execute(f"TRUNCATE {TABLE}")


def drop_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def counts() -> tuple[int, int]:
    """(messages, distinct recipients) delivered so far."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), COUNT(DISTINCT recipient) FROM {TABLE}")
        return cursor.fetchone()


class DatabaseSinkBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        with connection.cursor() as cursor:
            for message in email_messages:
                cursor.execute(
                    f"INSERT INTO {TABLE} (recipient, subject) VALUES (%s, %s)",  # noqa: S608 - fixed table name
                    [message.to[0], message.subject],
                )
        return len(email_messages)
