from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from club.core.staff import ALL_PERMISSIONS


class SurveysConfig(AppConfig):
    """Surveys and polls (a feature): staff build them, members answer, staff read the results."""

    name = "surveys"
    verbose_name = _("Enquêtes, quiz et votes")
    museum_team_permissions = ALL_PERMISSIONS

    def ready(self):
        from rewards.ledger.models import Reason
        from rewards.ledger.registries import earning_way_register, reference_resolver_register
        from surveys.notify import survey_audiences_register
        from surveys.selectors import participation_names

        reference_resolver_register("surveys.participation", participation_names)
        from club.core.flush_triggers import flush_triggers_register

        # The triggers refusing to delete answered rows refuse SQLite's flush too: lifted for its length.
        flush_triggers_register("surveys", uninstall=_answered_triggers("SQLITE_UNINSTALL"),
                                install=_answered_triggers("SQLITE_INSTALL"))  # fmt: skip
        survey_audiences_register()
        # Any change to a survey's structure, by any path, makes the cached answer rules stale.
        from django.db.models.signals import post_delete, post_save

        from surveys.models import Choice, MatrixRow, Question, Survey, SurveyPage

        for model in (Survey, SurveyPage, Question, Choice, MatrixRow):
            name = model.__name__
            post_save.connect(_structure_changed, sender=model, dispatch_uid=f"surveys_rules_{name}_saved")
            post_delete.connect(_structure_changed, sender=model, dispatch_uid=f"surveys_rules_{name}_deleted")
        earning_way_register(
            Reason.SURVEY_ANSWERED,
            url_name="participate:hub",
            how=_("Répondez aux enquêtes du club : une fois par enquête, dans « Participer »."),
        )
        earning_way_register(
            Reason.POLL_ANSWERED,
            url_name="participate:hub",
            how=_("Votez aux sondages rapides, sur « Mon club » ou dans « Participer »."),
        )


def _answered_triggers(statements: str):
    """Run the SQLite statements of the migration that installed the answers' triggers."""

    def run(connection) -> None:
        from importlib import import_module

        migration = import_module("surveys.migrations.0007_answers_kept_by_triggers")
        with connection.cursor() as cursor:
            for sql in getattr(migration, statements):
                cursor.execute(sql)

    return run


def _structure_changed(sender, instance, **kwargs):
    """A survey's structure changed: its version replaced, so every process reads its rules again."""
    from django.db.models import F

    from surveys.answers import structures_changed
    from surveys.models import Survey, SurveyPage

    if sender is SurveyPage:
        surveys = Survey.objects.filter(pk=instance.survey_id)
    elif sender.__name__ == "Question":
        surveys = Survey.objects.filter(pages=instance.page_id)
    elif sender is not Survey:  # a choice or a matrix row
        surveys = Survey.objects.filter(pages__questions=instance.question_id)
    else:
        surveys = Survey.objects.none()
    surveys.update(structure_version=F("structure_version") + 1)
    structures_changed()
