from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Notifications (a leaf): inbox, emails through Celery, preferences, announcements."""

    name = "club.notifications"
    label = "notifications"
    verbose_name = _("Notifications et annonces")
    # Announcements to the whole club are sent by the club administration.
    museum_team_permissions: tuple[str, ...] = ()
