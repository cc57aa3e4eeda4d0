from django.conf import settings


def club(request):
    return {
        "CLUB_RULES_VERSION": settings.CLUB_RULES_VERSION,
        "SITE_URL": settings.SITE_URL,
    }


def unread_notifications(request):
    """The unread count shown in the navigation (one indexed COUNT per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        from club.models import Notification

        return Notification.objects.filter(member=user, read_at__isnull=True).count()

    return {"unread_notifications": count}
