from django.urls import path

from rewards.ledger import views

app_name = "ledger"
urlpatterns = [
    path("mon-club/points/", views.points_history, name="history"),
    path("gagner-des-points/", views.earn, name="earn"),
]
