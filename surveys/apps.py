from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from club.core.staff import ALL_PERMISSIONS


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Enquêtes, quiz et votes")
    museum_team_permissions = ALL_PERMISSIONS
