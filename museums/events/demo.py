"""Activities and events of the demo (`manage.py seed_demo`), written through the events' services.

- nine activities and events across the museums, in French and English, with
  pictures drawn here with Pillow: activities to test and rate (members only,
  some paid in points, one open to a guest) and events (two public);
- sessions in the coming weeks; one of them full, with a waiting list (the
  demo member is fourth in line);
- the VIP opening: the session that backs the shop's "Vernissage VIP" gift
  (`Session.gift`, the gift fulfilled by a seat);
- past sessions with their attendance marked at the door by the museum's
  team, some rated (with comments), and the demo member's attended ticket left
  unrated so that they can rate it; an upcoming ticket for the demo member.

The bookings are made by the demo readers seed_demo passes (members without a
password who never log in, who chose no email about events: their addresses
are made up) and by the demo member, with the services' `now=` set in the
past where the story needs it. A booking a member cannot pay is left out.

Idempotent: an activity is found by its slug and then left as it is, with its
sessions and bookings; the VIP session is linked to the gift on any run where
the gift is fulfilled by a seat and the session not linked yet.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from club.core.errors import DomainError
from club.members.models import Member
from club.notifications.models import NotificationKind
from club.notifications.services import preference_set
from museums.events import services
from museums.events.fulfilment import SEAT
from museums.events.models import Activity, Booking, Session
from museums.models import Museum

VIP_GIFT_SLUG = "vernissage-vip"
VIP_ACTIVITY_SLUG = "vernissage-vip"


@dataclass(frozen=True)
class DemoSession:
    days: int  # from today (negative: in the past)
    hour: int
    capacity: int
    # "past": attended, some rated ("past-mine": the demo member attended too, not rated yet); "mine": the demo
    # member's upcoming ticket; "full": booked out, with a waiting list; "vip": backs the shop's gift.
    role: str = ""


@dataclass(frozen=True)
class DemoActivity:
    slug: str
    museum: str
    kind: str
    title: tuple[str, str]  # (French, English)
    summary: tuple[str, str]
    description: tuple[str, str]
    place: tuple[str, str]
    picture_alt: tuple[str, str]
    colour: tuple[int, int, int]
    sessions: tuple[DemoSession, ...]
    price_points: int = 0
    members_only: bool = True
    guest_allowed: bool = False
    duration_minutes: int = 90
    extra: dict = field(default_factory=dict)


ACTIVITY, EVENT = Activity.Kind.ACTIVITY, Activity.Kind.EVENT

ACTIVITIES = [
    DemoActivity(
        slug="nuit-dans-les-reserves",
        museum="beaux-arts",
        kind=ACTIVITY,
        title=("Nuit dans les réserves", "A night in the reserves"),
        summary=(
            "Une visite à la lampe torche des réserves du musée, là où attendent 30 000 œuvres.",
            "A torchlight tour of the museum's reserves, where 30,000 works wait.",
        ),
        description=(
            "Après la fermeture, la régisseuse des œuvres vous ouvre les réserves : les grilles de tableaux, "
            "les caisses prêtes à partir en prêt, la salle de quarantaine.\n\nDites-nous ensuite ce que vous en "
            "avez pensé : nous préparons une version pour le grand public.",
            "After closing time, the registrar opens the reserves for you: the painting racks, the crates ready "
            "to leave on loan, the quarantine room.\n\nTell us afterwards what you thought: we are preparing a "
            "version for the general public.",
        ),
        place=("Entrée du personnel, côté square Verdrel", "Staff entrance, on the Square Verdrel side"),
        picture_alt=("Dessin d'un faisceau de lampe dans une réserve", "Drawing of a torch beam in a storeroom"),
        colour=(32, 44, 84),
        duration_minutes=120,
        sessions=(DemoSession(-12, 20, 12, "past-mine"), DemoSession(9, 20, 12, "mine"), DemoSession(23, 20, 12)),
    ),
    DemoActivity(
        slug="atelier-faience-grand-feu",
        museum="ceramique",
        kind=ACTIVITY,
        title=("Atelier faïence : peindre au grand feu", "Faience workshop: high-fire painting"),
        summary=(
            "Peignez un carreau au bleu de cobalt avec une céramiste, cuit et remis un mois plus tard.",
            "Paint a tile in cobalt blue with a ceramicist, fired and handed over a month later.",
        ),
        description=(
            "Le décor « à la corne d'abondance » n'aura plus de secret pour vous. Venez avec un proche : "
            "l'atelier accepte un accompagnant.",
            "The 'horn of plenty' pattern will hold no more secrets for you. Bring someone along: the workshop "
            "welcomes a guest.",
        ),
        place=("Salle pédagogique, 1 rue Faucon", "Education room, 1 rue Faucon"),
        picture_alt=("Dessin d'un carreau de faïence bleu et blanc", "Drawing of a blue and white faience tile"),
        colour=(24, 84, 150),
        price_points=60,
        guest_allowed=True,
        duration_minutes=150,
        sessions=(DemoSession(-20, 14, 10, "past"), DemoSession(12, 14, 10), DemoSession(26, 14, 10)),
    ),
    DemoActivity(
        slug="forger-une-clef",
        museum="le-secq-des-tournelles",
        kind=ACTIVITY,
        title=("Forger une clef avec un ferronnier", "Forge a key with a blacksmith"),
        summary=(
            "Une matinée à la forge, d'après une clef du XVIIIᵉ siècle des collections.",
            "A morning at the forge, after an 18th-century key from the collections.",
        ),
        description=(
            "Chauffer, étirer, limer : un ferronnier d'art vous guide pas à pas. Tenue couvrante conseillée.",
            "Heat, draw out, file: a master blacksmith guides you step by step. Covering clothes advised.",
        ),
        place=("Parvis de l'église Saint-Laurent", "Forecourt of Saint-Laurent church"),
        picture_alt=("Dessin d'une grande clef ancienne", "Drawing of a large old key"),
        colour=(70, 60, 56),
        price_points=40,
        duration_minutes=180,
        sessions=(DemoSession(16, 10, 6),),
    ),
    DemoActivity(
        slug="coulisses-taxidermie",
        museum="museum-histoire-naturelle",
        kind=ACTIVITY,
        title=("Les coulisses de la taxidermie", "Behind the scenes of taxidermy"),
        summary=(
            "Le taxidermiste du Muséum vous montre comment renaît un spécimen de 1880.",
            "The museum's taxidermist shows you how an 1880 specimen comes back to life.",
        ),
        description=(
            "Huit places seulement, autour de l'établi : les séances partent vite, inscrivez-vous sur la liste "
            "d'attente si elle est complète.",
            "Only eight seats around the workbench: sessions go fast, join the waiting list when one is full.",
        ),
        place=("Laboratoire, 198 rue Beauvoisine", "Laboratory, 198 rue Beauvoisine"),
        picture_alt=("Dessin d'un renard naturalisé sur un socle", "Drawing of a stuffed fox on a stand"),
        colour=(120, 72, 30),
        sessions=(DemoSession(-30, 18, 8, "past"), DemoSession(6, 18, 8, "full")),
    ),
    DemoActivity(
        slug="conference-rotomagus",
        museum="antiquites",
        kind=EVENT,
        title=("Conférence : Rotomagus, Rouen gallo-romaine", "Lecture: Rotomagus, Roman Rouen"),
        summary=(
            "Ce que les fouilles récentes disent de la ville antique, par l'archéologue du musée.",
            "What recent excavations say about the ancient city, by the museum's archaeologist.",
        ),
        description=(
            "Une heure, des images inédites, vos questions. Ouvert à tous : les visiteurs voient la date, "
            "les membres réservent leur place et celle d'un invité.",
            "One hour, unseen pictures, your questions. Open to all: visitors see the date, members book their "
            "seat and a guest's.",
        ),
        place=("Auditorium, 198 rue Beauvoisine", "Auditorium, 198 rue Beauvoisine"),
        picture_alt=("Dessin d'une mosaïque romaine", "Drawing of a Roman mosaic"),
        colour=(150, 96, 48),
        members_only=False,
        guest_allowed=True,
        duration_minutes=60,
        sessions=(DemoSession(-8, 18, 80, "past"), DemoSession(4, 18, 80)),
    ),
    DemoActivity(
        slug=VIP_ACTIVITY_SLUG,
        museum="beaux-arts",
        kind=EVENT,
        title=("Vernissage VIP de la prochaine exposition", "VIP opening of the next exhibition"),
        summary=(
            "La soirée d'ouverture, avant le public : une place s'obtient avec le cadeau « Vernissage VIP ».",
            "The opening night, before the public: a seat comes with the 'VIP opening' gift.",
        ),
        description=(
            "Les commissaires présentent l'exposition, puis un verre est servi dans le grand escalier. "
            "Votre bon de la boutique est votre billet.",
            "The curators present the exhibition, then drinks are served on the great staircase. Your shop "
            "voucher is your ticket.",
        ),
        place=("Grand hall, esplanade Marcel-Duchamp", "Main hall, esplanade Marcel-Duchamp"),
        picture_alt=("Dessin d'un billet marqué VIP", "Drawing of a ticket marked VIP"),
        colour=(94, 14, 38),
        price_points=180,
        duration_minutes=150,
        sessions=(DemoSession(21, 19, 40, "vip"),),
    ),
    DemoActivity(
        slug="parcours-famille",
        museum="fabrique-des-savoirs",
        kind=ACTIVITY,
        title=("Tester le nouveau parcours famille", "Try the new family trail"),
        summary=(
            "Un livret-jeu en avant-première : testez-le en famille et notez-le.",
            "A game booklet ahead of its release: try it with your family and rate it.",
        ),
        description=(
            "Douze énigmes dans les salles du textile. Vos notes et vos commentaires décideront de la version "
            "imprimée.",
            "Twelve riddles in the textile galleries. Your ratings and comments will decide the printed version.",
        ),
        place=("Accueil de la Fabrique des savoirs, Elbeuf", "Fabrique des savoirs reception, Elbeuf"),
        picture_alt=("Dessin d'un livret et d'une loupe", "Drawing of a booklet and a magnifying glass"),
        colour=(40, 110, 70),
        guest_allowed=True,
        sessions=(DemoSession(2, 15, 20), DemoSession(10, 15, 20)),
    ),
    DemoActivity(
        slug="machines-en-marche",
        museum="corderie-vallois",
        kind=EVENT,
        title=("Les machines en marche", "The machines running"),
        summary=(
            "Les métiers de la corderie remis en route, commentés par un ancien de la filature.",
            "The ropeworks' machines started up, explained by a former mill worker.",
        ),
        description=(
            "Trente minutes de bruit et de fureur mécanique, puis les questions. Ouvert à tous.",
            "Thirty minutes of mechanical noise and fury, then questions. Open to all.",
        ),
        place=("Salle des machines, Notre-Dame-de-Bondeville", "Machine hall, Notre-Dame-de-Bondeville"),
        picture_alt=("Dessin d'une roue dentée", "Drawing of a cogwheel"),
        colour=(88, 88, 100),
        members_only=False,
        duration_minutes=60,
        sessions=(DemoSession(13, 15, 30),),
    ),
    DemoActivity(
        slug="lecture-au-jardin",
        museum="pierre-corneille",
        kind=EVENT,
        title=("Lecture au jardin : Le Cid", "Reading in the garden: Le Cid"),
        summary=(
            "Des comédiens lisent les grandes scènes du Cid dans le jardin de la maison natale.",
            "Actors read the great scenes of Le Cid in the garden of the playwright's birthplace.",
        ),
        description=(
            "Apportez un plaid : la lecture a lieu dans l'herbe. Repli dans la maison s'il pleut.",
            "Bring a blanket: the reading takes place on the grass. Moved indoors if it rains.",
        ),
        place=("Jardin de la maison natale, rue de la Pie", "Garden of the birthplace, rue de la Pie"),
        picture_alt=("Dessin d'un livre ouvert sous un arbre", "Drawing of an open book under a tree"),
        colour=(110, 50, 90),
        duration_minutes=60,
        sessions=(DemoSession(18, 17, 25),),
    ),
]

RATINGS = [
    (5, "Inoubliable, merci aux équipes pour leur patience et leurs anecdotes."),
    (4, "Passionnant, un peu court à mon goût."),
    (5, ""),
    (3, "Intéressant, mais on entendait mal au fond du groupe."),
    (4, "Très bonne idée, à refaire avec les enfants."),
]


def _picture(slug: str, colour: tuple[int, int, int]) -> ContentFile:
    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    for step in range(5):
        shade = tuple(min(255, c + 30 * step) for c in colour)
        inset = 60 + step * 45
        draw.ellipse([inset, inset - 20, 800 - inset, 620 - inset - 40], outline=shade, width=10)
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{slug}.png")


def _at(now: datetime, days: int, hour: int) -> datetime:
    """`hour` o'clock local time, `days` days from today."""
    day = timezone.localdate(now) + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _activity(row: DemoActivity, museum: Museum | None) -> Activity:
    activity = Activity(
        museum=museum, slug=row.slug, kind=row.kind, title_fr=row.title[0], title_en=row.title[1],
        summary_fr=row.summary[0], summary_en=row.summary[1], description_fr=row.description[0],
        description_en=row.description[1], picture_alt_fr=row.picture_alt[0], picture_alt_en=row.picture_alt[1],
        price_points=row.price_points, members_only=row.members_only, guest_allowed=row.guest_allowed,
        **row.extra,
    )  # fmt: skip
    return services.activity_picture_set(activity=activity, picture=_picture(row.slug, row.colour))


def _book(member: Member, session: Session, *, now: datetime, guest: bool = False) -> Booking | None:
    """A booking as the member would have made it at `now`; None when they could not (points, full…)."""
    try:
        with transaction.atomic():
            return services.booking_create(member=member, session=session, guest=guest, now=now)
    except DomainError:
        return None


def _past(session: Session, readers: list[Member], member: Member | None, staff: Member | None, rng) -> None:
    """Booked a few days before, attended (one no-show), some rated; the demo member's ticket (if any) unrated."""
    booked_at = session.starts_at - timedelta(days=5)
    tickets = [_book(reader, session, now=booked_at) for reader in readers[: min(len(readers), 9)]]
    mine = _book(member, session, now=booked_at) if member is not None else None
    tickets = [ticket for ticket in tickets if ticket is not None]
    if staff is None:
        return
    door = session.starts_at + timedelta(minutes=5)
    for ticket in [*tickets[:-1], *([mine] if mine else [])]:  # the last reader did not come
        services.ticket_scan(code=ticket.code, by=staff, now=door)
    after = session.ends_at + timedelta(hours=2)
    for ticket, (stars, comment) in zip(tickets[:-1], rng.sample(RATINGS, k=len(RATINGS)), strict=False):
        services.rating_create(member=ticket.member, booking=ticket, stars=stars, comment=comment, now=after)


def _full(session: Session, readers: list[Member], member: Member | None, now: datetime) -> None:
    """Booked to the last seat, then three readers and the demo member on the waiting list."""
    queue = iter(readers)
    for reader in queue:
        if _book(reader, session, now=now) is not None:
            session.refresh_from_db()
            if session.seats_left == 0:
                break
    if session.seats_left:
        return  # not enough readers to fill it
    waiting = [reader for reader, _n in zip(queue, range(3), strict=False)]
    for somebody in [*waiting, *([member] if member else [])]:
        with transaction.atomic():
            services.waitlist_join(member=somebody, session=session, now=now)


def _vip_link(session: Session) -> None:
    """The VIP session backs the shop's gift once the gift is fulfilled by a seat."""
    from rewards.shop.models import Gift

    if session.gift_id is not None:
        return
    gift = Gift.objects.filter(slug=VIP_GIFT_SLUG, fulfilment=SEAT).first()
    if gift is None or Session.objects.filter(gift=gift).exists():
        return
    session.gift = gift
    services.session_save(session=session)


def demo_events_seed(
    *, museums: list[Museum], readers: list[Member], member: Member | None = None, staff: Member | None = None
) -> list[Activity]:
    """The demo's activities, sessions, bookings, waiting list and ratings (see the module's docstring)."""
    rng = random.Random(2026)
    now = timezone.now()
    by_slug = {museum.slug: museum for museum in museums}
    activities = []
    with transaction.atomic():
        for reader in readers:  # their addresses are made up: the tickets' emails are not sent
            preference_set(member=reader, kind=NotificationKind.EVENTS, by_email=False)
        for row in ACTIVITIES:
            found = Activity.objects.filter(slug=row.slug).first()
            if found is not None:
                activities.append(found)
                continue
            activity = _activity(row, by_slug.get(row.museum) or (museums[0] if museums else None))
            activities.append(activity)
            for n, plan in enumerate(row.sessions):
                session = services.session_save(
                    session=Session(
                        activity=activity, starts_at=_at(now, plan.days, plan.hour), capacity=plan.capacity,
                        duration_minutes=row.duration_minutes, place_fr=row.place[0], place_en=row.place[1],
                    )
                )  # fmt: skip
                others = readers[n * 7 :] + readers[: n * 7]  # not always the same readers first
                if plan.role in ("past", "past-mine"):
                    _past(session, others, member if plan.role == "past-mine" else None, staff, rng)
                elif plan.role == "full":
                    _full(session, others, member, now)
                elif plan.role == "mine":
                    if member is not None:
                        _book(member, session, now=now)
                    for reader in others[:4]:
                        _book(reader, session, now=now)
                elif plan.role == "":
                    for reader in rng.sample(others, k=min(len(others), rng.randint(0, plan.capacity // 2))):
                        _book(reader, session, now=now, guest=row.guest_allowed and rng.random() < 0.3)
        vip = Session.objects.filter(activity__slug=VIP_ACTIVITY_SLUG).order_by("starts_at").first()
        if vip is not None:
            _vip_link(vip)
    return activities
