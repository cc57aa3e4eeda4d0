"""Shared reads about museums."""

from django.db.models import QuerySet

from museums.models import Museum


def museums_visible() -> QuerySet[Museum]:
    return Museum.objects.filter(is_active=True).order_by("position", "name")
