"""Trading API routes under /api/auctions/: the public reads."""

from django.urls import URLPattern, URLResolver, include, path

from auctions.api.public import AnnouncementDocumentFileApi, AnnouncementPublicApi, LotPublicApi

app_name = "auctions"
urlpatterns: list[URLPattern | URLResolver] = [
    path("announcements/<int:announcement_id>/", AnnouncementPublicApi.as_view(), name="announcement-detail"),
    path(
        "announcements/<int:announcement_id>/documents/<int:document_id>/file",
        AnnouncementDocumentFileApi.as_view(),
        name="announcement-document",
    ),
    path("lots/<int:lot_id>/", LotPublicApi.as_view(), name="lot-detail"),
    path("", include("auctions.urls_work")),  # the work of owners, grantors and centre staff
]
