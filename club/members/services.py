"""Every write about members: accounts, sign-up, profile, consents, language, API token.

Views, the API, the admin, the allauth adapter and `seed_demo` call these
functions; none of them saves a member row itself. What other apps do in
response (welcome points, profile points) runs through `club.members.hooks`.
"""

from typing import Any

from allauth.account.internal.flows.email_verification import send_verification_email_to_address
from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from club.members.errors import MemberHasHistory
from club.members.hooks import MemberEvent, member_hooks_run
from club.members.models import CONSENT_FIELDS, Consent, ConsentRecord, Member
from museums.models import Museum

# What staff may change on a member in the admin; the rest moves through the
# member's own pages (consents) or never changes (number, dates).
PROFILE_FIELDS = ("display_name", "preferred_language", "favourite_museum")
ACCESS_FIELDS = ("email", "is_active", "is_staff", "is_superuser")


def member_create(*, email: str, password: str | None, **fields: Any) -> Member:
    """A new account (email is the login); the password is hashed, never stored."""
    return Member.objects.create_user(email, password, **fields)


def member_delete(*, member: Member) -> None:
    """Delete an account that has no history (a sign-up never verified, say).

    Points, vouchers and consent records reference the member with PROTECT:
    a member who has any is refused with `MemberHasHistory`, and nothing is
    deleted. (Erasure on request pseudonymises the member instead.)
    """
    try:
        with transaction.atomic():
            member.delete()
    except ProtectedError as error:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        raise MemberHasHistory(details={"history": kinds}) from error


def member_add(*, member: Member) -> Member:
    """Save a new account built by a form (the admin's), its password already hashed."""
    member.email = Member.objects.normalize_email(member.email).lower()
    member.save()
    return member


def member_email_mark_verified(*, member: Member) -> None:
    """Record the member's address as verified (as the link in the email does), then react.

    Used where the address is known good without a link: demo data, staff
    creating an account for a visitor at the desk.
    """
    with transaction.atomic():
        EmailAddress.objects.update_or_create(
            user=member, email=member.email, defaults={"verified": True, "primary": True}
        )
        member_email_verified(member=member)


def member_verification_resend(*, request: HttpRequest, email: str) -> bool:
    """Send the verification link again to an address that awaits it; True when an email left.

    allauth's rate limit applies (one link per address every few minutes) and an
    unknown or already verified address sends nothing: the page answers the
    same either way, so it reveals no account.
    """
    address = EmailAddress.objects.filter(email__iexact=email.strip(), verified=False).select_related("user").first()
    if address is None:
        return False
    return send_verification_email_to_address(request, address)


def consent_set(*, member: Member, kind: str, granted: bool, source: str) -> bool:
    """Grant or withdraw one consent; returns True when the answer changed.

    The journal row and the member's current answer are written together. An
    unchanged answer writes nothing, so re-submitting a form adds no noise.
    """
    consent = Consent(kind)
    field = CONSENT_FIELDS[consent]
    with transaction.atomic():
        locked = Member.objects.select_for_update().only("pk", field).get(pk=member.pk)
        if getattr(locked, field) == granted:
            setattr(member, field, granted)
            return False
        Member.objects.filter(pk=member.pk).update(**{field: granted})
        ConsentRecord.objects.create(
            member=member,
            kind=consent,
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
    """The member proved their address: the welcome points are paid (once, by the ledger's hook)."""
    with transaction.atomic():
        if member.email_verified_at is None:
            member.email_verified_at = timezone.now()
            Member.objects.filter(pk=member.pk, email_verified_at__isnull=True).update(
                email_verified_at=member.email_verified_at
            )
        member_hooks_run(event=MemberEvent.EMAIL_VERIFIED, member=member)


def member_api_token(*, member: Member) -> str:
    """The member's API token, created on first request (one per member)."""
    token, _created = Token.objects.get_or_create(user=member)
    return token.key


def _profile_is_complete(member: Member) -> bool:
    return bool(member.display_name and member.favourite_museum_id and member.preferred_language)


def member_update(*, member: Member, fields: dict[str, Any]) -> Member:
    """Change a member's profile and access fields (staff in the admin, the profile page).

    A profile that becomes complete pays its points, whoever completed it.
    """
    unknown = set(fields) - set(PROFILE_FIELDS) - set(ACCESS_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(member, name, value.strip() if name == "display_name" else value)
        if "email" in fields:
            member.email = member.email.lower()
        if fields:
            member.save(update_fields=list(fields))
        if _profile_is_complete(member):
            member_hooks_run(event=MemberEvent.PROFILE_COMPLETED, member=member)
    return member


def profile_update(
    *,
    member: Member,
    display_name: str,
    preferred_language: str,
    favourite_museum: Museum | None,
    consents: dict[str, bool],
    source: str = ConsentRecord.Source.PROFILE,
) -> Member:
    """The member's own profile form (or the API): profile fields and both consents."""
    with transaction.atomic():
        for kind, granted in consents.items():
            consent_set(member=member, kind=kind, granted=granted, source=source)
        member_update(
            member=member,
            fields={
                "display_name": display_name,
                "preferred_language": preferred_language,
                "favourite_museum": favourite_museum,
            },
        )
    return member


def member_language_set(*, member: Member, language: str) -> None:
    if language not in dict(Member.Language.choices) or member.preferred_language == language:
        return
    Member.objects.filter(pk=member.pk).update(preferred_language=language)
    member.preferred_language = language
