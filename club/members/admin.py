"""Admin of members: look-up by membership number, consents read-only, extras from other apps.

Apps above members (the ledger…) add a line to the member's page with
`member_admin_extra` — the balance and its "adjust" link — and actions with
`member_admin_action`, so this module never imports them. Saving goes through
the member services, so a profile completed by staff pays its points like one
completed by the member.
"""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from club.core.admin_base import ReadOnlyAdmin, cut_column
from club.core.codes import code_normalize
from club.core.errors import DomainError
from club.members import services
from club.members.models import ConsentRecord, Member

MemberExtra = Callable[[Member], str]
_extras: list[tuple[str, MemberExtra]] = []
_actions: list[Callable] = []


def member_admin_extra(label) -> Callable[[MemberExtra], MemberExtra]:
    """Register `fn(member) -> html` as a line of the member's admin page."""

    def register(fn: MemberExtra) -> MemberExtra:
        if all(existing is not fn for _label, existing in _extras):
            _extras.append((label, fn))
        return fn

    return register


def member_admin_action(action: Callable) -> Callable:
    """Offer an admin action (decorated with `@admin.action`) on the members' list."""
    if action not in _actions:
        _actions.append(action)
    return action


class ConsentRecordInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    can_delete = False
    fields = ["kind", "granted", "wording_version", "source", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


_PERMISSION_ACTIONS = {
    "add": _("Peut ajouter"),
    "change": _("Peut modifier"),
    "delete": _("Peut supprimer"),
    "view": _("Peut consulter"),
}


def permission_label(permission) -> str:
    """A permission in the reader's language: Django stores its name once, in the source language."""
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is None:
        return str(permission)
    declared = dict(model._meta.permissions).get(permission.codename)
    if declared is not None:  # an app's own permission: its lazy label, in the reader's language
        return f"{model._meta.app_config.verbose_name} | {declared}"
    if action not in _PERMISSION_ACTIONS:
        return str(permission)
    return f"{model._meta.app_config.verbose_name} | {_PERMISSION_ACTIONS[action]} : {model._meta.verbose_name}"


class TranslatedPermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return permission_label(obj)


class MemberCreationForm(UserCreationForm):
    class Meta:
        model = Member
        fields = ("email",)


@admin.register(Member)
class MemberAdmin(UserAdmin):
    add_form = MemberCreationForm
    ordering = ["-date_joined"]
    list_display = [
        cut_column("email", length=40, label=_("adresse e-mail")),
        cut_column("display_name", length=30, label=_("nom affiché")),
        "membership_number",
        "is_staff",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_active", "preferred_language", "favourite_museum", "groups"]
    search_fields = ["email", "display_name", "membership_number"]
    readonly_fields = [
        "in_the_club",
        "membership_number",
        "date_joined",
        "last_login",
        "consent_news",
        "consent_surveys",
        "age_confirmed_at",
        "rules_version",
        "rules_accepted_at",
    ]
    filter_horizontal = ["groups", "user_permissions", "museums"]
    inlines = [ConsentRecordInline]
    actions = _actions
    fieldsets = [
        (None, {"fields": ["email", "password", "membership_number", "in_the_club"]}),
        (_("Profil"), {"fields": ["display_name", "preferred_language", "favourite_museum"]}),
        (
            _("Consentements et règlement"),
            {
                "fields": [
                    "consent_news",
                    "consent_surveys",
                    "age_confirmed_at",
                    "rules_version",
                    "rules_accepted_at",
                ]
            },
        ),
        (_("Équipe"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "museums", "user_permissions"]}),
        (_("Dates"), {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    @admin.display(description=_("dans le club"))
    def in_the_club(self, member) -> SafeString | str:
        if not member.pk or not _extras:
            return "—"
        return format_html_join(mark_safe("<br>"), "{} : {}", ((label, fn(member)) for label, fn in _extras))

    def save_model(self, request, obj, form, change):
        if not change:
            services.member_add(member=obj)
            return
        editable = (*services.PROFILE_FIELDS, *services.ACCESS_FIELDS)
        services.member_update(member=obj, fields={f: getattr(obj, f) for f in form.changed_data if f in editable})

    def delete_model(self, request, obj):
        # The admin's confirmation page already lists what protects a member with history.
        try:
            services.member_delete(member=obj)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)

    def delete_queryset(self, request, queryset):
        for member in queryset:
            self.delete_model(request, member)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "user_permissions":
            kwargs["form_class"] = TranslatedPermissionsField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_search_results(self, request, queryset, search_term):
        # A membership number typed as at the desk (lower case, no dashes) still matches.
        normalized = code_normalize(search_term)
        if normalized and len(normalized) > 8:
            exact = queryset.filter(membership_number=normalized)
            if exact.exists():
                return exact, False
        return super().get_search_results(request, queryset, search_term)


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["member", "kind", "granted", "wording_version", "source", "created_at"]
    list_filter = ["kind", "granted", "source"]
    search_fields = ["member__email", "member__membership_number"]
    list_select_related = ["member"]
    date_hierarchy = "created_at"
