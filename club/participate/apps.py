from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipateConfig(AppConfig):
    """Composition: the "Participer" hub, where features offer what members take part in.

    It owns no tables; it is an app so that it registers its menu entry.
    """

    name = "club.participate"
    label = "participate"
    verbose_name = _("Participer")
    museum_team_permissions: tuple[str, ...] = ()

    def ready(self):
        from club.core.navigation import EVERYONE, NavEntry, nav_register

        # Between "Mon club" (20) and "Boutique" (30); marked on the hub and on every survey page.
        nav_register(
            NavEntry(
                "participate",
                _("Participer"),
                "participate:hub",
                audience=EVERYONE,
                order=25,
                matches=("participate", "surveys", "events"),
            )
        )
