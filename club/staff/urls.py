from django.urls import path

from club.staff import moderation, views

app_name = "staff"
urlpatterns = [
    path("", views.hub, name="hub"),
    path("membres/", views.member_lookup, name="members"),
    path("composants/", views.styleguide, name="styleguide"),
    path("moderation/", moderation.moderation_queue_page, name="moderation"),
    path("moderation/<str:kind>/<int:pk>/masquer/", moderation.moderation_hide_item, name="moderation_hide"),
    path("moderation/<str:kind>/<int:pk>/retablir/", moderation.moderation_restore_item, name="moderation_restore"),
    path("moderation/<str:kind>/<int:pk>/repondre/", moderation.moderation_answer, name="moderation_answer"),
]
