"""Factories of activities and sessions for the tests."""

from datetime import timedelta

import factory
from django.utils import timezone

from club.members.tests.factories import MuseumFactory
from museums.events.models import Activity, Session


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    museum = factory.SubFactory(MuseumFactory)
    kind = Activity.Kind.ACTIVITY
    slug = factory.Sequence(lambda n: f"activite-{n}")
    title_fr = factory.Sequence(lambda n: f"Visite nocturne {n}")
    summary_fr = "Les salles à la lampe torche."
    description_fr = "Une heure et demie dans les salles fermées, avec une médiatrice."
    price_points = 0
    cancellation_hours = 24


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    activity = factory.SubFactory(ActivityFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    duration_minutes = 90
    place_fr = "Hall d'entrée"
    capacity = 20
