"""Exclusive content: what members read and watch, released on a schedule, and how they engage with it.

- `Content`: a piece of one kind (collection of the month, museum jobs, video
  visit, behind the scenes, article), written in Markdown and stored with its
  sanitised HTML (`museums.content.text`), members-only or with a public
  teaser, visible from `publish_at` to `unpublish_at` (a time, compared with
  the request's time: nothing waits for a job to "release" it). It may carry
  an uploaded video with captions (WebVTT) and a transcript, or an embed from
  an allow-listed provider (`museums.content.embeds`), and pictures with their
  alternative text.
- `Series`: a release rule ("every weekday at 18:00", Europe/Paris) and a
  queue: each queued item's `publish_at` is stored when the queue is filled or
  reordered (`museums.content.schedule`), so an item is visible from that
  second on. Members follow a series (`Follow`).
- Engagement, without a third-party tracker: `View` (one per member, item and
  day: the database refuses a second), `Reaction` (one like per member and
  item), `Comment` (moderated, `club.moderation`), `Progress` (how far a
  member watched an uploaded video: the furthest milestone only ever grows).
  `EngagementDay` holds each item's figures per day, kept by a periodic job so
  the staff's page never counts millions of views.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from club.core.images import RandomName
from club.moderation.models import Moderated


class Series(models.Model):
    slug = models.SlugField(_("identifiant d'adresse"), unique=True)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("présentation"), blank=True)
    museum = models.ForeignKey(
        "museums.Museum", verbose_name=_("musée"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The release rule: the days of the week (0 = Monday) and the time, in Europe/Paris.
    release_days = models.CharField(
        _("jours de parution"), max_length=13, default="0,1,2,3,4",
        help_text=_("Numéros des jours séparés par des virgules : 0 = lundi … 6 = dimanche."),
    )  # fmt: skip
    release_time = models.TimeField(_("heure de parution"), default=datetime.time(18, 0))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("série")
        verbose_name_plural = _("séries")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("content:series", args=[self.slug])

    @property
    def weekdays(self) -> tuple[int, ...]:
        return tuple(sorted({int(day) for day in self.release_days.split(",") if day.strip().isdigit()}))


class Tag(models.Model):
    slug = models.SlugField(_("identifiant d'adresse"), unique=True)
    name = models.CharField(_("nom"), max_length=60)

    class Meta:
        verbose_name = _("mot-clé")
        verbose_name_plural = _("mots-clés")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Content(models.Model):
    class Kind(models.TextChoices):
        COLLECTION = "collection", _("La collection du mois")
        JOBS = "jobs", _("Découverte des métiers")
        VIDEO_VISIT = "video_visit", _("Visite en vidéo")
        BEHIND = "behind", _("Dans les coulisses")
        ARTICLE = "article", _("Article")

    class Provider(models.TextChoices):
        NONE = "", _("aucune")
        YOUTUBE = "youtube", "YouTube (youtube-nocookie.com)"
        VIMEO = "vimeo", "Vimeo (player.vimeo.com, sans suivi)"
        DAILYMOTION = "dailymotion", "Dailymotion (geo.dailymotion.com)"

    slug = models.SlugField(_("identifiant d'adresse"), unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    museum = models.ForeignKey(
        "museums.Museum", verbose_name=_("musée"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(
        _("chapeau"),
        max_length=600,
        help_text=_("Deux ou trois phrases ; montrées à tous quand le contenu est réservé."),
    )
    body = models.TextField(_("texte (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)  # the body rendered and sanitised, per language below
    cover = models.ImageField(_("image de couverture"), upload_to=RandomName("content"), blank=True)
    cover_thumbnail = models.ImageField(upload_to=RandomName("content/thumbnails"), blank=True, editable=False)
    cover_alt = models.CharField(_("texte alternatif de l'image"), max_length=250, blank=True)
    video = models.FileField(_("vidéo (MP4 ou WebM)"), upload_to=RandomName("content/videos"), blank=True)
    captions = models.FileField(_("sous-titres (WebVTT)"), upload_to=RandomName("content/captions"), blank=True)
    transcript = models.TextField(_("transcription"), blank=True)
    embed_provider = models.CharField(
        _("vidéo intégrée : service"), max_length=20, choices=Provider.choices, blank=True, default=""
    )
    embed_id = models.CharField(_("vidéo intégrée : identifiant"), max_length=40, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("mots-clés"), blank=True, related_name="contents")
    members_only = models.BooleanField(
        _("réservé aux membres"), default=True, help_text=_("Sinon, tout le monde peut le lire.")
    )
    publish_at = models.DateTimeField(_("parution"), null=True, blank=True, db_index=True)
    unpublish_at = models.DateTimeField(_("retrait"), null=True, blank=True)
    points = models.PositiveIntegerField(
        _("points pour la découverte"), null=True, blank=True,
        help_text=_("Vide : la règle de gains du club pour les contenus."),
    )  # fmt: skip
    series = models.ForeignKey(
        Series, verbose_name=_("série"), null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    series_position = models.PositiveSmallIntegerField(_("place dans la série"), null=True, blank=True)
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)  # its release told, once
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contenu")
        verbose_name_plural = _("contenus")
        ordering = ["-publish_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unpublish_at__isnull=True)
                | Q(publish_at__isnull=False, unpublish_at__gt=models.F("publish_at")),
                name="content_content_unpublished_after_published",
            ),
            models.CheckConstraint(
                condition=Q(embed_provider="", embed_id="") | (~Q(embed_provider="") & ~Q(embed_id="")),
                name="content_content_embed_whole",
            ),
            models.CheckConstraint(condition=Q(embed_provider="") | Q(video=""), name="content_content_one_video"),
            models.CheckConstraint(condition=Q(cover="") | ~Q(cover_alt=""), name="content_content_cover_has_alt"),
            models.UniqueConstraint(
                fields=["series", "series_position"],
                condition=Q(series__isnull=False),
                name="content_content_series_position",
            ),  # fmt: skip
        ]
        indexes = [models.Index(fields=["series", "publish_at"], name="content_series_release")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("content:detail", args=[self.slug])

    @property
    def reference(self) -> str:
        return f"content.content:{self.pk}"

    def is_visible(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.publish_at is not None
            and self.publish_at <= now
            and (self.unpublish_at is None or self.unpublish_at > now)
        )

    @property
    def has_video(self) -> bool:
        return bool(self.video) or bool(self.embed_provider)


class ContentImage(models.Model):
    content = models.ForeignKey(Content, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    picture = models.ImageField(_("image"), upload_to=RandomName("content"))
    thumbnail = models.ImageField(upload_to=RandomName("content/thumbnails"), blank=True, editable=False)
    alt = models.CharField(_("texte alternatif"), max_length=250)
    caption = models.CharField(_("légende"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(alt=""), name="content_contentimage_has_alt")]

    def __str__(self):
        return self.alt


class Follow(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="series_followed")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("abonnement à une série")
        verbose_name_plural = _("abonnements aux séries")
        constraints = [models.UniqueConstraint(fields=["member", "series"], name="content_follow_once")]

    def __str__(self):
        return f"{self.member_id} → {self.series_id}"


class View(models.Model):
    """A member saw an item on a day: once per member, item and day, whatever they reload."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content = models.ForeignKey(Content, on_delete=models.CASCADE, related_name="views")
    day = models.DateField()

    class Meta:
        verbose_name = _("vue")
        constraints = [models.UniqueConstraint(fields=["content", "day", "member"], name="content_view_once_a_day")]

    def __str__(self):
        return f"{self.content_id} {self.day}"


class Reaction(models.Model):
    """One like per member and item."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(Content, on_delete=models.CASCADE, related_name="reactions")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("j'aime")
        verbose_name_plural = _("j'aime")
        constraints = [models.UniqueConstraint(fields=["content", "member"], name="content_reaction_once")]

    def __str__(self):
        return f"{self.member_id} ♥ {self.content_id}"


class Progress(models.Model):
    """How far a member watched an item's uploaded video: the furthest milestone (0, 25, 50, 75, 100)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content = models.ForeignKey(Content, on_delete=models.CASCADE, related_name="progress")
    furthest = models.PositiveSmallIntegerField(default=0)
    day = models.DateField()  # the day it was first started
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("progression d'une vidéo")
        verbose_name_plural = _("progressions des vidéos")
        constraints = [
            models.UniqueConstraint(fields=["content", "member"], name="content_progress_once"),
            models.CheckConstraint(condition=Q(furthest__in=[0, 25, 50, 75, 100]), name="content_progress_milestone"),
        ]
        # The roll-up recounts the start days of the videos watched further lately (`museums.content.engagement`).
        indexes = [models.Index(fields=["updated_at"], name="content_progress_updated")]

    def __str__(self):
        return f"{self.content_id}: {self.furthest} %"


class Comment(Moderated):
    content = models.ForeignKey(Content, on_delete=models.CASCADE, related_name="comments")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="content_comments")
    body = models.TextField(_("commentaire"), max_length=2000)
    reply_to = models.ForeignKey(
        "self", verbose_name=_("en réponse à"), null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    staff_reply = models.BooleanField(_("réponse de l'équipe du musée"), default=False)
    created_at = models.DateTimeField(_("écrit le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:60]


class EngagementDay(models.Model):
    """An item's figures for one day (Europe/Paris), computed by the periodic job `content.engagement_roll_up`."""

    content = models.ForeignKey(Content, on_delete=models.CASCADE, related_name="engagement_days")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    reactions = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    starts = models.PositiveIntegerField(default=0)  # members who started the uploaded video that day
    completion_total = models.PositiveIntegerField(default=0)  # the sum of their furthest milestones (percent)
    readers = models.PositiveIntegerField(default=0)  # members who opened the item for the first time that day
    series_readers = models.PositiveIntegerField(default=0)  # ... and its series, first through this item

    class Meta:
        verbose_name = _("chiffres d'un jour")
        verbose_name_plural = _("chiffres par jour")
        constraints = [models.UniqueConstraint(fields=["content", "day"], name="content_engagementday_once")]

    def __str__(self):
        return f"{self.content_id} {self.day}"


class Reader(models.Model):
    """A member's first day with an item (kept by the roll-up from the views): unique members add up by day."""

    content = models.ForeignKey(Content, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField()

    class Meta:
        verbose_name = _("lecteur d'un contenu")
        verbose_name_plural = _("lecteurs des contenus")
        constraints = [models.UniqueConstraint(fields=["content", "member"], name="content_reader_once")]
        indexes = [models.Index(fields=["first_day", "content"], name="content_reader_day")]

    def __str__(self):
        return f"{self.content_id} {self.member_id}"


class SeriesReader(models.Model):
    """A member's first day with a series, and the item they came through (kept by the roll-up)."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content = models.ForeignKey(Content, on_delete=models.CASCADE, related_name="+")
    first_day = models.DateField()

    class Meta:
        verbose_name = _("lecteur d'une série")
        verbose_name_plural = _("lecteurs des séries")
        constraints = [models.UniqueConstraint(fields=["series", "member"], name="content_seriesreader_once")]
        indexes = [models.Index(fields=["first_day", "content"], name="content_seriesreader_day")]

    def __str__(self):
        return f"{self.series_id} {self.member_id}"
