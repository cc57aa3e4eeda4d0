"""A hidden comment leaves the content page for everyone but its author, who sees it marked with the reason."""

import pytest
from django.urls import reverse

from club.members.tests.factories import MemberFactory, StaffFactory
from club.moderation.models import Report
from club.moderation.services import moderation_hide
from museums.content.services import comment_create
from museums.content.tests.factories import ContentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden():
    content = ContentFactory()
    author = MemberFactory()
    comment = comment_create(member=author, content=content, body="Un message hors sujet.")
    moderation_hide(item=comment, by=StaffFactory(), reason="Hors sujet : parlons de la visite.")
    return comment


def test_a_hidden_comment_is_gone_for_other_members(client, hidden):
    client.force_login(MemberFactory())
    page = client.get(hidden.content.get_absolute_url()).content.decode()
    assert "Un message hors sujet." not in page and f'id="comment-{hidden.pk}"' not in page


def test_a_hidden_comment_stays_visible_and_marked_for_its_author(client, hidden):
    client.force_login(hidden.member)
    page = client.get(hidden.content.get_absolute_url()).content.decode()
    assert "Un message hors sujet." in page
    assert "Masqué par l'équipe (vous seul le voyez) : Hors sujet : parlons de la visite." in page


def test_a_member_reports_a_comment_from_the_content_page_once(client):
    comment = comment_create(member=MemberFactory(), content=ContentFactory(), body="Achetez ici !")
    client.force_login(MemberFactory())
    url = reverse("content:report", args=[comment.pk])
    client.post(url, {"reason": "spam"})
    response = client.post(url, {"reason": "offensive"}, follow=True)
    assert "Vous avez déjà signalé ce message" in response.content.decode()
    comment.refresh_from_db()
    assert comment.reports_count == 1 and Report.objects.get().reason == "spam"
