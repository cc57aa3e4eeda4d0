from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClubConfig(AppConfig):
    """The composition layer: "Mon club", the staff pages that gather apps, seed_demo, privacy.

    It owns no tables; it is an app so that its management commands and
    templates are found.
    """

    name = "club"
    verbose_name = _("Club des visiteurs")
    museum_team_permissions: tuple[str, ...] = ()

    def ready(self):
        from club.core.navigation import MEMBERS, STAFF, NavEntry, nav_register

        nav_register(
            NavEntry("dashboard", _("Mon club"), "club:dashboard", audience=MEMBERS, order=20, matches=("club",))
        )
        nav_register(NavEntry("staff", _("Espace équipe"), "staff:hub", audience=STAFF, order=60, matches=("staff",)))
