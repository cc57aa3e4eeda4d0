from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from club.core.staff import ALL_PERMISSIONS


class ShopConfig(AppConfig):
    """The club shop (a feature): gifts, fulfilments, vouchers, the desk."""

    name = "rewards.shop"
    label = "shop"
    verbose_name = _("Boutique")
    museum_team_permissions = ALL_PERMISSIONS

    def ready(self):
        from club.core.navigation import NavEntry, nav_register
        from rewards.ledger.registries import reference_resolver_register
        from rewards.shop.fulfilments import fulfilment_register
        from rewards.shop.selectors import redemption_names
        from rewards.shop.stock import StockFulfilment

        nav_register(NavEntry("shop", _("Boutique"), "shop:shop", order=30, matches=("shop:shop", "shop:gift")))
        fulfilment_register(StockFulfilment())
        # A gift saved or deleted by any path (the admin's delete too) redraws the cached catalogue.
        from django.db.models.signals import post_delete, post_save

        from rewards.shop.models import Gift

        post_save.connect(_gift_changed, sender=Gift, dispatch_uid="shop_gift_saved")
        post_delete.connect(_gift_changed, sender=Gift, dispatch_uid="shop_gift_deleted")
        reference_resolver_register("shop.redemption", redemption_names)


def _gift_changed(sender, **kwargs):
    from rewards.shop.fulfilments import units_changed

    units_changed()
