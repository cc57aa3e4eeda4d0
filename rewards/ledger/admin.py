"""Admin of the points: the read-only ledger, balances, earning rules, adjustments.

The ledger is read-only (no add, change or delete: corrections are adjustments).
The member's admin page shows their balance with a link to adjust it, through
the member admin's extras (`club.members.admin.member_admin_extra`).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from club.core.admin_base import ReadOnlyAdmin, cut_column
from club.core.errors import DomainError
from club.members.admin import member_admin_action, member_admin_extra
from club.members.models import Member
from rewards.ledger import services
from rewards.ledger.forms import AdjustmentForm
from rewards.ledger.models import Account, Adjustment, EarningRule, LedgerEntry
from rewards.ledger.selectors import balance_of


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        cut_column("member", label=_("membre"), ordering="member__email"),
        "amount",
        "reason",
        cut_column("subject", length=36, label=_("objet")),
        "balance_after",
        "created_by",
    ]
    list_filter = ["reason", "created_at"]
    search_fields = ["member__email", "member__membership_number", "reference", "subject"]
    list_select_related = ["member", "created_by"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["member", "balance", "updated_at"]
    search_fields = ["member__email", "member__membership_number"]
    list_select_related = ["member"]
    ordering = ["-balance"]


@admin.register(EarningRule)
class EarningRuleAdmin(admin.ModelAdmin):
    list_display = ["action", "points", "cap_count", "cap_period", "is_active"]
    list_editable = ["points", "cap_count", "cap_period", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.earning_rule_save(rule=obj)


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = [
        "requested_at",
        cut_column("member", label=_("membre"), ordering="member__email"),
        "amount",
        "status",
        "requested_by",
        "decided_by",
        cut_column("reason", length=50, label=_("motif")),
    ]
    list_filter = ["status"]
    search_fields = ["member__email", "member__membership_number", "reason"]
    list_select_related = ["member", "requested_by", "decided_by"]
    actions = ["approve", "reject"]

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("ledger.change_adjustment") and obj is None

    def _decide(self, request, queryset, decide, verb):
        for adjustment in queryset.filter(status=Adjustment.Status.PENDING):
            try:
                with transaction.atomic(durable=True):
                    decide(adjustment=adjustment, by=request.user)
            except DomainError as error:
                self.message_user(request, f"{adjustment}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{adjustment}: {verb}", messages.SUCCESS)

    @admin.action(description=_("Valider les ajustements sélectionnés"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, services.adjustment_approve, _("validé"))

    @admin.action(description=_("Refuser les ajustements sélectionnés"), permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, services.adjustment_reject, _("refusé"))


def adjust_points_view(request, member_id):
    """Admin page: a manual adjustment (+/−) with a mandatory reason for one member."""
    if not request.user.has_perm("ledger.add_adjustment"):
        raise PermissionDenied
    member = get_object_or_404(Member, pk=member_id)
    form = AdjustmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(durable=True):
                adjustment = services.points_adjust(
                    member=member,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
        except DomainError as error:
            form.add_error("amount", str(error.message))
        else:
            if adjustment.status == Adjustment.Status.PENDING:
                pending = _("Ajustement enregistré : il attend la validation d'un autre administrateur.")
                messages.warning(request, pending)
            else:
                messages.success(request, _("Ajustement appliqué."))
            return redirect(reverse("admin:members_member_change", args=[member.pk]))
    context = {
        **admin.site.each_context(request),
        "title": _("Ajuster les points de %(member)s") % {"member": member},
        "form": form,
        "member": member,
        "balance": balance_of(member=member),
    }
    return render(request, "admin/ledger/adjust_points.html", context)


def admin_urls():
    return [
        path(
            "ledger/adjust/<int:member_id>/",
            admin.site.admin_view(adjust_points_view),
            name="ledger_adjust_points",
        )
    ]


@member_admin_extra(_("points"))
def member_points(member: Member) -> str:
    """The member's balance on their admin page, with the link to adjust it."""
    url = reverse("ledger_adjust_points", args=[member.pk])
    return format_html('{} — <a href="{}">{}</a>', balance_of(member=member), url, _("ajuster les points"))


@member_admin_action
@admin.action(description=_("Ajuster les points (un membre)"), permissions=["view"])
def adjust_points(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Sélectionnez un seul membre pour ajuster ses points."), messages.WARNING)
        return None
    return redirect("ledger_adjust_points", member_id=queryset.get().pk)
