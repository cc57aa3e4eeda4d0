"""The club shop as seeded for the demo: five gifts with drawn pictures."""

from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

INK = (27, 27, 31)
PAPER = (255, 255, 255)

GIFTS = [
    {
        "slug": "carte-postale",
        "name_fr": "Carte postale",
        "name_en": "Postcard",
        "points": 60,
        "stock": 500,
        "description_fr": "Une carte postale d'une œuvre des collections, à envoyer ou à garder.",
        "description_en": "A postcard of a work from the collections, to send or to keep.",
        "picture_alt_fr": "Dessin d'une carte postale avec un timbre",
        "picture_alt_en": "Drawing of a postcard with a stamp",
        "colour": (31, 95, 122),
    },
    {
        "slug": "vernissage-vip",
        "name_fr": "Vernissage VIP",
        "name_en": "VIP opening",
        "points": 180,
        "fulfilment": "seat",  # a seat of the VIP opening's session (museums/events/demo.py links it)
        "stock": 40,
        "per_member_limit": 1,
        "description_fr": "Une place au vernissage de la prochaine exposition, avant l'ouverture au public.",
        "description_en": "A seat at the opening of the next exhibition, before it opens to the public.",
        "picture_alt_fr": "Dessin d'un billet marqué VIP",
        "picture_alt_en": "Drawing of a ticket marked VIP",
        "colour": (94, 14, 38),
    },
    {
        "slug": "sac",
        "name_fr": "Sac en toile du club",
        "name_en": "Club tote bag",
        "points": 240,
        "stock": 120,
        "description_fr": "Le sac en toile du Club des visiteurs, en coton biologique.",
        "description_en": "The Visitors' Club tote bag, in organic cotton.",
        "picture_alt_fr": "Dessin d'un sac en toile",
        "picture_alt_en": "Drawing of a tote bag",
        "colour": (29, 107, 53),
    },
    {
        "slug": "catalogue-exposition",
        "name_fr": "Catalogue d'exposition",
        "name_en": "Exhibition catalogue",
        "points": 450,
        "stock": 30,
        "description_fr": "Le catalogue de l'exposition en cours, illustré et commenté par les conservateurs.",
        "description_en": "The catalogue of the current exhibition, illustrated and annotated by the curators.",
        "picture_alt_fr": "Dessin d'un livre",
        "picture_alt_en": "Drawing of a book",
        "colour": (138, 75, 0),
    },
    {
        "slug": "parapluie-sisley",
        "name_fr": "Parapluie Sisley",
        "name_en": "Sisley umbrella",
        "points": 900,
        "stock": 12,
        "per_member_limit": 1,
        "description_fr": "Un parapluie imprimé d'après un paysage d'Alfred Sisley des collections.",
        "description_en": "An umbrella printed after a landscape by Alfred Sisley from the collections.",
        "picture_alt_fr": "Dessin d'un parapluie ouvert",
        "picture_alt_en": "Drawing of an open umbrella",
        "colour": (26, 95, 180),
    },
]


def _postcard(draw):
    draw.rectangle((170, 150, 630, 450), fill=PAPER, outline=INK, width=8)
    draw.line((400, 180, 400, 420), fill=INK, width=5)
    draw.rectangle((520, 175, 600, 265), outline=INK, width=6)
    for y in (300, 340, 380):
        draw.line((430, y, 600, y), fill=INK, width=5)


def _ticket(draw):
    draw.rounded_rectangle((150, 190, 650, 410), radius=30, fill=PAPER, outline=INK, width=8)
    draw.line((520, 200, 520, 400), fill=INK, width=5)
    draw.text((220, 255), "VIP", fill=INK, font_size=110)


def _bag(draw):
    draw.arc((300, 110, 500, 330), start=180, end=360, fill=PAPER, width=18)
    draw.polygon([(220, 220), (580, 220), (620, 500), (180, 500)], fill=PAPER, outline=INK)
    draw.text((300, 320), "CLUB", fill=INK, font_size=80)


def _book(draw):
    draw.rectangle((250, 120, 560, 480), fill=PAPER, outline=INK, width=8)
    draw.rectangle((250, 120, 290, 480), fill=INK)
    for y in (200, 240, 280):
        draw.line((330, y, 520, y), fill=INK, width=6)


def _umbrella(draw):
    draw.pieslice((160, 130, 640, 470), start=180, end=360, fill=PAPER, outline=INK, width=8)
    draw.line((400, 300, 400, 500), fill=PAPER, width=14)
    draw.arc((360, 470, 400, 530), start=0, end=180, fill=PAPER, width=14)


_DRAWINGS = {
    "carte-postale": _postcard,
    "vernissage-vip": _ticket,
    "sac": _bag,
    "catalogue-exposition": _book,
    "parapluie-sisley": _umbrella,
}


def gift_picture(slug: str, colour: tuple[int, int, int]) -> ContentFile:
    image = Image.new("RGB", (800, 600), colour)
    _DRAWINGS[slug](ImageDraw.Draw(image))
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{slug}.png")
