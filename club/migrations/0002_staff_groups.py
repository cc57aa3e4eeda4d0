"""Create the two staff groups; their permissions are synced after each migrate."""

from django.db import migrations


def create_groups(apps, schema_editor):
    from club.permissions import groups_sync

    groups_sync(apps)


def remove_groups(apps, schema_editor):
    from club.permissions import CLUB_ADMINISTRATION, MUSEUM_TEAM

    apps.get_model("auth", "Group").objects.filter(name__in=[MUSEUM_TEAM, CLUB_ADMINISTRATION]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("club", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
