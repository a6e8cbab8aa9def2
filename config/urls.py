"""The URL map: pages, the API under /api/, its schema and docs, /health and /health/details, admin, i18n."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView

from core.api import HealthApi, health_details, redoc, swagger_ui
from search.api_direct import DirectDealSearchApi

api_patterns: list[URLPattern | URLResolver] = [
    path("auth/", include("accounts.urls")),
    path("market/", include("market.urls")),
    path("geo/imports/", include("geo.import_urls")),
    path("geo/", include("geo.urls")),
    path("search/", include("search.urls")),
    path("auctions/", include("auctions.urls")),  # public reads of announcements and lots (auctions/api/public.py)
    path("contracts/", include("contracts.urls")),  # contracts: parties, the authority, the public verification
    # 直接交易 search (search/api_direct.py: it runs the search engines, and no app imports search)
    path("contracts/direct/", DirectDealSearchApi.as_view(), name="contracts-direct-deals"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/swagger-ui/", swagger_ui, name="swagger-ui"),
    path("schema/redoc/", redoc, name="redoc"),
]

urlpatterns = [
    path("", include("web.urls")),
    path("api/", include(api_patterns)),
    path("ogc/", include("geo.ogc_urls")),
    path("tiles/", include("tiles.urls")),
    path("health", HealthApi.as_view(), name="health"),
    path("health/details", health_details, name="health-details"),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.ADMIN_ENABLED:  # administrators only, through the site's sign-in (accounts/admin_site.py)
    urlpatterns.append(path("admin/", admin.site.urls))

handler404 = "web.views.page_not_found"
handler500 = "web.views.server_error"
