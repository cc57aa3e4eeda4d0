"""Member pages and API of content: who sees what, what a visit records, bad input, query budgets."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from club.members.services import member_api_token
from club.members.tests.factories import MemberFactory
from museums.content.models import Comment, Content, Progress, Reaction, View
from museums.content.tests.factories import ContentFactory, SeriesFactory
from rewards.ledger.selectors import balance_of

pytestmark = pytest.mark.django_db


def _api(member=None) -> APIClient:
    client = APIClient()
    if member is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {member_api_token(member=member)}")
    return client


def test_visitors_see_members_only_items_as_a_teaser_with_an_invitation_and_public_ones_whole(client):
    secret = ContentFactory(body_html_fr="<p>Le secret des réserves.</p>", members_only=True)
    public = ContentFactory(body_html_fr="<p>Pour tout le monde.</p>", members_only=False)
    page = client.get(secret.get_absolute_url()).content.decode()
    assert secret.summary in page and "Le secret des réserves" not in page and "Adhérer gratuitement" in page
    assert "Pour tout le monde." in client.get(public.get_absolute_url()).content.decode()
    listed = client.get(reverse("content:list")).content.decode()
    assert str(secret.title) in listed and "Réservé aux membres" in listed
    assert not View.objects.exists()


def test_a_member_reads_the_whole_item_and_the_visit_is_recorded_and_paid_once(client, member):
    content = ContentFactory(points=9, body_html_fr="<p>Tout le texte.</p>")
    client.force_login(member)
    first = client.get(content.get_absolute_url()).content.decode()
    assert "Tout le texte." in first and "+9 points" in first
    second = client.get(content.get_absolute_url()).content.decode()
    assert "+9 points" not in second
    assert View.objects.filter(member=member).count() == 1 and balance_of(member=member) == 9


def test_items_not_out_yet_or_withdrawn_are_nowhere(client, member):
    future = ContentFactory(publish_at=timezone.now() + timedelta(minutes=1))
    now = timezone.now()
    gone = ContentFactory(publish_at=now - timedelta(days=2), unpublish_at=now - timedelta(days=1))
    draft = ContentFactory(publish_at=None)
    client.force_login(member)
    for item in (future, gone, draft):
        assert client.get(item.get_absolute_url()).status_code == 404
        assert _api(member).get(f"/api/v1/contents/{item.pk}/").status_code == 404
    listed = {row["id"] for row in _api(member).get("/api/v1/contents/").json()["results"]}
    assert not {future.pk, gone.pk, draft.pk} & listed


def test_the_api_gives_members_only_items_to_members_only():
    secret, public = ContentFactory(members_only=True), ContentFactory(members_only=False)
    visitor = {row["id"] for row in _api().get("/api/v1/contents/").json()["results"]}
    assert visitor == {public.pk}
    assert _api().get(f"/api/v1/contents/{secret.pk}/").status_code == 404
    member = MemberFactory()
    assert {row["id"] for row in _api(member).get("/api/v1/contents/").json()["results"]} == {secret.pk, public.pk}
    detail = _api(member).get(f"/api/v1/contents/{secret.pk}/").json()
    assert detail["body_html"] and detail["embed"] is None and detail["liked"] is False


def test_likes_follows_and_progress_through_the_api_with_bad_input_refused():
    member = MemberFactory()
    content = ContentFactory(points=6)
    content.video.save("v.webm", ContentFile(b"x"), save=True)
    series = SeriesFactory()
    api = _api(member)
    liked = api.post(f"/api/v1/contents/{content.pk}/reaction/", {"liked": True}, format="json")
    assert liked.json() == {"liked": True}
    assert Reaction.objects.filter(member=member).count() == 1
    followed = api.post(f"/api/v1/series/{series.pk}/follow/", {"following": True}, format="json")
    assert followed.json() == {"following": True}
    for bad in ({"milestone": 150}, {"milestone": "x"}, {}, {"milestone": 30}):
        refused = api.post(f"/api/v1/contents/{content.pk}/progress/", bad, format="json")
        assert refused.status_code == 400 and "code" in refused.json()
    assert not Progress.objects.exists()
    done = api.post(f"/api/v1/contents/{content.pk}/progress/", {"milestone": 100}, format="json").json()
    assert done == {"furthest": 100, "points": 6, "balance": 6}
    again = api.post(f"/api/v1/contents/{content.pk}/progress/", {"milestone": 25}, format="json").json()
    assert again == {"furthest": 100, "points": 0, "balance": None}
    hidden = ContentFactory(publish_at=timezone.now() + timedelta(days=1))
    assert api.post(f"/api/v1/contents/{hidden.pk}/progress/", {"milestone": 25}, format="json").status_code == 404
    assert _api().post(f"/api/v1/contents/{content.pk}/reaction/", {"liked": True}, format="json").status_code == 401


def test_comments_are_published_at_once_shown_escaped_and_reported_once(client, member):
    content = ContentFactory()
    client.force_login(member)
    client.post(reverse("content:comment", args=[content.slug]), {"body": "<script>alert(1)</script> Bravo"})
    comment = Comment.objects.get()
    other = MemberFactory()
    client.force_login(other)
    page = client.get(content.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bravo" in page and "<script>alert(1)" not in page
    client.post(reverse("content:report", args=[comment.pk]), {"reason": "offensive"})
    second = client.post(reverse("content:report", args=[comment.pk]), {"reason": "spam"}, follow=True)
    assert "déjà signalé" in second.content.decode()
    comment.refresh_from_db()
    assert comment.reports_count == 1


def test_the_list_and_an_item_cost_the_same_queries_for_1_and_30_items(client, member, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member)

    def count(url) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = ContentFactory()
    client.get(first.get_absolute_url())  # the first visit paid; the counts below are of later days' visits
    View.objects.all().delete()
    small = count(reverse("content:list")), count(first.get_absolute_url())
    for n in range(29):
        item = ContentFactory()
        Reaction.objects.create(member=MemberFactory(), content=item)
        Comment.objects.create(member=member, content=first, body=f"Commentaire {n}")
    View.objects.all().delete()  # the item's visit recorded again, as in the first count
    assert (count(reverse("content:list")), count(first.get_absolute_url())) == small


def test_filters_that_are_not_understood_show_everything_and_never_fail(client):
    ContentFactory(members_only=False)
    for query in ("?type=<script>", "?musee=abc", "?musee=99999999999999", "?page=-1", "?serie=%00"):
        assert client.get(reverse("content:list") + query).status_code == 200
    assert _api().get("/api/v1/contents/?museum=abc&kind=zzz&tag=%00").status_code == 200
    assert _api().get("/api/v1/contents/99999999999999999999999/").status_code == 404
    assert Content.objects.count() == 1


def test_the_providers_frame_is_allowed_on_the_page_that_embeds_it_only(client, member):
    embedded = ContentFactory(embed_provider="vimeo", embed_id="76979871", members_only=False)
    plain = ContentFactory(members_only=False)
    policy = client.get(embedded.get_absolute_url()).headers["Content-Security-Policy"]
    assert "frame-src https://player.vimeo.com" in policy
    assert "vimeo" not in client.get(plain.get_absolute_url()).headers["Content-Security-Policy"]
    assert "vimeo" not in client.get(reverse("content:list")).headers["Content-Security-Policy"]
