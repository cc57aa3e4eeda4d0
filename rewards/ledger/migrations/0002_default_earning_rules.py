from django.db import migrations


def create_rules(apps, schema_editor):
    from rewards.ledger.defaults import create_missing_rules

    create_missing_rules(apps.get_model("ledger", "EarningRule"))


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
