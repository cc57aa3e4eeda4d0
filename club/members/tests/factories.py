import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from club.members.models import Member
from museums.models import Museum

PASSWORD = "musee-rouen-2026"


class MuseumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Museum
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"musee-{n}")
    name = factory.Sequence(lambda n: f"Musée numéro {n}")
    town = "Rouen"
    address = "1, rue des Musées"
    postcode = "76000"
    presentation = "Un musée du réseau."


class MemberFactory(factory.django.DjangoModelFactory):
    """A member who signed up and verified their email."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"membre{n}@exemple.fr")
    display_name = factory.Sequence(lambda n: f"Membre {n}")
    age_confirmed_at = factory.LazyFunction(timezone.now)
    rules_version = settings.CLUB_RULES_VERSION
    rules_accepted_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=extracted is not False)
            if extracted is not False:
                self.email_verified_at = timezone.now()
                Member.objects.filter(pk=self.pk).update(email_verified_at=self.email_verified_at)


class StaffFactory(MemberFactory):
    is_staff = True
