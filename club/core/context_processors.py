from django.conf import settings


def navigation(request):
    """The navigation entries apps registered (`club.core.navigation`), for this visitor."""
    from club.core.navigation import nav_for

    return {"navigation": nav_for(request)}


def club(request):
    return {
        "CLUB_RULES_VERSION": settings.CLUB_RULES_VERSION,
        "SITE_URL": settings.SITE_URL,
    }
