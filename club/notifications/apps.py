from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Notifications (a leaf): inbox, emails through Celery, preferences, announcements."""

    name = "club.notifications"
    label = "notifications"
    verbose_name = _("Notifications et annonces")
    # Announcements to the whole club are sent by the club administration.
    museum_team_permissions: tuple[str, ...] = ()

    def ready(self):
        from club.core.navigation import MEMBERS, NavEntry, nav_register
        from club.members.hooks import MemberEvent, member_hook_register
        from club.notifications.selectors import unread_count_for_request
        from club.notifications.welcome import welcome_notification

        member_hook_register(event=MemberEvent.EMAIL_VERIFIED, hook=welcome_notification)
        nav_register(
            NavEntry(
                "notifications",
                _("Notifications"),
                "notifications:inbox",
                audience=MEMBERS,
                order=40,
                matches=("notifications",),
                count=unread_count_for_request,
            )
        )
