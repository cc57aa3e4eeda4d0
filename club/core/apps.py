from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom layer: errors, typed codes, QR, API helpers, idempotency, health, locks."""

    name = "club.core"
    label = "core"
    verbose_name = _("Technique")
    # Idempotency keys are plumbing: the museum team needs nothing here.
    museum_team_permissions: tuple[str, ...] = ()
