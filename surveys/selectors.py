"""What surveys show: the surveys open to a member, their structure, a member's draft, names for the ledger.

Selectors are read-only and keyword-only; pages, API and admin use the same ones.
"""

from surveys.models import Participation


def participation_names(pks: list[str]) -> dict[str, str]:
    """Reference resolver: `surveys.participation:<pk>` → the survey's title in the reader's language."""
    ids = [int(pk) for pk in pks if pk.isdigit()]
    rows = Participation.objects.filter(pk__in=ids).select_related("survey")
    return {str(participation.pk): str(participation.survey.title) for participation in rows}
