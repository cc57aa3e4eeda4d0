"""The two staff groups, and the permissions each app declares for them.

"Équipe musée" runs the daily work of a museum: content, surveys, events and the
desk (looking members up, handing over gifts, check-ins). "Administration du
club" may do everything. Permissions are network-wide; a staff member's museums
(`Member.museums`) only choose what staff pages show first.

Each of the club's apps declares, on its `AppConfig`, what the museum team may
do with its models:

    museum_team_permissions = ("view_member",)       # these codenames
    museum_team_permissions = ALL_PERMISSIONS         # every permission of the app
    museum_team_admin_only = ("delete_museum",)       # ... except these

After every `migrate`, each app's `post_migrate` brings both groups up to date
for that app's permissions, whatever order the apps migrate in and whatever
their names; a new app that declares nothing fails a test instead of silently
giving the team nothing.
"""

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.contrib.auth.models import Group
from django.db import transaction

from club.core.staff import ALL_PERMISSIONS
from club.members.models import Member

MUSEUM_TEAM = "Équipe musée"
CLUB_ADMINISTRATION = "Administration du club"

# The top-level packages whose apps must declare their staff permissions.
PROJECT_PACKAGES = ("club", "museums", "rewards", "surveys")


def is_project_app(app_config: AppConfig) -> bool:
    return app_config.name.split(".")[0] in PROJECT_PACKAGES


def team_codenames(app_config: AppConfig, available: set[str]) -> set[str]:
    """What the museum team may do in this app, among the permissions that exist."""
    declared = getattr(app_config, "museum_team_permissions", ())
    chosen = set(available) if declared == ALL_PERMISSIONS else set(declared) & available
    return chosen - set(getattr(app_config, "museum_team_admin_only", ()))


def staff_permissions_sync(*, app_config: AppConfig, apps=global_apps) -> None:
    """Give the club administration every permission of the app, the team what it declares."""
    HistoricalGroup = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    with transaction.atomic():
        team, _created = HistoricalGroup.objects.get_or_create(name=MUSEUM_TEAM)
        admins, _created = HistoricalGroup.objects.get_or_create(name=CLUB_ADMINISTRATION)
        permissions = {p.codename: p for p in Permission.objects.filter(content_type__app_label=app_config.label)}
        admins.permissions.add(*permissions.values())
        wanted = team_codenames(app_config, set(permissions)) if is_project_app(app_config) else set()
        team.permissions.remove(*[p for codename, p in permissions.items() if codename not in wanted])
        team.permissions.add(*[permissions[codename] for codename in wanted])


def staff_permissions_sync_all() -> None:
    for app_config in global_apps.get_app_configs():
        staff_permissions_sync(app_config=app_config)


def staff_permissions_after_migrate(sender: AppConfig, apps=global_apps, **kwargs) -> None:
    # Django sends post_migrate once per app, after auth has created that app's permissions.
    staff_permissions_sync(app_config=sender, apps=apps)


def staff_grant(*, member, groups: list[str], museums=()) -> None:
    """Make a member staff, in the named groups, attached to `museums` (demo data, tests)."""
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(is_staff=True)
        member.is_staff = True
        member.groups.add(*Group.objects.filter(name__in=groups))
        member.museums.add(*museums)
