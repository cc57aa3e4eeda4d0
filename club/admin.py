"""Admin of members: look-up by membership number, consents read-only."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from club import notifications
from club.codes import code_normalize
from club.errors import DomainError
from club.models import Announcement, ConsentRecord, Member, Notification
from rewards.models import Account


class ConsentRecordInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    can_delete = False
    fields = ["kind", "granted", "wording_version", "source", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class MemberCreationForm(UserCreationForm):
    class Meta:
        model = Member
        fields = ("email",)


@admin.register(Member)
class MemberAdmin(UserAdmin):
    add_form = MemberCreationForm
    ordering = ["-date_joined"]
    list_display = ["email", "display_name", "membership_number", "is_staff", "date_joined"]
    list_filter = ["is_staff", "is_active", "preferred_language", "favourite_museum", "groups"]
    search_fields = ["email", "display_name", "membership_number"]
    readonly_fields = [
        "points",
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
    actions = ["adjust_points"]
    fieldsets = [
        (None, {"fields": ["email", "password", "membership_number", "points"]}),
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

    @admin.display(description=_("points"))
    def points(self, member):
        balance = Account.objects.filter(member=member).values_list("balance", flat=True).first() or 0
        url = reverse("rewards_adjust_points", args=[member.pk])
        return format_html('{} — <a href="{}">{}</a>', balance, url, _("ajuster les points"))

    @admin.action(description=_("Ajuster les points (un membre)"), permissions=["view"])
    def adjust_points(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Sélectionnez un seul membre pour ajuster ses points."), messages.WARNING)
            return None
        return redirect("rewards_adjust_points", member_id=queryset.get().pk)

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
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["member", "kind", "granted", "wording_version", "source", "created_at"]
    list_filter = ["kind", "granted", "source"]
    search_fields = ["member__email", "member__membership_number"]
    list_select_related = ["member"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Staff see what was sent to whom, and which emails failed and why."""

    list_display = ["created_at", "member", "kind", "title", "email_status", "email_attempts", "read_at"]
    list_filter = ["kind", "email_status"]
    search_fields = ["member__email", "member__membership_number", "title"]
    list_select_related = ["member"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Announcement)
class AnnouncementAdmin(TranslationAdmin):
    """Staff write an announcement, preview it, send it now or at a set time, and follow it."""

    list_display = ["title", "target", "status", "scheduled_for", "recipients", "queued", "delivered", "failed"]
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
        counts = notifications.announcement_counts(obj)
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
        audience = notifications.announcement_audience_count(obj)
        url = reverse("admin:club_announcement_preview", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a> — {}', url, _("voir l'e-mail"), _("%(n)s destinataires") % {"n": audience}
        )

    def has_change_permission(self, request, obj=None):
        editable = obj is None or obj.status in (Announcement.Status.DRAFT, Announcement.Status.SCHEDULED)
        return editable and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

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
                self.admin_site.admin_view(self.preview_view),
                name="club_announcement_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        """The email as the staff member would receive it."""
        announcement = Announcement.objects.get(pk=pk)
        sample = Notification(
            member=request.user,
            kind=announcement.kind,
            title=announcement.title,
            body=announcement.body,
            url=announcement.url,
        )
        message = notifications.render_email(sample)
        return HttpResponse(message.alternatives[0][0])
