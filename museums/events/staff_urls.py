"""Staff pages of activities and events (namespace `events_staff`, under /equipe/activites/)."""

from django.urls import path

from museums.events import staff_views

app_name = "events_staff"
urlpatterns = [
    path("", staff_views.overview, name="overview"),
    path("seances/<int:pk>/", staff_views.session_detail, name="session"),
    path("seances/<int:pk>/message/", staff_views.session_message, name="message"),
    path("seances/<int:pk>/liste-d-attente/", staff_views.session_reorder, name="reorder"),
    path("seances/<int:pk>/liste-d-attente/<int:entry_pk>/proposer/", staff_views.session_offer, name="offer"),
    path("seances/<int:pk>/annuler/", staff_views.session_cancel, name="cancel"),
    path("seances/<int:pk>/deplacer/", staff_views.session_move, name="move"),
    path("seances/<int:pk>/presences.json", staff_views.door_counts, name="door_counts"),
    path("porte/", staff_views.door, name="door"),
    path("notes/", staff_views.ratings, name="ratings"),
    path("notes/export.csv", staff_views.ratings_csv, name="ratings_csv"),
]
