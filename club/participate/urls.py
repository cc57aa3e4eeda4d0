from django.urls import path

from club.participate import views

app_name = "participate"
urlpatterns = [
    path("", views.hub, name="hub"),
]
