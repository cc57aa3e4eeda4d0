"""The staff's moderation queue: who may open it, what it lists, hiding, restoring and answering from it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from club.members.permissions import MUSEUM_TEAM
from club.members.tests.factories import MemberFactory, StaffFactory
from club.moderation.models import ModerationAction, Report
from club.moderation.selectors import QueueTab, moderation_items_load, moderation_queue
from club.moderation.services import moderation_hide, report_create
from museums.content.models import Comment
from museums.content.services import comment_create
from museums.content.tests.factories import ContentFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("staff:moderation")


def _moderator():
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    return staff


def _comment(body="Très belle visite.", *, content=None, reports=0, days_ago=0):
    comment = comment_create(member=MemberFactory(), content=content or ContentFactory(), body=body)
    if days_ago:
        Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    for n in range(reports):
        reason = Report.Reason.SPAM if n % 2 == 0 else Report.Reason.OFFENSIVE
        report_create(member=MemberFactory(), item=comment, reason=reason, note=f"Note {n}" if n == 0 else "")
    return comment


def _url(name, comment):
    return reverse(f"staff:moderation_{name}", args=["content.comment", comment.pk])


def test_visitors_go_to_the_login(client):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


@pytest.mark.parametrize("who", ["member", "staff without the permission"])
def test_members_and_staff_without_the_permission_are_refused(client, who):
    client.force_login(MemberFactory() if who == "member" else StaffFactory())
    comment = _comment(reports=1)
    assert client.get(QUEUE).status_code == 403
    assert client.post(_url("hide", comment), {"reason": "Spam."}).status_code == 403
    assert client.post(_url("answer", comment), {"body": "Bonjour."}).status_code == 403
    comment.refresh_from_db()
    assert not comment.is_hidden and Comment.objects.count() == 1


def test_the_hub_links_to_the_queue_for_moderators_only(client):
    client.force_login(StaffFactory())
    assert QUEUE not in client.get(reverse("staff:hub")).content.decode()
    client.force_login(_moderator())
    assert QUEUE in client.get(reverse("staff:hub")).content.decode()


def test_the_reported_tab_lists_the_most_reported_first_and_leaves_out_the_rest():
    once = _comment("Une fois.", reports=1)
    thrice = _comment("Trois fois.", reports=3)
    _comment("Jamais.")
    hidden = _comment("Masqué.", reports=2)
    moderation_hide(item=hidden, by=StaffFactory(), reason="Spam.")
    rows = list(moderation_queue(tab=QueueTab.REPORTED))
    assert [(kind, pk) for kind, pk, *_rest in rows] == [("content.comment", thrice.pk), ("content.comment", once.pk)]
    items = moderation_items_load(rows)
    assert [(reason.label, reason.count) for reason in items[0].reasons] == [
        ("Publicité ou spam", 2),
        ("Propos blessants ou injurieux", 1),
    ]
    assert items[0].notes == ["Note 0"]


def test_the_recent_tab_holds_the_last_seven_days_and_the_hidden_tab_what_was_hidden():
    new = _comment("Nouveau.")
    _comment("Ancien.", days_ago=8)
    hidden = _comment("Masqué.")
    moderation_hide(item=hidden, by=StaffFactory(), reason="Spam.")
    assert [row[1] for row in moderation_queue(tab=QueueTab.RECENT)] == [new.pk]
    assert [row[1] for row in moderation_queue(tab=QueueTab.HIDDEN)] == [hidden.pk]


def test_the_queue_shows_the_text_escaped_with_its_author_item_and_reports(client):
    comment = _comment("<script>alert('x')</script> Achetez !", reports=2)
    client.force_login(_moderator())
    page = client.get(QUEUE).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Achetez !" in page
    assert f"Message de {comment.member.display_name}" in page
    assert f'href="{comment.content.get_absolute_url()}#comment-{comment.pk}"' in page
    assert "2 signalements" in page and "Publicité ou spam" in page and "« Note 0 »" in page


def test_staff_hide_then_restore_a_comment_from_the_queue_with_a_reason(client):
    comment = _comment(reports=1)
    moderator = _moderator()
    client.force_login(moderator)
    response = client.post(_url("hide", comment), {"reason": "Propos injurieux.", "onglet": "signales", "page": "1"})
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}?onglet=signales&page=1"
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == moderator
    page = client.get(QUEUE, {"onglet": "masques"}).content.decode()
    assert "Masqué le" in page and "Propos injurieux." in page and "Rétablir ce message" in page
    response = client.post(_url("restore", comment), {"reason": "Relu.", "onglet": "masques"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert list(ModerationAction.objects.values_list("kind", "reason", "by")) == [
        ("restore", "Relu.", moderator.pk),
        ("hide", "Propos injurieux.", moderator.pk),
    ]


def test_hiding_without_a_reason_shows_why_next_to_the_form(client):
    comment = _comment(reports=1)
    client.force_login(_moderator())
    response = client.post(_url("hide", comment), {"reason": "  ", "onglet": "signales"})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="content-comment-{comment.pk}-reason-error"' in page
    assert "Indiquez la raison de votre décision (300 caractères au plus)." in page
    comment.refresh_from_db()
    assert not comment.is_hidden and not ModerationAction.objects.exists()


def test_the_missing_reason_is_said_in_english_to_english_staff(client):
    comment = _comment(reports=1)
    client.force_login(_moderator())
    client.post(reverse("set_language"), {"language": "en"})
    response = client.post(_url("restore", comment), {"reason": ""})
    assert response.status_code == 400
    assert "Give the reason for your decision (300 characters at most)." in response.content.decode()


def test_staff_answer_a_comment_as_the_museum_team(client):
    comment = _comment(reports=1)
    moderator = _moderator()
    client.force_login(moderator)
    response = client.post(_url("answer", comment), {"body": "Merci, nous corrigeons le cartel.", "onglet": "recents"})
    assert response.status_code == 302 and response["Location"].endswith(f"#content-comment-{comment.pk}")
    answer = Comment.objects.get(reply_to=comment)
    assert answer.staff_reply and answer.member == moderator and answer.content == comment.content
    page = client.get(comment.content.get_absolute_url()).content.decode()
    assert "Merci, nous corrigeons le cartel." in page and "comment-staff" in page


def test_an_empty_answer_is_refused_next_to_its_form(client):
    comment = _comment()
    client.force_login(_moderator())
    response = client.post(_url("answer", comment), {"body": " ", "onglet": "recents"})
    assert response.status_code == 400
    assert f'id="content-comment-{comment.pk}-answer-error"' in response.content.decode()
    assert not Comment.objects.filter(reply_to=comment).exists()


def test_an_unknown_kind_or_item_is_not_found(client):
    client.force_login(_moderator())
    for kind, pk in (("members.member", 1), ("content.comment", 999)):
        assert client.post(reverse("staff:moderation_hide", args=[kind, pk]), {"reason": "x"}).status_code == 404


def test_the_queue_is_paginated(client):
    content = ContentFactory()
    for _n in range(25):
        _comment(content=content)
    client.force_login(_moderator())
    first = client.get(QUEUE, {"onglet": "recents"})
    assert len(first.context["entries"]) == 20 and first.context["page"].has_next()
    second = client.get(QUEUE, {"onglet": "recents", "page": 2})
    assert len(second.context["entries"]) == 5


@pytest.mark.parametrize("tab", ["signales", "recents", "masques"])
def test_the_queue_reads_the_same_number_of_queries_for_1_and_30_items(client, django_assert_num_queries, tab):
    moderator = _moderator()
    client.force_login(moderator)
    client.get(QUEUE, {"onglet": tab})  # caches warmed (content types, the session)

    def fill(count):
        Comment.objects.all().delete()
        for n in range(count):
            comment = _comment(f"Message {n}", reports=2)
            if tab == "masques":
                moderation_hide(item=comment, by=moderator, reason="Spam.")

    fill(1)
    with django_assert_num_queries(QUERIES) as one:
        assert len(client.get(QUEUE, {"onglet": tab}).context["entries"]) == 1
    fill(30)
    with django_assert_num_queries(QUERIES):
        assert len(client.get(QUEUE, {"onglet": tab, "page": 2}).context["entries"]) == 10
    assert one


# Session, member, their two sets of permissions, the count, the page, its comments, their reports, the unread count.
QUERIES = 9
