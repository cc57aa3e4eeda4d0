"""The XLSX export's background task, and `export_request`, which records an export and queues it.

The task's name is stable (`surveys.export_xlsx`): queued messages name it.
`export_request` lives beside the task it queues, so that `surveys.exports`,
which the task runs, never imports this module back. Without a broker (the
quick start) Celery runs the task eagerly, right after the request commits, so
the file is ready when the page comes back.
"""

from celery import shared_task
from django.db import transaction

from club.core.queue import enqueue
from club.members.models import Member
from surveys.exports import export_responses_expected, export_xlsx_build
from surveys.models import Export, Survey


@shared_task(name="surveys.export_xlsx", acks_late=True)
def export_xlsx_task(export_id: int, language: str = "fr") -> str:
    """Build the file of one export; its row says how far it got, and whether it failed."""
    export = export_xlsx_build(export_id=export_id, language=language)
    return export.status if export else "skipped"


def export_request(*, survey: Survey, requested_by: Member, language: str) -> Export:
    """Record an XLSX export of every response and queue its task once the caller's transaction commits.

    `language` is the requester's: the header row is written in it. A broker
    that cannot be reached leaves the export queued (the page says so and
    offers to ask again); nothing fails.
    """
    with transaction.atomic():
        export = Export.objects.create(
            survey=survey, requested_by=requested_by, total=export_responses_expected(survey=survey)
        )
        export_id = export.pk
        transaction.on_commit(lambda: enqueue(export_xlsx_task, export_id, language))
    return export
