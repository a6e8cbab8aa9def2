"""Trading API routes under /api/auctions/: the public reads."""

from django.urls import URLPattern, URLResolver, include, path

from auctions.api.lots_map import LotsMapApi
from auctions.api.public import AnnouncementDocumentFileApi, AnnouncementPublicApi, LotPublicApi
from auctions.api.results import ConfirmationPdfApi, ProtocolApi
from auctions.api.roots import RootsApi, RootsPublicKeyApi

app_name = "auctions"
urlpatterns: list[URLPattern | URLResolver] = [
    path("announcements/<int:announcement_id>/", AnnouncementPublicApi.as_view(), name="announcement-detail"),
    path(
        "announcements/<int:announcement_id>/documents/<int:document_id>/file",
        AnnouncementDocumentFileApi.as_view(),
        name="announcement-document",
    ),
    path("lots/<int:lot_id>/", LotPublicApi.as_view(), name="lot-detail"),
    # a trade's result (auctions/api/results.py): the 成交确认书 and the protocol download
    path("lots/<int:lot_id>/result/confirmation.pdf", ConfirmationPdfApi.as_view(), name="result-confirmation"),
    path("lots/<int:lot_id>/protocol/", ProtocolApi.as_view(), name="lot-protocol"),
    # the published roots over the evidence chains (auctions/api/roots.py)
    path("roots/", RootsApi.as_view(), name="roots"),
    path("roots/public-key", RootsPublicKeyApi.as_view(), name="roots-public-key"),
    path("map/lots/", LotsMapApi.as_view(), name="lots-map"),  # the map's 交易标的 list (auctions/api/lots_map.py)
    path("", include("auctions.urls_work")),  # the work of owners, grantors and centre staff
    path("", include("auctions.urls_trading")),  # bids, the trading state, reserve, suspension
    path("", include("auctions.urls_closing")),  # staff's results, revocations, announced suspensions
]
