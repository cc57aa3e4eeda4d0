"""Admin of the points and the shop.

The ledger is read-only (no add, change or delete: corrections are adjustments).
Stock moves only through redemptions and the "add to stock" field, never by
overwriting the number, so a form saved during a rush cannot undo sales.
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from club.errors import DomainError
from club.models import Member
from rewards import services
from rewards.forms import AdjustmentForm
from rewards.models import Account, Adjustment, EarningRule, Gift, LedgerEntry, Redemption


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "member", "amount", "reason", "subject", "balance_after", "created_by"]
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
        super().save_model(request, obj, form, change)
        services.earning_rule_changed(action=obj.action)


class GiftAdminForm(forms.ModelForm):
    restock = forms.IntegerField(
        label=_("Ajouter au stock"),
        required=False,
        help_text=_("Nombre d'unités à ajouter (ou à retirer avec un signe −). Le stock actuel n'est jamais écrasé."),
    )


@admin.register(Gift)
class GiftAdmin(TranslationAdmin):
    form = GiftAdminForm
    list_display = ["name", "points", "stock", "museum", "is_active", "available_until", "thumbnail_preview"]
    list_filter = ["is_active", "museum", "fulfilment"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["thumbnail_preview"]

    def get_readonly_fields(self, request, obj=None):
        # The stock is typed once, at creation; afterwards it only moves by delta.
        return [*self.readonly_fields, "stock"] if obj else self.readonly_fields

    @admin.display(description=_("vignette"))
    def thumbnail_preview(self, gift):
        if not gift.thumbnail:
            return "—"
        return format_html('<img src="{}" alt="" width="120" height="90">', gift.thumbnail.url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "picture" in form.changed_data:
            services.gift_picture_set(gift=obj)
        delta = form.cleaned_data.get("restock")
        if change and delta:
            try:
                stock = services.gift_stock_adjust(gift=obj, delta=delta)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, _("Stock mis à jour : %(stock)s.") % {"stock": stock}, messages.SUCCESS)


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ["code", "gift", "member", "status", "museum", "created_at", "expires_at", "collected_at"]
    list_filter = ["status", "museum", "gift", "created_at"]
    search_fields = ["code", "member__email", "member__membership_number"]
    list_select_related = ["gift", "member", "museum"]
    date_hierarchy = "created_at"
    actions = ["export_csv", "cancel_vouchers"]

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("rewards.change_redemption") and obj is None

    @admin.action(description=_("Exporter en CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="bons-{stamp}.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 correctly with a BOM
        writer = csv.writer(response, delimiter=";")
        writer.writerow(["code", "cadeau", "membre", "numero", "statut", "musee", "points", "commande", "remis"])
        rows = queryset.select_related("gift", "member", "museum").order_by("created_at")
        for r in rows.iterator(chunk_size=2000):
            writer.writerow(
                [
                    r.code,
                    r.gift.name,
                    r.member.email,
                    r.member.membership_number,
                    r.get_status_display(),
                    r.museum.name if r.museum else "",
                    r.points,
                    timezone.localtime(r.created_at).isoformat(timespec="minutes"),
                    timezone.localtime(r.collected_at).isoformat(timespec="minutes") if r.collected_at else "",
                ]
            )
        return response

    @admin.action(description=_("Annuler les bons sélectionnés (points et stock rendus)"), permissions=["change"])
    def cancel_vouchers(self, request, queryset):
        done, refused = 0, 0
        for redemption in queryset.filter(status=Redemption.Status.ISSUED):
            try:
                services.redemption_cancel(redemption=redemption, by=request.user)
                done += 1
            except DomainError:
                refused += 1
        summary = _("Bons annulés : %(done)s. Refusés : %(refused)s.") % {"done": done, "refused": refused}
        self.message_user(request, summary)


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "member", "amount", "status", "requested_by", "decided_by", "reason"]
    list_filter = ["status"]
    search_fields = ["member__email", "member__membership_number", "reason"]
    list_select_related = ["member", "requested_by", "decided_by"]
    actions = ["approve", "reject"]

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("rewards.change_adjustment") and obj is None

    def _decide(self, request, queryset, decide, verb):
        for adjustment in queryset.filter(status=Adjustment.Status.PENDING):
            try:
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
    if not request.user.has_perm("rewards.add_adjustment"):
        raise PermissionDenied
    member = Member.objects.get(pk=member_id)
    form = AdjustmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = services.points_adjust(
                member=member, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"], by=request.user
            )
        except DomainError as error:
            form.add_error("amount", str(error.message))
        else:
            if adjustment.status == Adjustment.Status.PENDING:
                pending = _("Ajustement enregistré : il attend la validation d'un autre administrateur.")
                messages.warning(request, pending)
            else:
                messages.success(request, _("Ajustement appliqué."))
            return redirect(reverse("admin:club_member_change", args=[member.pk]))
    context = {
        **admin.site.each_context(request),
        "title": _("Ajuster les points de %(member)s") % {"member": member},
        "form": form,
        "member": member,
        "balance": getattr(Account.objects.filter(member=member).first(), "balance", 0),
    }
    return render(request, "admin/rewards/adjust_points.html", context)


def admin_urls():
    return [
        path(
            "rewards/adjust/<int:member_id>/",
            admin.site.admin_view(adjust_points_view),
            name="rewards_adjust_points",
        )
    ]
