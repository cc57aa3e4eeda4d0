from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from club.core.staff import ALL_PERMISSIONS


class MuseumsConfig(AppConfig):
    """The network's museums: reference data every app may point to."""

    name = "museums"
    verbose_name = _("Musées du réseau")
    museum_team_permissions = ALL_PERMISSIONS
    # Removing a museum takes its history's context with it: the club administration decides.
    museum_team_admin_only = ("delete_museum",)

    def ready(self):
        from club.core.navigation import NavEntry, nav_register

        nav_register(NavEntry("museums", _("Les musées"), "museums:list", order=10, matches=("museums",)))
