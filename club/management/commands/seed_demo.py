"""Idempotent demo data: the museums, the shop, surveys and polls, a museum-team account, a club
administrator and a demo member.

Running it twice leaves the same data. The demo passwords are printed so the
quick start can log in at once; the command refuses to run with DEBUG off
unless --force is given, so production never gets known passwords.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from club.members import services
from club.members.models import Consent, Member
from club.members.permissions import CLUB_ADMINISTRATION, MUSEUM_TEAM, staff_grant, staff_permissions_sync_all
from museums.content.demo import demo_content_seed
from museums.demo import museum_rows
from museums.events.demo import demo_events_seed
from museums.services import museum_upsert
from rewards.ledger.models import Reason
from rewards.ledger.services import earning_rules_ensure_defaults, points_award
from rewards.shop.demo import GIFTS, gift_picture
from rewards.shop.services import gift_upsert
from surveys.demo import demo_surveys_seed

DEMO_EMAIL_DOMAIN = "club-demo.fr"
STAFF_EMAIL = f"equipe@{DEMO_EMAIL_DOMAIN}"
STAFF_PASSWORD = "equipe-demo-2026"
ADMIN_EMAIL = f"admin@{DEMO_EMAIL_DOMAIN}"
ADMIN_PASSWORD = "admin-demo-2026"
MEMBER_EMAIL = f"membre@{DEMO_EMAIL_DOMAIN}"
MEMBER_PASSWORD = "membre-demo-2026"


def _verified_member(*, email: str, password: str, **fields) -> Member:
    member = Member.objects.filter(email=email).first()
    if member is None:
        member = services.member_create(email=email, password=password, **fields)
        services.member_signup_complete(
            member=member,
            display_name=fields.get("display_name", ""),
            language="fr",
            rules_version=settings.CLUB_RULES_VERSION,
            consents={Consent.NEWS: True, Consent.SURVEYS: True},
        )
    services.member_email_mark_verified(member=member)
    return member


DEMO_HISTORY = [
    (Reason.SURVEY_ANSWERED, "demo.survey:cartels", "Vos cartels sont-ils clairs ?"),
    (Reason.QUIZ_PASSED, "demo.quiz:impressionnisme", "L'impressionnisme à Rouen"),
    (Reason.MUSEUM_CHECKIN, "demo.checkin:beaux-arts", "Musée des Beaux-Arts"),
    (Reason.VOTE_CAST, "demo.vote:chambre-2026", "Chambre des visiteurs 2026"),
]


def _seed_shop(museum) -> list:
    gifts = []
    for position, row in enumerate(GIFTS, start=1):
        fields = {key: value for key, value in row.items() if key != "colour"}
        gifts.append(
            gift_upsert(**fields, museum=museum, position=position, picture=gift_picture(row["slug"], row["colour"]))
        )
    return gifts


class Command(BaseCommand):
    help = "Load idempotent demo data (museums, shop, a museum-team account, a club administrator, a demo member)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with known passwords; use --force to run it with DEBUG off.")
        museums = [museum_upsert(**row) for row in museum_rows()]
        staff_permissions_sync_all()
        earning_rules_ensure_defaults()
        gifts = _seed_shop(museums[0])

        staff = _verified_member(email=STAFF_EMAIL, password=STAFF_PASSWORD, display_name="Équipe du musée")
        staff_grant(member=staff, groups=[MUSEUM_TEAM], museums=[museums[0]])
        administrator = _verified_member(email=ADMIN_EMAIL, password=ADMIN_PASSWORD, display_name="Administration")
        staff_grant(member=administrator, groups=[MUSEUM_TEAM, CLUB_ADMINISTRATION])

        member = _verified_member(email=MEMBER_EMAIL, password=MEMBER_PASSWORD, display_name="Camille")
        if member.favourite_museum_id is None:
            services.profile_update(
                member=member,
                display_name=member.display_name,
                preferred_language=member.preferred_language,
                favourite_museum=museums[0],
                consents={Consent.NEWS: True, Consent.SURVEYS: True},
            )
        for action, reference, subject in DEMO_HISTORY:
            points_award(member=member, action=action, reference=reference, subject=subject)
        surveys = demo_surveys_seed(museums=museums)
        readers = list(
            Member.objects.filter(email__startswith="repondant-", email__endswith=f"@{DEMO_EMAIL_DOMAIN}")[:40]
        )
        staff_member = Member.objects.filter(email=STAFF_EMAIL).first()
        contents = demo_content_seed(museums=museums, readers=readers, staff=staff_member)
        activities = demo_events_seed(museums=museums, readers=readers, member=member, staff=staff_member)

        self.stdout.write(
            self.style.SUCCESS(
                f"{len(museums)} museums, {len(gifts)} gifts, {len(surveys)} surveys and polls and "
                f"{len(contents)} contents and {len(activities)} activities and events ready."
            )
        )
        self.stdout.write(f"Museum team   : {STAFF_EMAIL} / {STAFF_PASSWORD}  (Espace équipe: /equipe/)")
        self.stdout.write(f"Club admin    : {ADMIN_EMAIL} / {ADMIN_PASSWORD}  (admin: /admin/)")
        self.stdout.write(f"Demo member   : {MEMBER_EMAIL} / {MEMBER_PASSWORD}  (number {member.membership_number})")
