"""Members' events: views once a day, points once per item, milestones that only grow, likes, follows, comments."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from club.members.tests.factories import MemberFactory
from museums.content import services
from museums.content.models import Comment, Follow, Progress, Reaction, View
from museums.content.tests.factories import ContentFactory, SeriesFactory
from rewards.ledger.models import LedgerEntry, Reason
from rewards.ledger.selectors import balance_of

pytestmark = pytest.mark.django_db


def _video(**fields):
    content = ContentFactory(**fields)
    content.video.save("v.webm", ContentFile(b"not played in these tests"), save=True)
    return content


def test_a_view_is_recorded_once_a_day_and_the_points_paid_once_per_item(member, clock):
    content = ContentFactory(points=7)
    for _reload in range(5):
        services.content_view(member=member, content=content)
    assert View.objects.filter(member=member, content=content).count() == 1
    clock.shift(timedelta(days=1))
    assert services.content_view(member=member, content=content) is None  # a new day's view; paid already
    assert View.objects.filter(member=member, content=content).count() == 2
    assert LedgerEntry.objects.filter(member=member, reason=Reason.CONTENT_VIEWED).count() == 1
    assert balance_of(member=member) == 7


def test_the_database_refuses_a_second_view_the_same_day(member):
    content = ContentFactory()
    View.objects.create(member=member, content=content, day=timezone.localdate())
    with pytest.raises(IntegrityError), transaction.atomic():
        View.objects.bulk_create([View(member=member, content=content, day=timezone.localdate())])


def test_an_uploaded_video_pays_when_watched_to_the_end_and_milestones_never_go_back(member):
    content = _video(points=12)
    services.content_view(member=member, content=content)
    assert balance_of(member=member) == 0  # opening the page pays nothing for an uploaded video
    assert services.progress_record(member=member, content=content, milestone=0) == (0, None)
    assert services.progress_record(member=member, content=content, milestone=75)[0] == 75
    assert services.progress_record(member=member, content=content, milestone=50)[0] == 75  # out of order: kept
    furthest, entry = services.progress_record(member=member, content=content, milestone=100)
    assert furthest == 100 and entry is not None and entry.amount == 12
    assert services.progress_record(member=member, content=content, milestone=100) == (100, None)  # once
    assert Progress.objects.get(member=member, content=content).furthest == 100 and balance_of(member=member) == 12


@pytest.mark.parametrize("milestone", [101, 150, -1, 30, True, "100", None])
def test_absurd_milestones_are_refused_and_change_nothing(member, milestone):
    content = _video()
    with pytest.raises(services.MilestoneInvalid):
        services.progress_record(member=member, content=content, milestone=milestone)
    assert not Progress.objects.exists()


def test_progress_on_an_item_without_an_uploaded_video_is_refused(member):
    with pytest.raises(services.NoVideoToWatch):
        services.progress_record(member=member, content=ContentFactory(), milestone=25)


def test_one_like_per_member_and_a_follow_that_can_be_undone(member):
    content, series = ContentFactory(), SeriesFactory()
    for _twice in range(2):
        services.reaction_set(member=member, content=content, liked=True)
        services.follow_set(member=member, series=series, following=True)
    assert Reaction.objects.count() == 1 and Follow.objects.count() == 1
    services.reaction_set(member=member, content=content, liked=False)
    services.follow_set(member=member, series=series, following=False)
    assert not Reaction.objects.exists() and not Follow.objects.exists()


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001, "a\x00b", None, 42])
def test_empty_oversized_or_binary_comments_are_refused(member, body):
    with pytest.raises(services.CommentInvalid):
        services.comment_create(member=member, content=ContentFactory(), body=body)
    assert not Comment.objects.exists()


def test_a_comment_is_kept_as_typed_and_only_staff_answer_as_the_museum_team(member):
    content = ContentFactory()
    typed = "<script>alert(1)</script> Superbe"
    comment = services.comment_create(member=member, content=content, body=typed, as_staff=True)
    assert comment.body == "<script>alert(1)</script> Superbe" and not comment.staff_reply
    staff = MemberFactory(is_staff=True)
    reply = services.comment_create(member=staff, content=content, body="Merci !", reply_to=comment, as_staff=True)
    assert reply.staff_reply and reply.reply_to == comment
    with pytest.raises(services.CommentsClosed):
        services.comment_create(member=member, content=ContentFactory(), body="Ailleurs", reply_to=comment)
