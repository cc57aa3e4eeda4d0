from django.urls import path

from club.notifications.views import inbox, mark_all_read, notification_open, preferences, unsubscribe

app_name = "notifications"
urlpatterns = [
    path("mon-club/notifications/", inbox, name="inbox"),
    path("mon-club/notifications/<int:pk>/", notification_open, name="open"),
    path("mon-club/notifications/tout-lu/", mark_all_read, name="mark_all_read"),
    path("mon-club/notifications/preferences/", preferences, name="preferences"),
    path("desinscription/<str:token>/", unsubscribe, name="unsubscribe"),
]
