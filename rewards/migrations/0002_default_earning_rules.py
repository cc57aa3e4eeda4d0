from django.db import migrations


def create_rules(apps, schema_editor):
    from rewards.defaults import create_missing_rules

    create_missing_rules(apps.get_model("rewards", "EarningRule"))


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_initial")]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
