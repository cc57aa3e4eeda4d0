"""The moderation journals in the admin: readable by the club administration, never written there."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from club.members.permissions import CLUB_ADMINISTRATION, MUSEUM_TEAM
from club.members.tests.factories import MemberFactory, StaffFactory
from club.moderation.models import Report
from club.moderation.services import moderation_hide, report_create
from museums.content.services import comment_create
from museums.content.tests.factories import ContentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("group", [CLUB_ADMINISTRATION, MUSEUM_TEAM])
def test_staff_read_the_reports_and_decisions_but_cannot_add_or_change_them(client, group):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=group))
    comment = comment_create(member=MemberFactory(), content=ContentFactory(), body="Achetez ici !")
    report = report_create(member=MemberFactory(), item=comment, reason=Report.Reason.SPAM, note="Un lien.")
    decision = moderation_hide(item=comment, by=staff, reason="Publicité.")
    client.force_login(staff)
    reports = client.get(reverse("admin:moderation_report_changelist"), {"type": "content.comment"})
    assert reports.status_code == 200 and "Un lien." in reports.content.decode()
    assert "Commentaire sur un contenu" in reports.content.decode()
    decisions = client.get(reverse("admin:moderation_moderationaction_changelist"))
    assert decisions.status_code == 200 and "Publicité." in decisions.content.decode()
    assert client.get(reverse("admin:moderation_report_add")).status_code == 403
    page = client.get(reverse("admin:moderation_moderationaction_change", args=[decision.pk])).content.decode()
    assert 'name="_save"' not in page
    client.post(reverse("admin:moderation_report_delete", args=[report.pk]), {"post": "yes"})
    assert Report.objects.filter(pk=report.pk).exists()
