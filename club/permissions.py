"""The two staff groups and the permissions they carry.

"Équipe musée" runs the daily work of a museum: content, surveys, events and the
desk (looking members up, handing over gifts, check-ins). "Administration du
club" may do everything. Permissions are network-wide; a staff member's museums
(`Member.museums`) only choose what staff pages show first.

The groups are created by a data migration; their permissions are brought up
to date after every `migrate`, because each app that adds models (the shop,
surveys, events…) adds permissions the museum team needs.
"""

from django.apps import apps as global_apps
from django.db.models import Q

MUSEUM_TEAM = "Équipe musée"
CLUB_ADMINISTRATION = "Administration du club"

# Apps whose every model the museum team manages (content, surveys, events, desk).
MUSEUM_TEAM_APPS = ("museums", "surveys", "rewards")
# Models of other apps the team needs: looking members up at the desk.
MUSEUM_TEAM_EXTRA = {("club", "view_member")}
# What only the club administration may do, even inside the team's apps.
ADMIN_ONLY_CODENAMES = {"delete_museum"}


def groups_sync(apps=global_apps) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    team, _ = Group.objects.get_or_create(name=MUSEUM_TEAM)
    admins, _ = Group.objects.get_or_create(name=CLUB_ADMINISTRATION)
    admins.permissions.set(Permission.objects.all())

    extra = Q(pk__in=[])
    for app_label, codename in MUSEUM_TEAM_EXTRA:
        extra |= Q(content_type__app_label=app_label, codename=codename)
    team_perms = Permission.objects.filter(Q(content_type__app_label__in=MUSEUM_TEAM_APPS) | extra).exclude(
        codename__in=ADMIN_ONLY_CODENAMES
    )
    team.permissions.set(team_perms)


def groups_sync_after_migrate(sender, apps=global_apps, **kwargs) -> None:
    # Runs once per migrated app; only the last one (surveys) sees every permission.
    if sender.name != "surveys":
        return
    groups_sync(apps)
