"""A small engagement history counted by hand, shared by the figures', pages' and browser tests.

Friday 13 November 2026 (Paris), evening; then Saturday 14 at noon (the `clock` fixture's start):

- "Visite 1" (uploaded video, series "Visites", released Friday 18:00), "Visite 2" (series, released
  Saturday 10:00), "L'atelier" (an article, no series, museum "Beaux-Arts"; the others at "Histoire");
- Friday: Ana and Bruno open Visite 1, Ana opens L'atelier; Ana starts Visite 1 and reaches 50 %,
  Bruno watches it to the end; Ana likes Visite 1;
- Saturday: Ana opens Visite 1 again and Visite 2 (twice), Chloé opens Visite 1 and Visite 2; Chloé
  comments on Visite 1, Bruno on L'atelier, and a comment of Chloé's on L'atelier is hidden; Chloé
  starts Visite 1 (25 %), Ana goes on to 75 %.

By hand: Visite 1 — Friday 2 views, 2 readers, 1 like, 2 starts (75 + 100); Saturday 2 views, 1 new
reader (Chloé), 1 comment, 1 start (25): 4 views, 3 readers, 2 interactions (50 %), completion
200 / 3 = 66.7 %. Visite 2 — Saturday 2 views, 2 readers. L'atelier — Friday 1 view, 1 reader;
Saturday 1 comment: 100 %. The series: 6 views, 3 readers (Ana, Bruno, Chloé: each once), 2
interactions. Everything: 7 views, 6 first reads, 3 interactions (42.9 %).
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone

from club.members.models import Member
from club.members.tests.factories import MemberFactory
from museums.content import services
from museums.content.engagement import engagement_roll_up
from museums.content.models import Comment, Content, Series
from museums.content.tests.factories import ContentFactory, SeriesFactory
from museums.models import Museum

PARIS = ZoneInfo("Europe/Paris")
FRIDAY = date(2026, 11, 13)
SATURDAY = date(2026, 11, 14)
FRIDAY_EVENING = datetime(2026, 11, 13, 20, 0, tzinfo=PARIS)
SATURDAY_NOON = datetime(2026, 11, 14, 12, 0, tzinfo=PARIS)


@dataclass
class History:
    series: Series
    visit1: Content
    visit2: Content
    workshop: Content
    history_museum: Museum
    fine_arts: Museum
    ana: Member
    bruno: Member
    chloe: Member


def museum(slug: str, name: str) -> Museum:
    return Museum.objects.create(slug=slug, name=name, name_fr=name, town="Lyon", address="1 rue", postcode="69001")


def history_build(clock) -> History:
    """Build the history above with the members' own services, then roll it up (the clock ends Saturday noon)."""
    clock.move_to(FRIDAY_EVENING)
    history_museum, fine_arts = museum("histoire", "Musée d'Histoire"), museum("beaux-arts", "Musée des Beaux-Arts")
    series = SeriesFactory(title_fr="Visites", museum=history_museum)
    visit1 = ContentFactory(
        title_fr="Visite 1", kind=Content.Kind.VIDEO_VISIT, series=series, series_position=1, museum=history_museum,
        publish_at=datetime(2026, 11, 13, 18, 0, tzinfo=PARIS),
    )  # fmt: skip
    visit1.video.save("visite.webm", ContentFile(b"a video"), save=True)
    visit2 = ContentFactory(
        title_fr="Visite 2", series=series, series_position=2, museum=history_museum,
        publish_at=datetime(2026, 11, 14, 10, 0, tzinfo=PARIS),
    )  # fmt: skip
    workshop = ContentFactory(title_fr="L'atelier", museum=fine_arts, publish_at=datetime(2026, 11, 1, tzinfo=PARIS))
    ana, bruno, chloe = MemberFactory(), MemberFactory(), MemberFactory()

    services.content_view(member=ana, content=visit1)
    services.content_view(member=bruno, content=visit1)
    services.content_view(member=ana, content=workshop)
    services.progress_record(member=ana, content=visit1, milestone=0)
    services.progress_record(member=ana, content=visit1, milestone=50)
    services.progress_record(member=bruno, content=visit1, milestone=100)
    services.reaction_set(member=ana, content=visit1, liked=True)

    clock.move_to(SATURDAY_NOON)
    services.content_view(member=ana, content=visit1)
    services.content_view(member=ana, content=visit2)
    services.content_view(member=ana, content=visit2)  # a reload: the same view
    services.content_view(member=chloe, content=visit1)
    services.content_view(member=chloe, content=visit2)
    services.comment_create(member=chloe, content=visit1, body="Superbe.")
    services.comment_create(member=bruno, content=workshop, body="Merci !")
    Comment.objects.create(member=chloe, content=workshop, body="Hors sujet", hidden_at=timezone.now())
    services.progress_record(member=chloe, content=visit1, milestone=25)
    services.progress_record(member=ana, content=visit1, milestone=75)
    engagement_roll_up(days=2)
    return History(series, visit1, visit2, workshop, history_museum, fine_arts, ana, bruno, chloe)
