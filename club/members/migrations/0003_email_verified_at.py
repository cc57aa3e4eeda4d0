from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def from_verified_addresses(apps, schema_editor):
    """Members with a verified address (allauth's table) were verified when they joined, as far as we know."""
    Member = apps.get_model("members", "Member")
    EmailAddress = apps.get_model("account", "EmailAddress")
    verified = EmailAddress.objects.filter(user_id=OuterRef("pk"), verified=True).values("user_id")[:1]
    Member.objects.filter(pk__in=Subquery(verified)).update(email_verified_at=models.F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_protect_history"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="e-mail vérifié le"),
        ),
        migrations.RunPython(from_verified_addresses, migrations.RunPython.noop),
    ]
