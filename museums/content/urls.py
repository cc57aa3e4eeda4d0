from django.urls import path

from museums.content import views

app_name = "content"
urlpatterns = [
    path("", views.content_list, name="list"),
    path("series/<slug:slug>/", views.series_detail, name="series"),
    path("series/<slug:slug>/suivre/", views.series_follow, name="follow"),
    path("apercu/<int:pk>/", views.content_preview, name="preview"),
    path("commentaires/<int:pk>/signaler/", views.comment_report, name="report"),
    path("<slug:slug>/", views.content_detail, name="detail"),
    path("<slug:slug>/aime/", views.content_like, name="like"),
    path("<slug:slug>/commentaires/", views.comment_add, name="comment"),
]
