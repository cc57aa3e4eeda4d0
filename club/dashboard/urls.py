from django.urls import path

from club.dashboard import views

app_name = "club"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
