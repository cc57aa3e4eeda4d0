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
        reference_resolver_register("shop.redemption", redemption_names)
