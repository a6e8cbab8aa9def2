"""Trading API routes under /api/auctions/ (auctions/api/trading.py): bids, the trading state, entry, reserve, and
staff's suspension."""

from django.urls import URLPattern, path

from auctions import views_live
from auctions.api import trading

urlpatterns: list[URLPattern] = [
    path("lots/<int:lot_id>/bids/", trading.BidApi.as_view(), name="bid-place"),
    path("lots/<int:lot_id>/trading/", trading.TradingStateApi.as_view(), name="trading-state"),
    path("lots/<int:lot_id>/events/", views_live.lot_events, name="lot-events"),  # Server-Sent Events
    path("lots/<int:lot_id>/timed-entry/", trading.TimedEntryApi.as_view(), name="timed-entry"),
    path("lots/<int:lot_id>/reserve/", trading.ReserveApi.as_view(), name="reserve-enter"),
    path("work/lots/<int:lot_id>/suspend/", trading.SuspendApi.as_view(), name="trading-suspend"),
    path("work/lots/<int:lot_id>/resume/", trading.ResumeApi.as_view(), name="trading-resume"),
]
