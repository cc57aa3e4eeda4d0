from django.conf import settings


def club(request):
    return {
        "CLUB_RULES_VERSION": settings.CLUB_RULES_VERSION,
        "SITE_URL": settings.SITE_URL,
    }
