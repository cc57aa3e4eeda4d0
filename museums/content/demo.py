"""Content of the demo (`manage.py seed_demo`), saved through the same services as the admin.

- one piece of each kind across the museums (covers drawn here with Pillow),
  two of them public, the others members-only with a teaser;
- the series "Visites en vidéo" (Musée des Beaux-Arts), released every weekday
  at 18:00: a queue of ten episodes stamped by `series_queue_set` — the first
  four out already (put out in the past by moving the series' start), six to
  come — each with the demo video (`demo_media/visite.webm`, six seconds made
  for the demo) with its WebVTT captions and transcript;
- an item embedding a video (YouTube, privacy-enhanced, click to load);
- some engagement history over the last two weeks: views, likes, comments
  (one answered by the museum's team), video progress, from the demo readers
  seed_demo passes (members without a password who never log in); then the
  day figures rolled up as the periodic job would.

Idempotent: items are found by their slug and left as they are; engagement is
written with `ON CONFLICT DO NOTHING`, so running it again adds nothing.
"""

import random
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from club.members.models import Member
from museums.content.models import Comment, Content, Follow, Progress, Reaction, Series, Tag, View
from museums.content.schedule import series_queue_set
from museums.content.services import content_save
from museums.models import Museum

MEDIA = Path(__file__).resolve().parent / "demo_media"
SERIES_SLUG = "visites-en-video"
EPISODES = [
    ("La salle des primitifs", "Trois retables et leurs secrets d'atelier."),
    ("Le cabinet des dessins", "Pourquoi les dessins ne voient la lumière que trois mois."),
    ("Les réserves", "Là où attendent 30 000 œuvres."),
    ("La restauration d'un Sisley", "Un vernis jauni, retiré millimètre par millimètre."),
    ("Le grand escalier", "Une architecture pensée pour la lumière du nord."),
    ("Les faïences de Rouen", "Le bleu et le rouge, signatures d'une ville."),
    ("Le régisseur des œuvres", "Emballer, transporter, accrocher : un métier discret."),
    ("La nuit au musée", "Ce que font les équipes après la fermeture."),
    ("Le jardin des sculptures", "Bronze, marbre et pluie normande."),
    ("Le dernier accrochage", "L'exposition d'été se prépare."),
]
PIECES = [
    (
        "collection-du-mois-decembre",
        Content.Kind.COLLECTION,
        "La collection du mois : le Sisley des bords de Seine",
        "Un paysage d'hiver, ses brumes et son histoire, raconté par la conservatrice.",
        False,
        (70, 96, 140),
    ),
    (
        "metier-restauratrice",
        Content.Kind.JOBS,
        "Découverte des métiers : restauratrice de peintures",
        "Une journée avec Claire, ses scalpels et ses solvants.",
        True,
        (140, 84, 60),
    ),
    (
        "coulisses-accrochage",
        Content.Kind.BEHIND,
        "Dans les coulisses d'un accrochage",
        "Trois semaines de préparation pour dix minutes d'émerveillement.",
        True,
        (60, 120, 90),
    ),
    (
        "article-faiences",
        Content.Kind.ARTICLE,
        "La faïence de Rouen en cinq objets",
        "Du plat à la fontaine, cinq pièces pour comprendre un savoir-faire.",
        False,
        (40, 70, 120),
    ),
    (
        "collection-du-mois-novembre",
        Content.Kind.COLLECTION,
        "La collection du mois : une horloge astronomique",
        "Mécanique, astronomie et patience : le chef-d'œuvre d'un horloger.",
        True,
        (110, 90, 50),
    ),
]
# The English of the pieces, episodes and series (staff-written texts are translatable: French first).
ENGLISH = {
    "collection-du-mois-decembre": (
        "Collection of the month: the Sisley of the Seine banks",
        "A winter landscape, its mists and its story, told by the curator.",
    ),
    "metier-restauratrice": ("Museum jobs: painting restorer", "A day with Claire, her scalpels and her solvents."),
    "coulisses-accrochage": ("Behind the scenes of a hanging", "Three weeks of preparation for ten minutes of wonder."),
    "article-faiences": ("Rouen faience in five objects", "From dish to fountain, five pieces to understand a craft."),
    "collection-du-mois-novembre": (
        "Collection of the month: an astronomical clock",
        "Mechanics, astronomy and patience: a clockmaker's masterpiece.",
    ),
    "entretien-conservatrice": ("Interview with the curator", "Twenty minutes on the year's acquisitions."),
}
EPISODES_ENGLISH = [
    ("The primitives' room", "Three altarpieces and their workshop secrets."),
    ("The drawings room", "Why drawings see the light for three months only."),
    ("The reserves", "Where 30,000 works wait."),
    ("Restoring a Sisley", "A yellowed varnish, removed millimetre by millimetre."),
    ("The great staircase", "An architecture designed for the northern light."),
    ("Rouen faience", "Blue and red, a city's signatures."),
    ("The registrar", "Packing, moving, hanging: a discreet job."),
    ("A night at the museum", "What the teams do after closing time."),
    ("The sculpture garden", "Bronze, marble and Normandy rain."),
    ("The last hanging", "The summer exhibition is being prepared."),
]  # fmt: skip
BODY = """Les équipes du musée vous ouvrent leurs portes.

## Ce que vous allez découvrir

- l'histoire de l'œuvre et de son arrivée au musée ;
- le regard de la personne qui en prend soin ;
- un détail que l'on ne voit pas depuis la salle.

> « On ne restaure jamais pour effacer le temps, mais pour le rendre lisible. »

Bonne découverte, et dites-nous en commentaire ce que vous en pensez.
"""
TRANSCRIPT = (
    "[Musique douce] Bienvenue dans les réserves du musée. Les œuvres y attendent leur prochaine exposition, "
    "à l'abri de la lumière, à 19 degrés et 50 % d'humidité."
)
COMMENTS = [
    "Passionnant, merci pour ces coulisses !",
    "J'ignorais tout de ce métier. Bravo aux équipes.",
    "Vivement le prochain épisode.",
    "Est-ce que l'on peut visiter les réserves lors des Journées du patrimoine ?",
]
STAFF_ANSWER = "Oui : les réserves ouvrent aux membres du club lors des Journées du patrimoine, sur réservation."


def _cover(colour: tuple[int, int, int], name: str) -> ContentFile:
    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    for step in range(6):
        inset = 40 + step * 40
        shade = tuple(min(255, c + 25 * step) for c in colour)
        draw.rectangle([inset, inset, 800 - inset, 600 - inset], outline=shade, width=8)
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{name}.png")


def _piece(slug: str, **fields) -> Content:
    found = Content.objects.filter(slug=slug).first()
    if found is not None:
        return found
    colour = fields.pop("colour", (80, 80, 80))
    title_en, summary_en = ENGLISH.get(slug, ("", ""))
    content = Content(slug=slug, body_fr=BODY, title_en=title_en, summary_en=summary_en, **fields)
    content.cover.save(f"{slug}.png", _cover(colour, slug), save=False)
    content.cover_alt_fr = f"Illustration : {fields['title_fr']}"
    return content_save(content=content)


def _episode(series: Series, number: int, title: str, summary: str, museum: Museum | None) -> Content:
    slug = f"visite-video-{number:02d}"
    found = Content.objects.filter(slug=slug).first()
    if found is not None:
        return found
    content = Content(
        slug=slug, kind=Content.Kind.VIDEO_VISIT, museum=museum, series=series, title_fr=title, summary_fr=summary,
        title_en=EPISODES_ENGLISH[number - 1][0], summary_en=EPISODES_ENGLISH[number - 1][1],
        body_fr=BODY, transcript_fr=TRANSCRIPT, members_only=True,
    )  # fmt: skip
    content.video.save("visite.webm", ContentFile((MEDIA / "visite.webm").read_bytes()), save=False)
    content.captions.save("visite.vtt", ContentFile((MEDIA / "visite.vtt").read_bytes()), save=False)
    content.cover.save(f"{slug}.png", _cover((50 + number * 12, 60, 110), slug), save=False)
    content.cover_alt_fr = f"Image d'ouverture de l'épisode {number} : {title}"
    return content_save(content=content)


def _series(museum: Museum | None) -> Series:
    series, created = Series.objects.get_or_create(
        slug=SERIES_SLUG,
        defaults={
            "title_fr": "Visites en vidéo", "title_en": "Video visits", "museum": museum,
            "summary_en": "Ten visits filmed in the galleries and the reserves, an episode every weekday at 6 pm.",
            "summary_fr": "Dix visites filmées dans les salles et les réserves, un épisode chaque jour de semaine "
            "à 18 h.",
            "release_days": "0,1,2,3,4", "release_time": "18:00",
        },
    )  # fmt: skip
    if created:
        episodes = [_episode(series, n, *EPISODES[n - 1], museum) for n in range(1, len(EPISODES) + 1)]
        # Stamped as if the queue had been filled a week ago: four weekdays out, six to come.
        now = timezone.now()
        series_queue_set(series=series, queue=episodes[:4], now=now - timedelta(days=7))
        series_queue_set(series=series, queue=episodes[4:], now=now)
    return series


def _engagement(items: list[Content], readers: list[Member], rng: random.Random) -> None:
    """Two weeks of views, likes, comments and video progress from the demo readers."""
    now = timezone.now()
    out = [item for item in items if item.is_visible(now)]
    views, reactions, progress = [], [], []
    for item in out:
        age = max(1, (now - item.publish_at).days) if item.publish_at else 1
        for reader in rng.sample(readers, k=min(len(readers), rng.randint(len(readers) // 3, len(readers)))):
            day = timezone.localdate(now - timedelta(days=rng.randint(0, min(age, 13))))
            views.append(View(member=reader, content=item, day=day))
            if rng.random() < 0.25:
                reactions.append(Reaction(member=reader, content=item))
            if item.video and rng.random() < 0.7:
                progress.append(
                    Progress(member=reader, content=item, day=day, furthest=rng.choice([0, 25, 50, 75, 100, 100]))
                )
    View.objects.bulk_create(views, ignore_conflicts=True)
    Reaction.objects.bulk_create(reactions, ignore_conflicts=True)
    Progress.objects.bulk_create(progress, ignore_conflicts=True)


def _comments(items: list[Content], readers: list[Member], staff: Member | None) -> None:
    for n, item in enumerate(items[:3]):
        if Comment.objects.filter(content=item).exists():
            continue
        first = Comment.objects.create(content=item, member=readers[n % len(readers)], body=COMMENTS[n])
        Comment.objects.create(content=item, member=readers[(n + 3) % len(readers)], body=COMMENTS[3])
        if staff is not None and n == 0:
            Comment.objects.create(content=item, member=staff, body=STAFF_ANSWER, reply_to=first, staff_reply=True)


def demo_content_seed(*, museums: list[Museum], readers: list[Member], staff: Member | None = None) -> list[Content]:
    """The demo's content, series and engagement (see the module's docstring); returns every item."""
    rng = random.Random(2026)
    now = timezone.now()
    with transaction.atomic():
        tags = {
            slug: Tag.objects.get_or_create(slug=slug, defaults={"name_fr": fr, "name_en": en})[0]
            for slug, fr, en in (("peinture", "Peinture", "Painting"), ("metiers", "Métiers", "Jobs"),
                                 ("faience", "Faïence", "Faience"))
        }  # fmt: skip
        pieces = []
        for n, (slug, kind, title, summary, members_only, colour) in enumerate(PIECES):
            piece = _piece(
                slug, kind=kind, museum=museums[n % len(museums)] if museums else None, title_fr=title,
                summary_fr=summary, members_only=members_only, colour=colour,
                publish_at=now - timedelta(days=3 + 4 * n),
            )  # fmt: skip
            piece.tags.add(
                tags["metiers"]
                if kind == Content.Kind.JOBS
                else tags["faience"]
                if "faience" in slug
                else tags["peinture"]
            )
            pieces.append(piece)
        embedded = Content.objects.filter(slug="entretien-conservatrice").first() or content_save(
            content=Content(
                slug="entretien-conservatrice", kind=Content.Kind.BEHIND, museum=museums[0] if museums else None,
                title_fr="Entretien avec la conservatrice", summary_fr="Vingt minutes sur les acquisitions de l'année.",
                title_en=ENGLISH["entretien-conservatrice"][0], summary_en=ENGLISH["entretien-conservatrice"][1],
                body_fr=BODY, transcript_fr=TRANSCRIPT, embed_provider=Content.Provider.YOUTUBE, embed_id="M7lc1UVf-VE",
                publish_at=now - timedelta(days=2),
            )
        )  # fmt: skip
        series = _series(museums[0] if museums else None)
        episodes = list(Content.objects.filter(series=series).order_by("series_position"))
        items = [*pieces, embedded, *episodes]
        if readers:
            _engagement(items, readers, rng)
            _comments([*episodes[:1], *pieces[:2]], readers, staff)
            Follow.objects.bulk_create(
                [Follow(member=reader, series=series) for reader in readers[:10]], ignore_conflicts=True
            )
    from museums.content.engagement import engagement_roll_up

    engagement_roll_up(days=15, now=now)
    return items
