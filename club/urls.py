"""Every route of the site: each app's HTML pages and the API under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from club import views
from club.api import MeView, TokenView
from club.api_notifications import NotificationPreferencesView, NotificationViewSet
from museums.api import MuseumViewSet
from rewards.admin import admin_urls as rewards_admin_urls
from rewards.api import GiftViewSet, PointsView, RedemptionViewSet

admin.site.site_header = "Club des visiteurs — administration"
admin.site.site_title = "Club des visiteurs"
admin.site.index_title = "Gestion du club"

router = DefaultRouter()
router.register("museums", MuseumViewSet, basename="museum")
router.register("gifts", GiftViewSet, basename="gift")
router.register("redemptions", RedemptionViewSet, basename="redemption")
router.register("notifications", NotificationViewSet, basename="notification")

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("me/points/", PointsView.as_view(), name="me-points"),
    path("me/notification-preferences/", NotificationPreferencesView.as_view(), name="me-notification-preferences"),
    *router.urls,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("langue/", views.language_set, name="set_language"),
    path("mon-club/", include("club.urls_members")),
    path("musees/", include("museums.urls")),
    path("", include("rewards.urls")),
    path("", include("club.views_notifications")),
    path("club/", include("club.legal")),
    path("compte/", include("allauth.urls")),
    path("admin/", include(rewards_admin_urls())),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler404 = "club.views.not_found"
handler500 = "club.views.server_error"
