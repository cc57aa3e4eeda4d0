from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    """Reports and staff decisions on what members write (a leaf: features plug their models in)."""

    name = "club.moderation"
    label = "moderation"
    verbose_name = _("Modération")
