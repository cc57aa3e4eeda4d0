"""Inboxes of the benchmark data set: each member's welcome, and `--news N` announcements sent to everyone.

The announcements are written as sent (status done); each member gets one
inbox item per announcement, the older half read, plus the welcome item.
"""

import argparse
from datetime import timedelta

from django.urls import reverse
from django.utils import translation

from club.core.scale import SCALE_EMAIL_DOMAIN, ScalePart, ScaleRun
from club.notifications.messages import source_of
from club.notifications.models import Announcement, NotificationKind
from club.notifications.welcome import WELCOME_TITLE, welcome_body


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--news", type=int, default=5, help="announcements in every inbox (default 5)")


def _build(run: ScaleRun) -> None:
    domain = f"%@{SCALE_EMAIL_DOMAIN}"
    with translation.override("fr"):
        title, body = str(WELCOME_TITLE), str(welcome_body())
    title_source, body_source = source_of(WELCOME_TITLE), source_of(welcome_body())
    run.cursor.execute(
        """
        INSERT INTO notifications_notification
            (member_id, kind, title, body, title_source, body_source, params, url, created_at, read_at,
             email_status, email_attempts, email_error, email_claim)
        SELECT id, %(kind)s, %(title)s, %(body)s, %(title_source)s, %(body_source)s, '{}', %(url)s, date_joined,
               date_joined + interval '1 hour', 'sent', 1, '', ''
        FROM members_member WHERE email LIKE %(domain)s
        """,
        {
            "kind": NotificationKind.ACCOUNT,
            "title": title,
            "body": body,
            "title_source": title_source,
            "body_source": body_source,
            "url": reverse("ledger:earn"),
            "domain": domain,
        },  # fmt: skip
    )
    members = run.cursor.rowcount
    news = run.options["news"]
    for number in range(1, news + 1):
        sent = run.now - timedelta(days=7 * (news - number + 1))
        announcement = Announcement.objects.create(
            title=f"Nouvelles du club n° {number}",
            body="Les rendez-vous du mois dans les musées du réseau.",
            status=Announcement.Status.DONE,
            created_at=sent,
            started_at=sent,
            recipients=members,
        )
        run.cursor.execute(
            """
            INSERT INTO notifications_notification
                (member_id, kind, title, body, title_source, body_source, params, url, created_at, read_at,
                 email_status, email_attempts, email_error, email_claim, announcement_id)
            SELECT id, %(kind)s, %(title)s, %(body)s, '', '', '{}', '', %(sent)s,
                   CASE WHEN %(read)s THEN %(sent)s::timestamptz + interval '1 day' END, 'none', 0, '', '', %(pk)s
            FROM members_member WHERE email LIKE %(domain)s AND date_joined < %(sent)s
            """,
            {"kind": NotificationKind.NEWS, "title": announcement.title, "body": announcement.body, "sent": sent,
             "read": number <= news // 2, "pk": announcement.pk, "domain": domain},
        )  # fmt: skip
    run.summary.append(f"{members:,} welcome notifications, {news} announcements in the inboxes")


PARTS = [ScalePart(name="notifications", order=30, build=_build, add_arguments=_arguments)]
