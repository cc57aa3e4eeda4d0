"""Factories of content for the tests."""

from datetime import timedelta

import factory
from django.utils import timezone

from museums.content.models import Content, Series


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    slug = factory.Sequence(lambda n: f"serie-{n}")
    title_fr = factory.Sequence(lambda n: f"Série {n}")
    release_days = "0,1,2,3,4"
    release_time = "18:00"


class ContentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Content

    slug = factory.Sequence(lambda n: f"contenu-{n}")
    kind = Content.Kind.ARTICLE
    title_fr = factory.Sequence(lambda n: f"Contenu {n}")
    summary_fr = "Un chapeau de deux phrases."
    body_fr = "Le texte **entier**."
    body_html_fr = "<p>Le texte <strong>entier</strong>.</p>"
    members_only = True
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
