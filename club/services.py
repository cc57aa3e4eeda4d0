"""Every write about members: sign-up completion, profile, consents, language.

Views, the API, the admin and the allauth adapter call these functions; none
of them saves a member row itself.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from club.models import CONSENT_FIELDS, Consent, ConsentRecord, Member
from rewards.models import Reason
from rewards.services import points_award


def consent_set(*, member: Member, kind: str, granted: bool, source: str) -> bool:
    """Grant or withdraw one consent; returns True when the answer changed.

    The journal row and the member's current answer are written together. An
    unchanged answer writes nothing, so re-submitting a form adds no noise.
    """
    kind = Consent(kind)
    field = CONSENT_FIELDS[kind]
    with transaction.atomic():
        locked = Member.objects.select_for_update().only("pk", field).get(pk=member.pk)
        if getattr(locked, field) == granted:
            setattr(member, field, granted)
            return False
        Member.objects.filter(pk=member.pk).update(**{field: granted})
        ConsentRecord.objects.create(
            member=member,
            kind=kind,
            granted=granted,
            wording_version=settings.CONSENT_WORDING_VERSION,
            source=source,
        )
    setattr(member, field, granted)
    return True


def member_signup_complete(
    *,
    member: Member,
    display_name: str,
    language: str,
    rules_version: str,
    consents: dict[str, bool],
) -> Member:
    """Record what the visitor declared on the sign-up form.

    The age (15 or older) and the club rules are required by the form; the date
    of each and the version of the rules are kept as proof.
    """
    now = timezone.now()
    with transaction.atomic():
        member.display_name = display_name.strip()
        member.preferred_language = language if language in dict(Member.Language.choices) else "fr"
        member.age_confirmed_at = now
        member.rules_version = rules_version
        member.rules_accepted_at = now
        member.save(
            update_fields=[
                "display_name",
                "preferred_language",
                "age_confirmed_at",
                "rules_version",
                "rules_accepted_at",
            ]
        )
        for kind, granted in consents.items():
            if granted:
                consent_set(member=member, kind=kind, granted=True, source=ConsentRecord.Source.SIGNUP)
    return member


def member_email_verified(*, member: Member) -> None:
    """Pay the welcome points: only after verification, once per member."""
    points_award(member=member, action=Reason.SIGNUP, reference=f"club.member:{member.pk}")


def member_password_changed(*, member: Member) -> None:
    """A new password invalidates the member's API token (a new one is issued on request)."""
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user_id=member.pk).delete()


def _profile_is_complete(member: Member) -> bool:
    return bool(member.display_name and member.favourite_museum_id and member.preferred_language)


def profile_update(
    *,
    member: Member,
    display_name: str,
    preferred_language: str,
    favourite_museum,
    consents: dict[str, bool],
    source: str = ConsentRecord.Source.PROFILE,
) -> Member:
    with transaction.atomic():
        member.display_name = display_name.strip()
        member.preferred_language = preferred_language
        member.favourite_museum = favourite_museum
        member.save(update_fields=["display_name", "preferred_language", "favourite_museum"])
        for kind, granted in consents.items():
            consent_set(member=member, kind=kind, granted=granted, source=source)
        if _profile_is_complete(member):
            points_award(member=member, action=Reason.PROFILE_COMPLETED, reference=f"club.member:{member.pk}")
    return member


def member_language_set(*, member: Member, language: str) -> None:
    if language not in dict(Member.Language.choices) or member.preferred_language == language:
        return
    Member.objects.filter(pk=member.pk).update(preferred_language=language)
    member.preferred_language = language


def idempotency_keys_purge(*, older_than_hours: int = 24) -> int:
    """Forget Idempotency-Key rows older than their 24-hour promise."""
    from datetime import timedelta

    from club.models import IdempotencyKey

    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
