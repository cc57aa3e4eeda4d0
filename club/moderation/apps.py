from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    """Reports and staff decisions on what members write (a leaf: features plug their models in)."""

    name = "club.moderation"
    label = "moderation"
    verbose_name = _("Modération")
    # The museum team moderates and reads both journals; nobody edits them (read-only in the admin).
    museum_team_permissions = ("moderate", "view_report", "view_moderationaction")
