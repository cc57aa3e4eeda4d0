"""The staff groups follow the apps: what the museum team can and cannot do, after every migrate."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from club.members.permissions import (
    CLUB_ADMINISTRATION,
    MUSEUM_TEAM,
    is_project_app,
    staff_permissions_sync,
    staff_permissions_sync_all,
)

pytestmark = pytest.mark.django_db

TEAM_CAN = {
    "members.view_member",  # look a member up at the desk
    "museums.change_museum",
    "museums.add_museum",
    "shop.add_gift",
    "shop.change_gift",
    "shop.view_redemption",
    "shop.change_redemption",  # hand a gift over, cancel a voucher
    "ledger.view_ledgerentry",
    "ledger.change_earningrule",
}
TEAM_CANNOT = {
    "members.change_member",
    "members.delete_member",
    "members.view_consentrecord",
    "museums.delete_museum",
    "ledger.add_adjustment",  # moving points by hand is the club administration's
    "ledger.change_adjustment",
    "notifications.add_announcement",
    "notifications.view_notification",
    "core.view_idempotencykey",
    "auth.change_group",
    "django_celery_beat.change_periodictask",
}


def _codes(group: Group) -> set[str]:
    return {f"{app}.{code}" for app, code in group.permissions.values_list("content_type__app_label", "codename")}


def test_migrate_leaves_the_museum_team_exactly_what_the_apps_declare():
    team = _codes(Group.objects.get(name=MUSEUM_TEAM))
    assert TEAM_CAN <= team
    assert not TEAM_CANNOT & team, TEAM_CANNOT & team


def test_the_club_administration_may_do_everything():
    admins = Group.objects.get(name=CLUB_ADMINISTRATION)
    assert admins.permissions.count() == Permission.objects.count()


def test_every_project_app_declares_what_the_museum_team_may_do():
    undeclared = [
        app.label
        for app in apps.get_app_configs()
        if is_project_app(app) and not hasattr(type(app), "museum_team_permissions")
    ]
    assert undeclared == [], f"apps that give the museum team nothing by accident: {undeclared}"


def test_sync_removes_a_permission_the_team_was_given_by_hand_and_is_idempotent():
    team = Group.objects.get(name=MUSEUM_TEAM)
    team.permissions.add(Permission.objects.get(content_type__app_label="members", codename="delete_member"))
    staff_permissions_sync(app_config=apps.get_app_config("members"))
    staff_permissions_sync_all()
    before = _codes(team)
    staff_permissions_sync_all()
    assert "members.delete_member" not in before
    assert _codes(team) == before


def test_a_new_app_declaring_everything_gives_the_team_all_of_it_but_its_admin_only_rights(settings):
    museums = apps.get_app_config("museums")
    Group.objects.get(name=MUSEUM_TEAM).permissions.clear()
    staff_permissions_sync(app_config=museums)
    team = _codes(Group.objects.get(name=MUSEUM_TEAM))
    assert team == {"museums.add_museum", "museums.change_museum", "museums.view_museum"}
