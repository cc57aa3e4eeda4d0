from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from club.core.staff import ALL_PERMISSIONS


class SurveysConfig(AppConfig):
    """Surveys and polls (a feature): staff build them, members answer, staff read the results."""

    name = "surveys"
    verbose_name = _("Enquêtes, quiz et votes")
    museum_team_permissions = ALL_PERMISSIONS

    def ready(self):
        from rewards.ledger.registries import reference_resolver_register
        from surveys.selectors import participation_names

        reference_resolver_register("surveys.participation", participation_names)

        from surveys.notify import survey_audiences_register

        survey_audiences_register()
        # Registrations of the pages, notifications and results follow.
