"""The two journals of moderation, read-only: members' reports and staff decisions (made on the staff queue)."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from club.core.admin_base import ReadOnlyAdmin, cut_column
from club.moderation.models import ModerationAction, Report
from club.moderation.registry import moderated_kind, moderated_kinds


class KindFilter(admin.SimpleListFilter):
    """The kinds of messages moderated (comments on content…), not every model of the project."""

    title = _("type de message")
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [(kind.model._meta.label_lower, kind.label) for kind in moderated_kinds()]

    def queryset(self, request, queryset):
        for kind in moderated_kinds():
            if kind.model._meta.label_lower == self.value():
                return queryset.filter(content_type=ContentType.objects.get_for_model(kind.model))
        return queryset


@admin.display(description=_("type de message"), ordering="content_type")
def kind_column(obj):
    model = obj.content_type.model_class()
    kind = moderated_kind(model) if model is not None else None
    return kind.label if kind is not None else str(obj.content_type)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        kind_column,
        "object_id",
        "reason",
        cut_column("member", label=_("signalé par"), ordering="member__email"),
        cut_column("note", length=48, label=_("précision")),
    ]
    list_filter = ["reason", KindFilter, "created_at"]
    search_fields = ["member__email", "member__membership_number", "note"]
    list_select_related = ["member", "content_type"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "kind",
        kind_column,
        "object_id",
        cut_column("reason", length=60, label=_("raison")),
        cut_column("by", label=_("par"), ordering="by__email"),
    ]
    list_filter = ["kind", KindFilter, "at"]
    search_fields = ["reason", "by__email"]
    list_select_related = ["by", "content_type"]
    date_hierarchy = "at"
    show_full_result_count = False
