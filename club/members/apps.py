from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    """Members, their consents and accounts; access decorators and staff permissions."""

    name = "club.members"
    label = "members"
    verbose_name = _("Membres du club")
    # The desk looks members up; changing a member is for the club administration.
    museum_team_permissions = ("view_member",)

    def ready(self):
        from django.db.models.signals import post_migrate

        from club.core.navigation import MEMBERS, NavEntry, nav_register
        from club.members.permissions import staff_permissions_after_migrate

        post_migrate.connect(staff_permissions_after_migrate, dispatch_uid="members_staff_permissions")
        nav_register(
            NavEntry(
                "profile", _("Mon profil"), "members:profile", audience=MEMBERS, order=50, matches=("members:profile",)
            )
        )
