"""Admin of the shop: gifts with pictures and restocks, vouchers with export and cancel.

Stock moves only through redemptions and the "add to stock" field, never by
overwriting the number (`gift_save` keeps it), so a form saved during a rush
cannot undo sales.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from club.core.admin_base import ReadOnlyAdmin, cut_column
from club.core.errors import DomainError
from club.core.exports import csv_write_rows, csv_writer
from club.core.images import CheckedImageField
from rewards.shop import services
from rewards.shop.models import Gift, Redemption


class GiftAdminForm(forms.ModelForm):
    restock = forms.IntegerField(
        label=_("Ajouter au stock"),
        required=False,
        help_text=_("Nombre d'unités à ajouter (ou à retirer avec un signe −). Le stock actuel n'est jamais écrasé."),
    )


@admin.register(Gift)
class GiftAdmin(TranslationAdmin):
    form = GiftAdminForm
    list_display = [
        cut_column("name", label=_("nom")),
        "points",
        "stock",
        "museum",
        "is_active",
        "available_until",
        "thumbnail_preview",
    ]
    list_filter = ["is_active", "museum", "fulfilment"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["thumbnail_preview"]
    formfield_overrides = {models.ImageField: {"form_class": CheckedImageField}}

    def get_readonly_fields(self, request, obj=None):
        # The stock is typed once, at creation; afterwards it only moves by delta.
        return [*self.readonly_fields, "stock"] if obj else self.readonly_fields

    @admin.display(description=_("vignette"))
    def thumbnail_preview(self, gift):
        if not gift.thumbnail:
            return "—"
        return format_html('<img src="{}" alt="" width="64" height="48">', gift.thumbnail.url)

    def save_model(self, request, obj, form, change):
        services.gift_save(gift=obj, picture_changed="picture" in form.changed_data)
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
    list_display = [
        "code",
        cut_column("gift", length=32, label=_("cadeau"), ordering="gift__name"),
        cut_column("member", label=_("membre"), ordering="member__email"),
        "status",
        "created_at",
        "expires_at",
        "collected_at",
    ]  # museum: a filter
    list_filter = ["status", "museum", "gift", "created_at"]
    search_fields = ["code", "member__email", "member__membership_number"]
    list_select_related = ["gift", "member", "museum"]
    date_hierarchy = "created_at"
    actions = ["export_csv", "cancel_vouchers"]

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("shop.change_redemption") and obj is None

    @admin.action(description=_("Exporter en CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="bons-{stamp}.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 correctly with a BOM
        writer = csv_writer(response)
        writer.writerow(["code", "cadeau", "membre", "numero", "statut", "musee", "points", "commande", "remis"])
        rows = queryset.select_related("gift", "member", "museum").order_by("created_at")
        csv_write_rows(
            writer,
            (
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
                for r in rows.iterator(chunk_size=2000)
            ),
        )
        return response

    @admin.action(description=_("Annuler les bons sélectionnés (points et stock rendus)"), permissions=["change"])
    def cancel_vouchers(self, request, queryset):
        done, refused = 0, 0
        for redemption in queryset.filter(status=Redemption.Status.ISSUED):
            try:
                with transaction.atomic(durable=True):
                    services.redemption_cancel(redemption=redemption, by=request.user)
                done += 1
            except DomainError:
                refused += 1
        summary = _("Bons annulés : %(done)s. Refusés : %(refused)s.") % {"done": done, "refused": refused}
        self.message_user(request, summary)
