"""Surveys and polls: what staff build, and what members answer.

A survey has pages of questions; a question may have choices (and, for a Likert
matrix, rows that share its scale of choices) and a simple condition ("show
only if question X is answered Y"). A member's answering is split in two
records that share nothing (see `Participation` and `Submission`): the first
says that the member answered (points, one response per member), the second
holds the answers. For an anonymous survey the second has no member, a random
id and a date without time.

The database holds the rules a form could forget: one participation per member
and survey, one submission per member and survey where it names the member,
positions unique in their list, a condition names both its question and its
answer, a survey closes after it opens, bounds that are ordered.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from club.core.images import RandomName


class Survey(models.Model):
    class Kind(models.TextChoices):
        SURVEY = "survey", _("enquête")
        POLL = "poll", _("sondage")

    class Audience(models.TextChoices):
        ALL = "all", _("tous les membres")
        MUSEUM_FANS = "museum_fans", _("les membres dont le musée préféré est parmi ceux choisis")

    class Results(models.TextChoices):
        LIVE = "live", _("en direct, après avoir voté")
        AFTER_CLOSE = "after_close", _("après la clôture")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.SURVEY)
    slug = models.SlugField(_("identifiant d'adresse"), unique=True)
    title = models.CharField(_("titre"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    museum = models.ForeignKey(
        "museums.Museum", verbose_name=_("musée"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    points = models.PositiveIntegerField(
        _("points"), null=True, blank=True, help_text=_("Vide : les points de la règle de gain.")
    )
    audience = models.CharField(_("destinataires"), max_length=20, choices=Audience.choices, default=Audience.ALL)
    audience_museums = models.ManyToManyField(
        "museums.Museum", verbose_name=_("musées des destinataires"), blank=True, related_name="+"
    )
    anonymous = models.BooleanField(
        _("anonyme"), default=False, help_text=_("Les réponses ne peuvent être reliées à aucun membre.")
    )
    results = models.CharField(_("résultats du sondage"), max_length=12, choices=Results.choices, default=Results.LIVE)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    # Replaced (+1) by every save or deletion of one of its pages, questions, choices or matrix rows
    # (`surveys.apps`): the key under which each process keeps the survey's answer rules.
    structure_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("enquête")
        verbose_name_plural = _("enquêtes et sondages")
        ordering = ["-opens_at", "pk"]
        permissions = [("view_results", _("Peut voir les résultats et exporter les réponses"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="surveys_survey_closes_after_opening"
            ),
        ]

    def __str__(self):
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class SurveyPage(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="pages")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("titre de la page"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("page")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="surveys_page_position_unique"),
        ]

    def __str__(self):
        return self.title or f"{self.survey} — {self.position}"


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("choix unique")
        MULTIPLE = "multiple", _("choix multiples")
        DROPDOWN = "dropdown", _("liste déroulante")
        RATING = "rating", _("note de 1 à 5")
        NPS = "nps", _("recommandation de 0 à 10 (NPS)")
        LIKERT = "likert", _("matrice (lignes × une échelle)")
        RANKING = "ranking", _("classement")
        SHORT_TEXT = "short_text", _("texte court")
        LONG_TEXT = "long_text", _("texte long")
        NUMBER = "number", _("nombre")
        DATE = "date", _("date")
        IMAGE_CHOICE = "image_choice", _("choix parmi des images")

    # Kinds answered by picking among the question's choices.
    CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE, Kind.DROPDOWN, Kind.LIKERT, Kind.RANKING, Kind.IMAGE_CHOICE})

    page = models.ForeignKey(SurveyPage, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("type de question"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("aide"), max_length=500, blank=True)
    required = models.BooleanField(_("obligatoire"), default=True)
    max_choices = models.PositiveSmallIntegerField(_("nombre maximum de choix"), null=True, blank=True)
    min_value = models.IntegerField(_("minimum"), null=True, blank=True)
    max_value = models.IntegerField(_("maximum"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("longueur maximale"), default=2000)
    condition_question = models.ForeignKey(
        "self",
        verbose_name=_("seulement si la question"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    condition_choice = models.ForeignKey(
        "surveys.Choice",
        verbose_name=_("a pour réponse"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("question")
        ordering = ["page__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["page", "position"], name="surveys_question_position_unique"),
            models.CheckConstraint(
                condition=Q(condition_question__isnull=True, condition_choice__isnull=True)
                | Q(condition_question__isnull=False, condition_choice__isnull=False),
                name="surveys_question_condition_whole",
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True) | Q(max_value__isnull=True) | Q(min_value__lte=F("max_value")),
                name="surveys_question_bounds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(max_choices__isnull=True) | Q(max_choices__gte=1), name="surveys_question_max_choices"
            ),
        ]

    def __str__(self):
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("libellé"), max_length=200)
    is_other = models.BooleanField(_("« Autre (précisez) »"), default=False)
    picture = models.ImageField(_("image"), upload_to=RandomName("surveys/choices"), blank=True)
    thumbnail = models.ImageField(upload_to=RandomName("surveys/choices/thumbs"), blank=True, editable=False)
    picture_alt = models.CharField(_("texte de l'image"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("choix")
        verbose_name_plural = _("choix")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="surveys_choice_position_unique"),
        ]

    def __str__(self):
        return self.label

    @property
    def thumbnail_url(self) -> str:
        return self.thumbnail.url if self.thumbnail else ""


class MatrixRow(models.Model):
    """A row of a Likert matrix: each row is answered on the question's scale (its choices)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("libellé"), max_length=200)

    class Meta:
        verbose_name = _("ligne de matrice")
        verbose_name_plural = _("lignes de matrice")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="surveys_row_position_unique"),
        ]

    def __str__(self):
        return self.label


class Participation(models.Model):
    """That a member answered a survey: what points and one-response-per-member rest on.

    It holds no answer and no reference to one, and only the day (an anonymous
    submission can not be matched to it by time).
    """

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participations")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="participations")
    answered_on = models.DateField(_("répondu le"))

    class Meta:
        verbose_name = _("participation")
        constraints = [
            models.UniqueConstraint(fields=["member", "survey"], name="surveys_participation_once"),
        ]

    def __str__(self):
        return f"{self.member_id} — {self.survey_id}"

    @property
    def reference(self) -> str:
        return f"surveys.participation:{self.pk}"


class Submission(models.Model):
    """The answers of one response. Random id and day-only date; no member when the survey is anonymous."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="submissions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_on = models.DateField(_("répondu le"))
    # What the results filter on, for a named survey only: an anonymous response keeps
    # neither (with the day they would narrow it down to a handful of members).
    favourite_museum = models.ForeignKey(
        "museums.Museum", verbose_name=_("musée préféré"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    language = models.CharField(_("langue"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("réponse")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "member"], condition=Q(member__isnull=False), name="surveys_submission_once"
            ),
        ]

    def __str__(self):
        return f"{self.survey_id} — {self.submitted_on}"


class Answer(models.Model):
    """One answer of a submission: a choice (with its row for a matrix, its rank for a ranking), or a value."""

    # The four relations are kept by the database's triggers (migrations 0006 and 0007), not by foreign
    # keys: a response writes dozens of answers at once, and PostgreSQL checks a foreign key row by row
    # (about a hundred lookups and row locks per response, 1.7 ms of the server's time measured on the
    # bench's 20-question response); the triggers check a whole statement's answers in one query, and
    # refuse deleting (or moving) a submission, question, choice or row that answers point to.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers", db_constraint=False)
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", db_constraint=False)
    choice = models.ForeignKey(
        Choice, null=True, blank=True, on_delete=models.PROTECT, related_name="answers", db_constraint=False
    )
    row = models.ForeignKey(
        MatrixRow, null=True, blank=True, on_delete=models.PROTECT, related_name="answers", db_constraint=False
    )
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.IntegerField(null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("réponse à une question")
        constraints = [
            models.CheckConstraint(condition=Q(rank__isnull=True) | Q(rank__gte=1), name="surveys_answer_rank"),
        ]

    def __str__(self):
        return f"{self.question_id}"


class Draft(models.Model):
    """A member's answers so far, kept server-side to resume; deleted when the response is submitted."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_drafts")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="drafts")
    answers = models.JSONField(default=dict)
    page = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("brouillon")
        constraints = [
            models.UniqueConstraint(fields=["member", "survey"], name="surveys_draft_once"),
        ]

    def __str__(self):
        return f"{self.member_id} — {self.survey_id}"


class Tally(models.Model):
    """A counter of answers, kept with each submission, so results never re-read the answers.

    One row per (question, answer key, day, favourite museum, language): `key` is
    `c<choice>` (a pick), `c<choice>:r<row>` (a matrix cell), `c<choice>:k<rank>`
    (a rank), `v<value>` (a rating or NPS score), `n` (a number: `total` holds
    the sum) or `t` (a text or a date given). Results add rows up with SQL
    `SUM … GROUP BY`; their number depends on days × museums × options, never on
    the number of responses. `museum` is 0 and `language` empty for an anonymous
    response. Written by one `INSERT … ON CONFLICT DO UPDATE` per submission.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tallies")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="tallies")
    key = models.CharField(max_length=40)
    day = models.DateField()
    museum = models.PositiveIntegerField(default=0)  # the favourite museum's id, 0 when none or anonymous
    language = models.CharField(max_length=8, blank=True)
    count = models.PositiveIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur de réponses")
        verbose_name_plural = _("compteurs de réponses")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "key", "day", "museum", "language"], name="surveys_tally_one_per_cell"
            ),
        ]
        indexes = [models.Index(fields=["survey", "day"], name="surveys_tally_survey_day")]

    def __str__(self):
        return f"{self.question_id} {self.key} {self.day}: {self.count}"


class ResponseCount(models.Model):
    """Responses per (survey, day, favourite museum, language): the results' response count and dates."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="response_counts")
    day = models.DateField()
    museum = models.PositiveIntegerField(default=0)
    language = models.CharField(max_length=8, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("nombre de réponses")
        verbose_name_plural = _("nombres de réponses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "day", "museum", "language"], name="surveys_responsecount_one_per_cell"
            ),
        ]

    def __str__(self):
        return f"{self.survey_id} {self.day}: {self.count}"


class Export(models.Model):
    """A spreadsheet of a survey's responses, built by a background task; its progress shows on the page."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("prêt")
        FAILED = "failed", _("échoué")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("réponses écrites"), default=0)
    total = models.PositiveIntegerField(_("réponses"), default=0)
    file = models.FileField(_("fichier"), upload_to="surveys/exports", blank=True)
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.survey_id} — {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.DONE else int(100 * self.done / self.total) if self.total else 0


class PendingResponse(models.Model):
    """An anonymous response waiting to be written among others, its answers sealed.

    Written in the member's transaction (with the participation: a crash loses
    nothing), so it shares that transaction's `xmin` — hence the answers are
    encrypted with a key derived from the server's secret, which the admin,
    the exports, the API and a database dump do not hold. `surveys.anonymity`
    later writes several of them at once, in random order, as submissions in
    one transaction, and deletes them: the batch shares one `xmin`, and nothing
    says which participation gave which submission.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="pending_responses")
    sealed = models.BinaryField()

    class Meta:
        verbose_name = _("réponse anonyme en attente")
        verbose_name_plural = _("réponses anonymes en attente")

    def __str__(self):
        return f"{self.survey_id}"
