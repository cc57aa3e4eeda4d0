"""Staff pages of engagement (namespace `content_staff`, under /equipe/contenus/)."""

from django.urls import path

from museums.content import staff_views

app_name = "content_staff"
urlpatterns = [
    path("", staff_views.engagement_overview, name="engagement"),
    path("<int:pk>/", staff_views.engagement_item, name="item"),
    path("series/<int:pk>/", staff_views.engagement_series, name="series"),
    path("export.csv", staff_views.engagement_csv, name="csv"),
]
