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
