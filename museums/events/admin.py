"""Activities and events in the admin: the activity with its sessions, and the journals staff read.

Writes go through `museums.events.services`, never a plain `.save()`:
- an activity through `activity_save` (its picture checked by
  `club.core.images` and thumbnailed), each session of its inline through
  `session_save`, which never writes the seats taken from a form, refuses a
  capacity under them and offers added seats to the waiting list;
- a booking is cancelled (points and seat back, a gift's voucher cancelled)
  through `booking_cancel`, one durable transaction per booking;
- a rating is hidden or restored with a reason through `club.moderation`'s
  services, after an intermediate page that asks for the reason.

Sessions are cancelled and moved on their staff page (Espace équipe), where
the consequences are said before anyone is refunded: the inline cannot delete a
session.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from club.core.admin_base import ReadOnlyAdmin, cut_column
from club.core.errors import DomainError
from club.core.images import CheckedImageField
from club.moderation.services import REASON_LIMIT, moderation_hide, moderation_restore
from museums.events import services
from museums.events.fulfilment import SEAT
from museums.events.models import Activity, Booking, Rating, Session, SessionMessage, WaitingEntry


class ActivityAdminForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "museum", "kind", "title", "slug", "summary", "description", "picture", "picture_alt", "is_published",
            "members_only", "price_points", "guest_allowed", "booking_opens_at", "booking_closes_hours",
            "cancellation_hours", "offer_hours", "rating_points",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("picture") and not (cleaned.get("picture_alt_fr") or cleaned.get("picture_alt")):
            self.add_error("picture_alt_fr", _("Décrivez l'image pour qui ne la voit pas."))
        return cleaned


class SessionInlineForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["starts_at", "duration_minutes", "place", "capacity", "gift"]

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        taken = self.instance.seats_taken if self.instance.pk else 0
        if capacity is not None and capacity < taken:
            raise forms.ValidationError(
                _("La jauge ne peut pas être inférieure aux places déjà prises (%(taken)s)."),
                code="capacity_below_booked",
                params={"taken": taken},
            )
        return capacity


class SessionInline(TranslationTabularInline):
    model = Session
    form = SessionInlineForm
    extra = 0
    can_delete = False  # cancelled (with refunds) on the session's staff page, never deleted
    fields = ["starts_at", "duration_minutes", "place", "capacity", "seats_taken", "gift", "status", "staff_link"]
    readonly_fields = ["seats_taken", "status", "staff_link"]
    show_change_link = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "gift":
            from rewards.shop.models import Gift

            kwargs["queryset"] = Gift.objects.filter(fulfilment=SEAT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("page de la séance"))
    def staff_link(self, session):
        if not session.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("events_staff:session", args=[session.pk]), _("Ouvrir"))


@admin.register(Activity)
class ActivityAdmin(TranslationAdmin):
    form = ActivityAdminForm
    inlines = [SessionInline]
    list_display = [cut_column("title", label=_("titre")), "kind", "museum", "price_points", "members_only",
                    "is_published", "thumbnail_preview"]  # fmt: skip
    list_filter = ["kind", "museum", "members_only", "is_published"]
    search_fields = ["title", "summary", "slug"]
    list_select_related = ["museum"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {models.ImageField: {"form_class": CheckedImageField}}
    readonly_fields = ["thumbnail_preview"]
    fieldsets = [
        (None, {"fields": ["museum", "kind", "title", "slug", "summary", "description"]}),
        (_("Image"), {"fields": ["picture", "picture_alt", "thumbnail_preview"]}),
        (_("Réservation"), {"fields": ["is_published", "members_only", "price_points", "guest_allowed",
                                       "booking_opens_at", "booking_closes_hours", "cancellation_hours",
                                       "offer_hours", "rating_points"]}),
    ]  # fmt: skip

    @admin.display(description=_("vignette"))
    def thumbnail_preview(self, activity):
        if not activity.thumbnail:
            return "—"
        return format_html('<img src="{}" alt="" width="64" height="48">', activity.thumbnail.url)

    def save_model(self, request, obj, form, change):
        services.activity_save(activity=obj, picture_changed="picture" in form.changed_data)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        for session in formset.save(commit=False):
            try:
                services.session_save(session=session)
            except DomainError as error:
                self.message_user(request, f"{session}: {error.message}", messages.ERROR)
        return None


class MuseumFilter(admin.SimpleListFilter):
    """The museum of the activity (bookings, waiting lists and ratings reach it through their session)."""

    title = _("musée")
    parameter_name = "musee"
    path = "session__activity__museum"

    def lookups(self, request, model_admin):
        from museums.models import Museum

        return [(str(pk), name) for pk, name in Museum.objects.order_by("position", "name").values_list("pk", "name")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{f"{self.path}_id": int(self.value())})
        return queryset


class RatingMuseumFilter(MuseumFilter):
    path = "activity__museum"


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        cut_column("session", length=48, label=_("séance"), ordering="session__starts_at"),
        cut_column("member", label=_("membre"), ordering="member__email"),
        "seats",
        "points",
        "status",
        "created_at",
        "attended_at",
    ]
    list_filter = ["status", MuseumFilter, "session__activity__kind", ("attended_at", admin.EmptyFieldListFilter),
                   "created_at"]  # fmt: skip
    search_fields = ["code", "member__email", "member__membership_number", "session__activity__title"]
    list_select_related = ["session__activity", "member"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["cancel_with_refund"]

    def has_change_permission(self, request, obj=None):
        # The list's action needs it; a booking itself is never edited here.
        return request.user.has_perm("events.change_booking") and obj is None

    @admin.action(description=_("Annuler les réservations sélectionnées (points et places rendus)"),
                  permissions=["change"])  # fmt: skip
    def cancel_with_refund(self, request, queryset):
        done, refused = 0, 0
        for booking in queryset.filter(status=Booking.Status.BOOKED).order_by("pk"):
            try:
                with transaction.atomic(durable=True):
                    services.booking_cancel(booking=booking, by=request.user)
            except DomainError:
                refused += 1
            else:
                done += 1
        summary = _("Réservations annulées : %(done)s. Refusées : %(refused)s.") % {"done": done, "refused": refused}
        self.message_user(request, summary, messages.SUCCESS if not refused else messages.WARNING)


@admin.register(WaitingEntry)
class WaitingEntryAdmin(ReadOnlyAdmin):
    list_display = [
        cut_column("session", length=48, label=_("séance"), ordering="session__starts_at"),
        "rank",
        cut_column("member", label=_("membre"), ordering="member__email"),
        "seats",
        "status",
        "created_at",
        "offer_expires_at",
    ]
    list_filter = ["status", MuseumFilter, "created_at"]
    search_fields = ["member__email", "member__membership_number", "session__activity__title"]
    list_select_related = ["session__activity", "member"]
    show_full_result_count = False


class ModerationReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Raison"),
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Gardée avec la décision ; l'auteur la voit sur sa note masquée."),
    )


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = [
        cut_column("activity", length=32, label=_("activité"), ordering="activity__title"),
        "session",
        cut_column("member", label=_("membre"), ordering="member__email"),
        "stars",
        cut_column("comment", length=60, label=_("commentaire")),
        "reports_count",
        "hidden_at",
        "created_at",
    ]
    list_filter = ["stars", RatingMuseumFilter, ("hidden_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["comment", "member__email", "activity__title"]
    list_select_related = ["activity", "session__activity", "member"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["hide_ratings", "restore_ratings"]

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("moderation.moderate") and obj is None

    @admin.action(description=_("Masquer les notes sélectionnées (avec une raison)"), permissions=["change"])
    def hide_ratings(self, request, queryset):
        return self._moderate(request, queryset, hide=True)

    @admin.action(description=_("Rétablir les notes sélectionnées (avec une raison)"), permissions=["change"])
    def restore_ratings(self, request, queryset):
        return self._moderate(request, queryset, hide=False)

    def _moderate(self, request, queryset, *, hide: bool):
        """First ask the reason (an intermediate page, like deleting); then decide each rating with it."""
        form = ModerationReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            decide = moderation_hide if hide else moderation_restore
            done, refused = 0, 0
            for rating in queryset.order_by("pk"):
                try:
                    with transaction.atomic(durable=True):
                        decide(item=rating, by=request.user, reason=form.cleaned_data["reason"])
                except DomainError:
                    refused += 1
                else:
                    done += 1
            text = (
                ngettext("%(count)s note masquée.", "%(count)s notes masquées.", done)
                if hide
                else ngettext("%(count)s note rétablie.", "%(count)s notes rétablies.", done)
            )
            if refused:
                text += " " + str(_("Déjà dans cet état : %(refused)s.") % {"refused": refused})
            self.message_user(request, text % {"count": done}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Masquer des notes") if hide else _("Rétablir des notes"),
            "opts": self.model._meta,
            "form": form,
            "ratings": list(queryset.select_related("activity", "member")[:100]),
            "count": queryset.count(),
            "action": "hide_ratings" if hide else "restore_ratings",
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "hide": hide,
        }
        return TemplateResponse(request, "admin/events/rating/moderate.html", context)


@admin.register(SessionMessage)
class SessionMessageAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "session", cut_column("title", label=_("objet")),
                    cut_column("author", label=_("par"), ordering="author__email"), "recipients"]  # fmt: skip
    list_filter = [MuseumFilter, "sent_at"]
    search_fields = ["title", "body", "session__activity__title"]
    list_select_related = ["session__activity", "author"]
    date_hierarchy = "sent_at"
