"""Content in the admin: pieces with their pictures, series with their queue and schedule, tags, comments."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from club.core.admin_base import ReadOnlyAdmin, cut_column
from club.core.images import CheckedImageField
from museums.content import services
from museums.content.embeds import embed_parse
from museums.content.models import Comment, Content, ContentImage, EngagementDay, Series, Tag
from museums.content.schedule import SCHEDULE_AHEAD, series_queue_set, series_schedule

MAX_VIDEO_BYTES = 500 * 1024 * 1024
MAX_CAPTIONS_BYTES = 1024 * 1024


class ContentAdminForm(forms.ModelForm):
    embed_id = forms.CharField(
        label=_("vidéo intégrée : adresse ou identifiant"), max_length=300, required=False,
        help_text=_("Collez l'adresse de la vidéo (YouTube, Vimeo ou Dailymotion) : seul son identifiant est gardé."),
    )  # fmt: skip

    class Meta:
        model = Content
        fields = [
            "kind", "museum", "title", "slug", "summary", "body", "tags", "cover", "cover_alt", "video", "captions",
            "transcript", "embed_provider", "embed_id", "members_only", "publish_at", "unpublish_at", "points",
            "series", "series_position",
        ]  # fmt: skip

    def clean_embed_id(self):
        provider = self.cleaned_data.get("embed_provider") or ""
        value = (self.cleaned_data.get("embed_id") or "").strip()
        if provider and value:
            return embed_parse(provider, value)
        return value

    def clean_video(self):
        video = self.cleaned_data.get("video")
        if video and getattr(video, "size", 0) and video.size > MAX_VIDEO_BYTES:
            raise ValidationError(_("Cette vidéo pèse plus de 500 Mo."), code="video_too_heavy")
        name = (getattr(video, "name", "") or "").lower()
        if video and not name.endswith((".mp4", ".webm")):
            raise ValidationError(_("Formats acceptés : MP4 ou WebM."), code="video_format")
        return video

    def clean_captions(self):
        captions = self.cleaned_data.get("captions")
        if not captions or not hasattr(captions, "read"):
            return captions
        if captions.size > MAX_CAPTIONS_BYTES:
            raise ValidationError(_("Ce fichier de sous-titres pèse plus de 1 Mo."), code="captions_too_heavy")
        captions.seek(0)
        head = captions.read(16)
        captions.seek(0)
        if not head.lstrip(b"\xef\xbb\xbf").startswith(b"WEBVTT"):
            raise ValidationError(_("Les sous-titres doivent être un fichier WebVTT (.vtt)."), code="captions_format")
        return captions

    def clean(self):
        cleaned = super().clean()
        provider, embed = cleaned.get("embed_provider"), cleaned.get("embed_id")
        if bool(provider) != bool(embed):
            self.add_error("embed_id", _("Choisissez le service et collez l'adresse de la vidéo, ou aucun des deux."))
        if provider and cleaned.get("video"):
            self.add_error("video", _("Une vidéo du site ou une vidéo intégrée, pas les deux."))
        if cleaned.get("video") and not cleaned.get("captions"):
            self.add_error("captions", _("Une vidéo du site a besoin de ses sous-titres (RGAA)."))
        if cleaned.get("video") and not (cleaned.get("transcript_fr") or cleaned.get("transcript")):
            self.add_error("transcript_fr", _("Une vidéo du site a besoin de sa transcription (RGAA)."))
        if cleaned.get("cover") and not (cleaned.get("cover_alt_fr") or cleaned.get("cover_alt")):
            self.add_error("cover_alt_fr", _("Décrivez l'image de couverture pour qui ne la voit pas."))
        publish, unpublish = cleaned.get("publish_at"), cleaned.get("unpublish_at")
        if unpublish and (not publish or unpublish <= publish):
            self.add_error("unpublish_at", _("Le retrait vient après la parution."))
        return cleaned


class ContentImageInline(TranslationTabularInline):
    model = ContentImage
    extra = 0
    fields = ["position", "picture", "alt", "caption"]
    formfield_overrides = {models.ImageField: {"form_class": CheckedImageField}}


@admin.register(Content)
class ContentAdmin(TranslationAdmin):
    form = ContentAdminForm
    inlines = [ContentImageInline]
    list_display = [cut_column("title", label=_("titre")), "kind", "museum", "series", "publish_at", "members_only"]
    list_filter = ["kind", "museum", "series", "members_only"]
    search_fields = ["title", "summary", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["tags"]
    date_hierarchy = "publish_at"
    formfield_overrides = {models.ImageField: {"form_class": CheckedImageField}}
    readonly_fields = ["preview_link"]
    fieldsets = [
        (None, {"fields": ["kind", "museum", "title", "slug", "summary", "body", "tags", "preview_link"]}),
        (_("Image"), {"fields": ["cover", "cover_alt"]}),
        (_("Vidéo"), {"fields": ["video", "captions", "transcript", "embed_provider", "embed_id"]}),
        (_("Parution"), {"fields": ["members_only", "publish_at", "unpublish_at", "points", "series",
                                    "series_position"]}),
    ]  # fmt: skip

    @admin.display(description=_("aperçu"))
    def preview_link(self, content):
        if not content.pk:
            return _("Enregistrez d'abord le contenu.")
        return format_html(
            '<a href="{}">{}</a>', reverse("content:preview", args=[content.pk]), _("Voir comme un membre")
        )

    def save_model(self, request, obj, form, change):
        services.content_save(content=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ContentImage:
            return super().save_formset(request, form, formset, change)
        for image in formset.save(commit=False):
            services.content_image_save(image=image)
        for gone in formset.deleted_objects:
            gone.delete()
        formset.save_m2m()
        return None


@admin.register(Series)
class SeriesAdmin(TranslationAdmin):
    list_display = ["title", "museum", "release_days", "release_time", "is_active"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]
    change_form_template = "admin/content/series/change_form.html"

    def get_urls(self):
        return [
            path(
                "<int:pk>/file-d-attente/",
                self.admin_site.admin_view(self.queue_view),
                name="content_series_queue",
            ),
            *super().get_urls(),
        ]

    def queue_view(self, request, pk):
        """The series' queue: reorder it (or add items to it), and see the next releases with their dates."""
        series = get_object_or_404(Series, pk=pk)
        if not self.has_change_permission(request, series):
            return redirect("admin:index")
        now = timezone.now()
        items = list(Content.objects.filter(series=series).order_by("series_position", "publish_at", "pk"))
        waiting = [
            item for item in items if not item.is_visible(now) and not (item.publish_at and item.publish_at <= now)
        ]
        candidates = Content.objects.filter(series__isnull=True).order_by("-created_at")[:50]
        if request.method == "POST":
            wanted = [int(pk) for pk in request.POST.getlist("queue") if pk.isdigit()]
            by_id = {item.pk: item for item in [*waiting, *candidates]}

            def place(pk: int) -> tuple[int, int]:
                typed = request.POST.get(f"order-{pk}", "")
                return (int(typed) if typed.isascii() and typed.isdigit() else 999, wanted.index(pk))

            queue = [by_id[pk] for pk in sorted(wanted, key=place) if pk in by_id]
            series_queue_set(series=series, queue=queue, now=now)
            messages.success(request, _("La file d'attente est enregistrée : les dates de parution sont recalculées."))
            return redirect("admin:content_series_queue", pk=series.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("File d'attente de « %(series)s »") % {"series": series},
            "series": series,
            "opts": Series._meta,
            "out": [item for item in items if item not in waiting],
            "waiting": waiting,
            "candidates": candidates,
            "schedule": series_schedule(series=series, now=now, count=SCHEDULE_AHEAD),
        }
        return TemplateResponse(request, "admin/content/series/queue.html", context)


@admin.register(Tag)
class TagAdmin(TranslationAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [cut_column("body", label=_("commentaire")), "content", "member", "created_at", "reports_count",
                    "hidden_at", "staff_reply"]  # fmt: skip
    list_filter = ["staff_reply", ("hidden_at", admin.EmptyFieldListFilter)]
    search_fields = ["body", "member__email"]
    list_select_related = ["content", "member"]
    readonly_fields = ["content", "member", "body", "reply_to", "staff_reply", "created_at", "reports_count",
                       "hidden_at", "hidden_reason", "hidden_by"]  # fmt: skip

    def has_add_permission(self, request):
        return False


@admin.register(EngagementDay)
class EngagementDayAdmin(ReadOnlyAdmin):
    list_display = ["content", "day", "views", "reactions", "comments", "starts"]
    list_filter = ["day"]
