from club.notifications.selectors import notifications_unread_count


def unread_notifications(request):
    """The unread count shown in the navigation (one indexed COUNT, only when a page shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: notifications_unread_count(member=user)}
