"""Admin building blocks shared by the apps."""

from django.contrib import admin
from django.utils.html import format_html


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows staff may read and search but never add, change or delete here (journals)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def cut_column(path: str, *, length: int = 40, label=None, ordering: str | None = None):
    """A list column that cuts a long value, keeping it whole in a title (shown on hover).

    `path` is a field or a `__` path (`member__email`); the column sorts by it
    unless told otherwise. Used where names and subjects are typed by people:
    the list stays within 1280 px whatever they wrote.
    """

    def value_of(obj):
        for part in path.split("__"):
            obj = getattr(obj, part, None) if obj is not None else None
        return "" if obj is None else str(obj)

    @admin.display(description=label or path.replace("__", " "), ordering=ordering or path)
    def column(obj):
        full = value_of(obj)
        if len(full) <= length:
            return full
        return format_html('<span title="{}">{}…</span>', full, full[: length - 1].rstrip())

    column.__name__ = f"cut_{path}"
    return column
