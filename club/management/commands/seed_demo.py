"""Idempotent demo data: the network's museums, a staff account and a demo member.

Running it twice leaves the same data. The demo passwords are printed so the
quick start can log in at once; the command refuses to run with DEBUG off
unless --force is given, so production never gets known passwords.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from club import services
from club.models import Consent, Member
from club.permissions import CLUB_ADMINISTRATION, MUSEUM_TEAM, groups_sync
from museums.demo import museum_rows
from museums.services import museum_upsert

STAFF_EMAIL = "equipe@club-demo.fr"
STAFF_PASSWORD = "equipe-demo-2026"
MEMBER_EMAIL = "membre@club-demo.fr"
MEMBER_PASSWORD = "membre-demo-2026"


def _verified_member(*, email: str, password: str, **fields) -> Member:
    member = Member.objects.filter(email=email).first()
    if member is None:
        member = Member.objects.create_user(email, password, **fields)
        services.member_signup_complete(
            member=member,
            display_name=fields.get("display_name", ""),
            language="fr",
            rules_version=settings.CLUB_RULES_VERSION,
            consents={Consent.NEWS: True, Consent.SURVEYS: True},
        )
    EmailAddress.objects.update_or_create(user=member, email=email, defaults={"verified": True, "primary": True})
    return member


class Command(BaseCommand):
    help = "Load idempotent demo data (museums, a staff account, a demo member)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with known passwords; use --force to run it with DEBUG off.")
        museums = [museum_upsert(**row) for row in museum_rows()]
        groups_sync()

        staff = _verified_member(email=STAFF_EMAIL, password=STAFF_PASSWORD, display_name="Équipe du musée")
        Member.objects.filter(pk=staff.pk).update(is_staff=True)
        staff.groups.add(Group.objects.get(name=MUSEUM_TEAM), Group.objects.get(name=CLUB_ADMINISTRATION))
        staff.museums.add(museums[0])

        member = _verified_member(email=MEMBER_EMAIL, password=MEMBER_PASSWORD, display_name="Camille")
        if member.favourite_museum_id is None:
            Member.objects.filter(pk=member.pk).update(favourite_museum=museums[0])

        self.stdout.write(self.style.SUCCESS(f"{len(museums)} museums ready."))
        self.stdout.write(f"Staff account : {STAFF_EMAIL} / {STAFF_PASSWORD}  (admin: /admin/)")
        self.stdout.write(f"Demo member   : {MEMBER_EMAIL} / {MEMBER_PASSWORD}  (number {member.membership_number})")
