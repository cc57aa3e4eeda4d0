"""Members of the benchmark data set (`manage.py seed_scale --members N`): COPY from generated rows."""

import argparse
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password

from club.core.codes import ALPHABET, _check_character, code_format
from club.core.scale import SCALE_EMAIL_DOMAIN, ScalePart, ScaleRun
from museums.models import Museum

SCALE_PASSWORD = "scale-member-2026"  # noqa: S105 - every scale member's (a benchmark data set), hashed once
_SPREAD = 2654435761  # Knuth's multiplier: consecutive members get far-apart numbers


def scale_email(index: int) -> str:
    return f"membre{index}@{SCALE_EMAIL_DOMAIN}"


def scale_membership_number(index: int) -> str:
    """A valid, reproducible membership number for the index-th scale member."""
    value = (index * _SPREAD) % (len(ALPHABET) ** 11)
    payload = ""
    for _ in range(11):
        value, digit = divmod(value, len(ALPHABET))
        payload = ALPHABET[digit] + payload
    return code_format(payload + _check_character(payload))


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--members", type=int, default=1000, help="members to create (default 1,000)")


def _build(run: ScaleRun) -> None:
    count = run.options["members"]
    password = make_password(SCALE_PASSWORD)
    museums = list(Museum.objects.order_by("pk").values_list("pk", flat=True)) or [None]
    columns = [
        "password", "is_superuser", "email", "display_name", "membership_number", "preferred_language",
        "favourite_museum_id", "consent_news", "consent_surveys", "age_confirmed_at", "rules_version",
        "rules_accepted_at", "is_staff", "is_active", "email_verified_at", "date_joined",
    ]  # fmt: skip

    def rows():
        for index in range(1, count + 1):
            joined = (run.now - timedelta(days=730 * index / count, minutes=index % 1440)).isoformat()
            yield [
                password, False, scale_email(index), f"Membre {index}", scale_membership_number(index),
                "en" if index % 10 == 0 else "fr", museums[index % len(museums)], index % 3 == 0,
                index % 2 == 0, joined, settings.CLUB_RULES_VERSION, joined, False, True, joined, joined,
            ]  # fmt: skip

    run.copy_rows("members_member", columns, rows())
    run.cursor.execute(
        'INSERT INTO account_emailaddress (user_id, email, verified, "primary") '
        "SELECT id, email, true, true FROM members_member WHERE email LIKE %s",
        [f"%@{SCALE_EMAIL_DOMAIN}"],
    )
    run.summary.append(f"{count:,} members (password {SCALE_PASSWORD!r})")


PARTS = [ScalePart(name="members", order=10, build=_build, add_arguments=_arguments)]
