from django.urls import path

from club.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.hub, name="hub"),
    path("membres/", views.member_lookup, name="members"),
    path("composants/", views.styleguide, name="styleguide"),
]
