"""Where an earning rule's cap period starts (day, week, month, year, in Europe/Paris), or None for "ever"."""

from datetime import datetime, timedelta

from django.utils import timezone

from rewards.ledger.models import EarningRule


def period_start(period: str, now: datetime) -> datetime | None:
    local = timezone.localtime(now)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    starts = {
        EarningRule.Period.DAY: day,
        EarningRule.Period.WEEK: day - timedelta(days=day.weekday()),
        EarningRule.Period.MONTH: day.replace(day=1),
        EarningRule.Period.YEAR: day.replace(month=1, day=1),
    }
    return starts.get(EarningRule.Period(period))
