"""What the staff's moderation queue reads: every registered kind at once, in a constant number of queries.

`moderation_queue` is one lazy query over every registered model (a UNION of
their rows' keys, sorted as the tab asks), so a paginator counts and slices it
in the database; `moderation_items_load` then fetches the page's items (one
query per kind on the page) and their reports (one query), whatever the
number of items.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, Value
from django.utils import timezone

from club.moderation.models import Report
from club.moderation.registry import ModeratedKind, moderated_kinds

RECENT_DAYS = 7


class QueueTab(StrEnum):
    REPORTED = "signales"  # visible, reported at least once, most reported first
    RECENT = "recents"  # visible, written in the last seven days, newest first
    HIDDEN = "masques"  # hidden, most recently hidden first


ORDERINGS = {
    QueueTab.REPORTED: ("-reports_count", "-created_at", "-pk"),
    QueueTab.RECENT: ("-created_at", "-pk"),
    QueueTab.HIDDEN: ("-hidden_at", "-pk"),
}


@dataclass
class ReportReason:
    label: Any
    count: int


@dataclass
class QueueItem:
    """One item of the queue, with what staff need to decide."""

    key: str  # "content-comment-12": unique on the page (ids, anchors), see `queue_key`
    kind: ModeratedKind
    item: Any  # the model instance, its author and `related` already joined
    reasons: list[ReportReason] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def kind_name(self) -> str:
        return self.kind.model._meta.label_lower


def queue_key(label: str, pk: int) -> str:
    """An item's id on the queue page (letters, digits and dashes: a CSS and URL fragment as it is)."""
    return f"{label.replace('.', '-')}-{pk}"


def _label(kind: ModeratedKind) -> str:
    return kind.model._meta.label_lower


def _rows(kind: ModeratedKind, tab: QueueTab, now: datetime) -> models.QuerySet:
    manager = kind.model._default_manager
    if tab == QueueTab.REPORTED:
        rows = manager.filter(hidden_at__isnull=True, reports_count__gt=0)
    elif tab == QueueTab.RECENT:
        rows = manager.filter(hidden_at__isnull=True, created_at__gte=now - timedelta(days=RECENT_DAYS))
    else:
        rows = manager.filter(hidden_at__isnull=False)
    return (
        rows.order_by()
        .annotate(kind=Value(_label(kind), output_field=models.CharField()))
        .values_list("kind", "pk", "reports_count", "created_at", "hidden_at")
    )


def moderation_queue(*, tab: QueueTab, now: datetime | None = None) -> models.QuerySet | list:
    """The keys of a tab's items across every registered kind: rows of (kind, pk, reports, written, hidden)."""
    kinds = moderated_kinds()
    if not kinds:
        return []
    now = now or timezone.now()
    first, *others = [_rows(kind, tab, now) for kind in kinds]
    rows = first.union(*others, all=True) if others else first
    # A UNION sorts by its columns' names; a single query by the model's fields.
    ordering = [term.replace("pk", "id") if others else term for term in ORDERINGS[tab]]
    return rows.order_by(*ordering)


def moderation_items_load(
    rows: Iterable[Sequence], *, related: Mapping[str, Sequence[str]] | None = None
) -> list[QueueItem]:
    """The page's items in the rows' order, each with its author, `related[kind]` joined, and its reports."""
    related = related or {}
    by_label = {_label(kind): kind for kind in moderated_kinds()}
    rows = list(rows)
    wanted: dict[str, list[int]] = {}
    for label, pk, *_rest in rows:
        wanted.setdefault(label, []).append(pk)
    loaded: dict[str, dict[int, Any]] = {}
    for label, pks in wanted.items():
        manager = by_label[label].model._default_manager
        loaded[label] = manager.select_related("member", "hidden_by", *related.get(label, ())).in_bulk(pks)
    items = [
        QueueItem(key=queue_key(label, pk), kind=by_label[label], item=loaded[label][pk])
        for label, pk, *_rest in rows
        if pk in loaded.get(label, {})
    ]
    _reports_attach(items)
    return items


def _reports_attach(items: list[QueueItem]) -> None:
    if not items:
        return
    types = ContentType.objects.get_for_models(*{entry.kind.model for entry in items})
    wanted = Q()
    by_target: dict[tuple[int, int], QueueItem] = {}
    for entry in items:
        content_type = types[entry.kind.model]
        by_target[(content_type.pk, entry.item.pk)] = entry
    for content_type in set(types.values()):
        ids = [pk for (type_id, pk) in by_target if type_id == content_type.pk]
        wanted |= Q(content_type=content_type, object_id__in=ids)
    reasons: dict[tuple[int, int], Counter] = {}
    reports = (
        Report.objects.filter(wanted)
        .order_by("created_at", "pk")
        .values_list("content_type_id", "object_id", "reason", "note")
    )
    for type_id, object_id, reason, note in reports:
        target = (type_id, object_id)
        reasons.setdefault(target, Counter())[reason] += 1
        if note:
            by_target[target].notes.append(note)
    labels = dict(Report.Reason.choices)
    for target, counts in reasons.items():
        by_target[target].reasons = [
            ReportReason(label=labels.get(reason, reason), count=count) for reason, count in counts.most_common()
        ]
