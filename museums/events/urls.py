"""Member pages of activities and events (namespace `events`, mounted at /activites/).

`billets/` comes before the activities' `<slug>/`: an activity cannot be called "billets".
"""

from django.urls import path

from museums.events import views

app_name = "events"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("billets/", views.tickets, name="tickets"),
    path("billets/<str:code>/", views.ticket, name="ticket"),
    path("billets/<str:code>/calendrier.ics", views.ticket_calendar_file, name="calendar"),
    path("billets/<str:code>/annuler/", views.ticket_cancel, name="cancel"),
    path("billets/<str:code>/nouvel-horaire/garder/", views.move_keep, name="move_keep"),
    path("billets/<str:code>/nouvel-horaire/annuler/", views.move_cancel, name="move_cancel"),
    path("seances/<int:pk>/reserver/", views.session_book, name="book"),
    path("seances/<int:pk>/liste-d-attente/", views.waitlist_join, name="waitlist_join"),
    path("liste-d-attente/<int:pk>/confirmer/", views.offer_confirm, name="offer_confirm"),
    path("liste-d-attente/<int:pk>/refuser/", views.offer_decline, name="offer_decline"),
    path("liste-d-attente/<int:pk>/quitter/", views.waitlist_leave, name="waitlist_leave"),
    path("avis/<int:pk>/signaler/", views.rating_report, name="report"),
    path("<slug:slug>/", views.activity_detail, name="detail"),
    path("<slug:slug>/noter/", views.activity_rate, name="rate"),
]
