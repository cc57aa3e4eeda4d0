"""Every route of the site (composition): each app's pages, the admin, the API under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from club.core import views as core_views
from club.dashboard import offline
from club.dashboard import views as dashboard_views
from club.members import views as member_views
from club.members.api import MeView, TokenView
from club.notifications.api import NotificationPreferencesView, NotificationViewSet
from museums.api import MuseumViewSet
from museums.content.api import api_urls as content_api_urls
from museums.events.api import api_urls as events_api_urls
from rewards.ledger.admin import admin_urls as ledger_admin_urls
from rewards.ledger.api import PointsView
from rewards.shop.api import GiftViewSet, RedemptionViewSet
from surveys.api import api_urls as survey_api_urls

admin.site.site_header = gettext_lazy("Club des visiteurs — administration")
admin.site.site_title = gettext_lazy("Club des visiteurs")
admin.site.index_title = "Gestion du club"
# The app sidebar eats a quarter of a 1280 px screen: list pages need the width for their columns.
admin.site.enable_nav_sidebar = False

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
    *survey_api_urls,
    *content_api_urls,
    *events_api_urls,
    *router.urls,
]

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("langue/", member_views.language_set, name="set_language"),
    path("mon-club/", include("club.dashboard.urls")),
    path("mon-club/", include("club.members.urls")),
    path("musees/", include("museums.urls")),
    path("contenus/", include("museums.content.urls")),
    path("activites/", include("museums.events.urls")),
    path("equipe/enquetes/", include("surveys.staff_urls")),
    path("equipe/contenus/", include("museums.content.staff_urls")),
    path("equipe/activites/", include("museums.events.staff_urls")),
    path("equipe/", include("club.staff.urls")),
    path("participer/", include("club.participate.urls")),
    path("participer/enquetes/", include("surveys.urls")),
    path("", include("rewards.shop.urls")),
    path("", include("rewards.ledger.urls")),
    path("", include("club.notifications.urls")),
    path("club/", include("club.members.legal")),
    path("compte/", include("allauth.urls")),
    path("admin/", include(ledger_admin_urls())),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler400 = "club.core.views.bad_request"
handler403 = "club.core.views.permission_denied"
handler404 = "club.core.views.not_found"
handler500 = "club.core.views.server_error"
