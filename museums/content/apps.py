from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from club.core.staff import ALL_PERMISSIONS


class ContentConfig(AppConfig):
    """Exclusive content (a feature): pieces and series staff write, members read, watch and discuss."""

    name = "museums.content"
    label = "content"
    verbose_name = _("Contenus exclusifs")
    museum_team_permissions = ALL_PERMISSIONS

    def ready(self):
        from club.core.navigation import EVERYONE, NavEntry, nav_register
        from club.moderation.registry import moderated_register
        from museums.content.models import Comment
        from museums.content.notify import content_audiences_register
        from museums.content.selectors import content_reference_names
        from rewards.ledger.models import Reason
        from rewards.ledger.registries import earning_way_register, reference_resolver_register

        # Between "Participer" (25) and "Boutique" (30).
        nav_register(
            NavEntry("content", _("Contenus"), "content:list", audience=EVERYONE, order=27, matches=("content",))
        )
        earning_way_register(
            Reason.CONTENT_VIEWED,
            url_name="content:list",
            how=_("Découvrez les contenus exclusifs : une fois par contenu (une vidéo du site, vue jusqu'au bout)."),
        )
        reference_resolver_register("content.content", content_reference_names)
        content_audiences_register()
        moderated_register(Comment, label=_("Commentaire sur un contenu"))
