import factory

from rewards.shop.models import Gift


class GiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gift

    slug = factory.Sequence(lambda n: f"cadeau-{n}")
    name = factory.Sequence(lambda n: f"Cadeau {n}")
    points = 240
    stock = 10
