"""Ledger entries and lot consumptions become append-only in the database (rewards.ledger.triggers)."""

from django.db import migrations


def install(apps, schema_editor):
    from rewards.ledger.triggers import triggers_install

    triggers_install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from rewards.ledger.triggers import triggers_uninstall

    triggers_uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_protect_history")]

    operations = [migrations.RunPython(install, uninstall)]
