"""The URL map: pages, the API under /api/, its schema and docs, /health, admin, i18n."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core.api import health

api_patterns: list[URLPattern | URLResolver] = [
    path("auth/", include("accounts.urls")),
    path("market/", include("market.urls")),
    path("geo/imports/", include("geo.import_urls")),
    path("geo/", include("geo.urls")),
    path("search/", include("search.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/swagger-ui/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("schema/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

urlpatterns = [
    path("", include("web.urls")),
    path("api/", include(api_patterns)),
    path("ogc/", include("geo.ogc_urls")),
    path("tiles/", include("tiles.urls")),
    path("health", health, name="health"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler404 = "web.views.page_not_found"
handler500 = "web.views.server_error"
