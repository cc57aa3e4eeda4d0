from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClubConfig(AppConfig):
    name = "club"
    verbose_name = _("Membres du club")

    def ready(self):
        from django.db.models.signals import post_migrate

        from club.permissions import groups_sync_after_migrate

        post_migrate.connect(groups_sync_after_migrate, dispatch_uid="club_groups_sync")
