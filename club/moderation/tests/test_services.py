"""Reports once per member, never one's own; hiding and restoring need a reason and are journalled."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from club.members.permissions import CLUB_ADMINISTRATION, MUSEUM_TEAM
from club.members.tests.factories import MemberFactory, StaffFactory
from club.moderation.models import ModerationAction, Report
from club.moderation.services import (
    AlreadyReported,
    ModerationReasonRequired,
    NothingToChange,
    OwnItem,
    ReportReasonInvalid,
    moderation_hide,
    moderation_restore,
    report_create,
)
from club.privacy.registry import personal_data_export
from museums.content.models import Comment
from museums.content.services import comment_create
from museums.content.tests.factories import ContentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment():
    return comment_create(member=MemberFactory(), content=ContentFactory(), body="Très belle visite.")


def test_a_member_reports_a_comment_once_and_a_second_report_is_refused(comment):
    reader = MemberFactory()
    report = report_create(member=reader, item=comment, reason=Report.Reason.SPAM, note="  Un lien vers un site.  ")
    assert report.note == "Un lien vers un site."
    with pytest.raises(AlreadyReported):
        report_create(member=reader, item=comment, reason=Report.Reason.OFFENSIVE)
    comment.refresh_from_db()
    assert comment.reports_count == 1 and Report.objects.count() == 1


def test_the_database_refuses_a_second_report_by_the_same_member_without_the_orm(comment):
    reader = MemberFactory()
    content_type = ContentType.objects.get_for_model(Comment)
    insert = (
        "INSERT INTO moderation_report (content_type_id, object_id, member_id, reason, note, created_at) "
        "VALUES (%s, %s, %s, 'spam', '', %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(insert, [content_type.pk, comment.pk, reader.pk, timezone.now()])
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute(insert, [content_type.pk, comment.pk, reader.pk, timezone.now()])


def test_a_member_cannot_report_their_own_comment(comment):
    with pytest.raises(OwnItem):
        report_create(member=comment.member, item=comment, reason=Report.Reason.SPAM)
    assert not Report.objects.exists()


def test_an_unknown_reason_is_refused(comment):
    with pytest.raises(ReportReasonInvalid):
        report_create(member=MemberFactory(), item=comment, reason="boring")
    comment.refresh_from_db()
    assert comment.reports_count == 0


def test_each_members_report_counts_once(comment):
    for _n in range(3):
        report_create(member=MemberFactory(), item=comment, reason=Report.Reason.OFF_TOPIC)
    assert comment.reports_count == 3
    comment.refresh_from_db()
    assert comment.reports_count == 3


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_hiding_needs_a_reason_of_at_most_300_characters(comment, reason):
    with pytest.raises(ModerationReasonRequired):
        moderation_hide(item=comment, by=StaffFactory(), reason=reason)
    comment.refresh_from_db()
    assert not comment.is_hidden and not ModerationAction.objects.exists()


def test_restoring_needs_a_reason(comment):
    staff = StaffFactory()
    moderation_hide(item=comment, by=staff, reason="Propos injurieux.")
    with pytest.raises(ModerationReasonRequired):
        moderation_restore(item=comment, by=staff, reason=" ")
    comment.refresh_from_db()
    assert comment.is_hidden and ModerationAction.objects.count() == 1


def test_hiding_then_restoring_changes_the_item_and_keeps_each_decision(comment):
    staff = StaffFactory()
    hidden = moderation_hide(item=comment, by=staff, reason="  Propos injurieux.  ")
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == staff and comment.hidden_reason == "Propos injurieux."
    assert (hidden.kind, hidden.reason, hidden.by, hidden.object_id) == ("hide", "Propos injurieux.", staff, comment.pk)
    restored = moderation_restore(item=comment, by=staff, reason="Relu : c'était de l'ironie.")
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.hidden_reason == "" and comment.hidden_by is None
    assert restored.kind == ModerationAction.Kind.RESTORE
    assert list(ModerationAction.objects.values_list("kind", flat=True)) == ["restore", "hide"]


def test_hiding_a_hidden_item_or_restoring_a_visible_one_changes_nothing(comment):
    staff = StaffFactory()
    with pytest.raises(NothingToChange):
        moderation_restore(item=comment, by=staff, reason="Rien à rétablir.")
    moderation_hide(item=comment, by=staff, reason="Spam.")
    with pytest.raises(NothingToChange):
        moderation_hide(item=comment, by=staff, reason="Encore.")
    assert ModerationAction.objects.count() == 1


def test_the_database_refuses_a_decision_without_a_reason(comment):
    content_type = ContentType.objects.get_for_model(Comment)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO moderation_moderationaction (content_type_id, object_id, kind, reason, at) "
            "VALUES (%s, %s, 'hide', '', %s)",
            [content_type.pk, comment.pk, timezone.now()],
        )


def test_the_museum_team_and_the_club_administration_may_moderate():
    for name in (MUSEUM_TEAM, CLUB_ADMINISTRATION):
        group = Group.objects.get(name=name)
        assert group.permissions.filter(content_type__app_label="moderation", codename="moderate").exists(), name
    team = set(Group.objects.get(name=MUSEUM_TEAM).permissions.filter(content_type__app_label="moderation")
               .values_list("codename", flat=True))  # fmt: skip
    assert team == {"moderate", "view_report", "view_moderationaction"}


def test_a_members_reports_are_in_their_export_and_nobody_elses(comment):
    reader, other = MemberFactory(), MemberFactory()
    report_create(member=reader, item=comment, reason=Report.Reason.PERSONAL, note="Mon adresse y figure.")
    report_create(member=other, item=comment, reason=Report.Reason.SPAM)
    rows = personal_data_export(member=reader)["moderation.Report"]
    assert [(row["reason"], row["note"]) for row in rows] == [("personal", "Mon adresse y figure.")]


def test_the_queue_reads_every_registered_kind_in_one_sorted_query(monkeypatch):
    """Two kinds make a UNION sorted in the database (here the same model twice, under a second key)."""
    from club.moderation import registry
    from club.moderation.selectors import QueueTab, moderation_items_load, moderation_queue

    kinds = dict(registry._kinds)
    monkeypatch.setattr(registry, "_kinds", {**kinds, "second.kind": next(iter(kinds.values()))})
    content = ContentFactory()
    once = comment_create(member=MemberFactory(), content=content, body="Une fois.")
    twice = comment_create(member=MemberFactory(), content=content, body="Deux fois.")
    report_create(member=MemberFactory(), item=once, reason=Report.Reason.SPAM)
    for _n in range(2):
        report_create(member=MemberFactory(), item=twice, reason=Report.Reason.SPAM)
    rows = moderation_queue(tab=QueueTab.REPORTED)
    assert rows.count() == 4
    assert [pk for _kind, pk, *_rest in rows] == [twice.pk, twice.pk, once.pk, once.pk]
    assert [entry.item.body for entry in moderation_items_load(rows[:3])] == ["Deux fois.", "Deux fois.", "Une fois."]
