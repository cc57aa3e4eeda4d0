"""Who a survey is for: a museum's fans only, never a member without a favourite museum."""

from datetime import timedelta

import pytest
from django.utils import timezone

from club.members.tests.factories import MemberFactory, MuseumFactory
from surveys.models import Survey
from surveys.selectors import surveys_meant_for, surveys_open_for

pytestmark = pytest.mark.django_db


def _survey(slug: str, **fields) -> Survey:
    now = timezone.now()
    return Survey.objects.create(
        slug=slug, title=slug, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=7), **fields
    )


def test_a_member_without_a_favourite_museum_is_no_museums_fan():
    for_all = _survey("pour-tous")
    fans_of_nothing = _survey("fans-sans-musee", audience=Survey.Audience.MUSEUM_FANS)  # no museum chosen yet
    fans = _survey("fans", audience=Survey.Audience.MUSEUM_FANS)
    museum = MuseumFactory()
    fans.audience_museums.add(museum)
    nobodys = MemberFactory(favourite_museum=None)
    assert list(surveys_meant_for(Survey.objects.all(), nobodys)) == [for_all]
    assert [survey.pk for survey in surveys_open_for(member=nobodys)] == [for_all.pk]
    fan = MemberFactory(favourite_museum=museum)
    assert {survey.slug for survey in surveys_meant_for(Survey.objects.all(), fan)} == {"pour-tous", "fans"}
    other_fan = MemberFactory(favourite_museum=MuseumFactory(slug="autre"))
    assert list(surveys_meant_for(Survey.objects.all(), other_fan)) == [for_all]
    assert fans_of_nothing not in surveys_meant_for(Survey.objects.all(), fan)


def test_through_the_api_a_museum_fans_survey_is_not_found_by_a_member_without_a_museum():
    from rest_framework.test import APIClient

    from club.members.services import member_api_token

    survey = _survey("fans-sans-musee", audience=Survey.Audience.MUSEUM_FANS)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {member_api_token(member=MemberFactory(favourite_museum=None))}")
    assert client.get(f"/api/v1/surveys/{survey.pk}/").status_code == 404
    assert client.get("/api/v1/surveys/").json()["results"] == []
