"""The first fulfilment: plain stock, a counter on the gift row.

Taking a unit is one conditional `UPDATE … SET stock = stock - 1 WHERE stock >= 1`
(it also locks the gift row, after the member's account: the fixed lock order);
`CHECK (stock >= 0)` makes the database refuse anything else.
"""

from datetime import datetime

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from rewards.shop.errors import GiftOutOfStock
from rewards.shop.fulfilments import STOCK
from rewards.shop.models import Gift, Redemption


class StockFulfilment:
    kind = STOCK
    label = _("stock simple")

    def reserve(self, *, gift: Gift, member_id: int, now: datetime) -> None:
        if not Gift.objects.filter(pk=gift.pk, stock__gte=1).update(stock=F("stock") - 1):
            raise GiftOutOfStock(details={"gift": gift.pk})

    def issued(self, *, redemption: Redemption, now: datetime) -> None:
        """A counter has nothing to record against the voucher."""

    def release(self, *, redemption: Redemption, now: datetime) -> None:
        Gift.objects.filter(pk=redemption.gift_id).update(stock=F("stock") + 1)

    def units_left(self, gift: Gift) -> int:
        return gift.stock
