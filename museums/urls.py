from django.urls import path

from museums import views

app_name = "museums"
urlpatterns = [
    path("", views.museum_list, name="list"),
    path("<slug:slug>/", views.museum_detail, name="detail"),
]
