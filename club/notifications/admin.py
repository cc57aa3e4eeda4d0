"""Admin of notifications (read-only, with failures and their reasons) and announcements."""

import copy

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from club.core.admin_base import cut_column
from club.core.errors import DomainError
from club.notifications import services as notifications
from club.notifications.delivery import render_email
from club.notifications.models import Announcement, Notification
from club.notifications.selectors import announcement_audience_count, announcement_counts


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Staff see what was sent to whom, and which emails failed and why."""

    list_display = [
        "created_at",
        cut_column("member", label=_("membre"), ordering="member__email"),
        "kind",
        cut_column("shown_title", length=50, label=_("titre"), ordering="title"),
        "email_status",
        "email_attempts",
        "read_at",
    ]
    list_filter = ["kind", "email_status"]
    search_fields = ["member__email", "member__membership_number", "title"]
    list_select_related = ["member", "announcement"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    # The title and body in the language of whoever reads the admin (the stored sources are French).
    exclude = ["title", "body"]
    readonly_fields = [
        "shown_title_field",
        "shown_body_field",
        *(f.name for f in Notification._meta.fields if f.name not in {"title", "body", "title_source", "body_source"}),
    ]

    @admin.display(description=_("titre"))
    def shown_title_field(self, notification):
        return notification.shown_title

    @admin.display(description=_("texte"))
    def shown_body_field(self, notification):
        return notification.shown_body

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Announcement)
class AnnouncementAdmin(TranslationAdmin):
    """Staff write an announcement, preview it, send it now or at a set time, and follow it."""

    list_display = [
        cut_column("title", length=60, label=_("titre")),
        "audience_shown",
        "status",
        "scheduled_for",
        "recipients",
        "queued",
        "delivered",
        "failed",
    ]
    list_filter = ["status", "target"]
    search_fields = ["title"]
    readonly_fields = ["status", "started_at", "recipients", "created_by", "counts", "preview_link"]
    fields = [
        "title",
        "body",
        "url",
        "target",
        "museum",
        "scheduled_for",
        "preview_link",
        "status",
        "started_at",
        "recipients",
        "counts",
        "created_by",
    ]
    actions = ["send"]
    change_form_template = "admin/notifications/announcement/change_form.html"

    def _send_from_form(self, request, obj):
        try:
            notifications.announcement_send(announcement=obj)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, f"{obj}: {obj.get_status_display()}", messages.SUCCESS)
        return redirect(reverse("admin:notifications_announcement_change", args=[obj.pk]))

    def response_add(self, request, obj, post_url_continue=None):
        if "_send" in request.POST:
            return self._send_from_form(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_send" in request.POST:
            return self._send_from_form(request, obj)
        return super().response_change(request, obj)

    def get_queryset(self, request):
        emails = Notification.EmailStatus
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_queued=Count(
                    "notifications", filter=Q(notifications__email_status__in=[emails.PENDING, emails.SENDING])
                ),
                n_delivered=Count("notifications", filter=Q(notifications__email_status=emails.SENT)),
                n_failed=Count("notifications", filter=Q(notifications__email_status=emails.FAILED)),
            )
        )

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "target":  # a feature's audience comes with the feature, never from this form
            kwargs["choices"] = [
                (value, label) for value, label in db_field.choices if value in Announcement.STAFF_TARGETS
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(description=_("destinataires"), ordering="target")
    def audience_shown(self, obj):
        return obj.audience_label

    @admin.display(description=_("en file"), ordering="n_queued")
    def queued(self, obj):
        return obj.n_queued

    @admin.display(description=_("remis"), ordering="n_delivered")
    def delivered(self, obj):
        return obj.n_delivered

    @admin.display(description=_("échecs"), ordering="n_failed")
    def failed(self, obj):
        return obj.n_failed

    @admin.display(description=_("suivi"))
    def counts(self, obj):
        if not obj.pk:
            return "—"
        counts = announcement_counts(announcement=obj)
        return (
            _(
                "%(notifications)s notifications ; e-mails : %(queued)s en file, "
                "%(delivered)s remis, %(failed)s en échec"
            )
            % counts
        )

    @admin.display(description=_("aperçu"))
    def preview_link(self, obj):
        if not obj.pk:
            return _("Enregistrez l'annonce pour la prévisualiser.")
        audience = announcement_audience_count(announcement=obj)
        url = reverse("admin:notifications_announcement_preview", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a> — {}', url, _("voir l'e-mail"), _("%(n)s destinataires") % {"n": audience}
        )

    def has_change_permission(self, request, obj=None):
        editable = obj is None or obj.is_editable
        return editable and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        try:
            notifications.announcement_save(announcement=obj, by=request.user)
        except DomainError as error:  # it started sending while the form was open
            self.message_user(request, error.message, messages.ERROR)

    @admin.action(description=_("Envoyer (maintenant, ou à la date programmée)"), permissions=["change"])
    def send(self, request, queryset):
        for announcement in queryset:
            try:
                notifications.announcement_send(announcement=announcement)
            except DomainError as error:
                self.message_user(request, f"{announcement}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{announcement}: {announcement.get_status_display()}", messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(csp_update({"style-src": [UNSAFE_INLINE]})(self.preview_view)),
                name="notifications_announcement_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        """The email as a member receives it, in French or English (?lang=en), with its subject.

        An email's styles are inline (mail clients ignore stylesheets): this one
        response lets the CSP allow inline styles, so staff see it as members will.
        """
        announcement = get_object_or_404(Announcement, pk=pk)
        if not self.has_view_permission(request, announcement):
            raise PermissionDenied
        language = "en" if request.GET.get("lang") == "en" else "fr"
        reader = copy.copy(request.user)
        reader.preferred_language = language
        with translation.override(language):
            sample = Notification(
                member=reader,
                kind=announcement.kind,
                title=str(announcement.title),
                body=str(announcement.body),
                url=announcement.url,
            )
        message = render_email(sample)
        url = reverse("admin:notifications_announcement_preview", args=[pk])
        banner = format_html(
            '<div style="font-family:system-ui,sans-serif;background:#fff;border-bottom:1px solid #d6d2cc;'
            'padding:12px 16px;"><strong>{}</strong> {}<br>{} : <a href="{}?lang=fr">français</a> · '
            '<a href="{}?lang=en">English</a></div>',
            _("Objet :"),
            message.subject,
            _("Langue"),
            url,
            url,
        )
        html = message.alternatives[0][0]
        opening = html.index(">", html.index("<body")) + 1
        return HttpResponse(html[:opening] + banner + html[opening:])
