"""The personal-data providers of every app, gathered (composition).

Each app declares the rows it holds about a member in its own
`personal_data.py` (`PROVIDERS = [PersonalData(...)]`, see
`club.core.personal_data`); this module finds them all, so that an export (and,
with the privacy issue, an erasure) covers every app without any app knowing
the others. `tests/test_providers.py` fails when a model that references a
member is declared by no app.
"""

from functools import cache

from django.apps import apps
from django.db.models import Model

from club.core.discovery import app_modules
from club.core.personal_data import Kind, PersonalData
from club.members.models import Member

MODULE = "personal_data"


@cache
def personal_data_providers() -> tuple[PersonalData, ...]:
    """Every app's declarations, in INSTALLED_APPS order."""
    return tuple(provider for module in app_modules(MODULE) for provider in getattr(module, "PROVIDERS", ()))


def _model(provider: PersonalData) -> type[Model]:
    return apps.get_model(provider.model)


def personal_data_export(*, member: Member) -> dict[str, list[dict]]:
    """What the club holds about `member`, one list of rows per declared model (one query each).

    TECHNICAL rows (secrets, plumbing) are left out, as are rows where the
    member only appears as the staff member who acted.
    """
    export: dict[str, list[dict]] = {}
    for provider in personal_data_providers():
        if provider.kind == Kind.TECHNICAL or not provider.export_fields:
            continue
        rows = (
            _model(provider)._default_manager.filter(**{provider.owner_field: member}).values(*provider.export_fields)
        )
        export[provider.model] = list(rows)
    return export
