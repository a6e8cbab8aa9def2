"""Routes of the staff procedures that end or undo a trade (auctions/api/closing.py), under /api/auctions/."""

from django.urls import URLPattern, path

from auctions.api import closing

urlpatterns: list[URLPattern] = [
    path("work/lots/<int:lot_id>/result/", closing.ClosingApi.as_view(), name="lot-result"),
    path("work/lots/<int:lot_id>/result/revoke/", closing.RevokeApi.as_view(), name="lot-result-revoke"),
    path("work/lots/<int:lot_id>/suspension/", closing.SuspensionApi.as_view(), name="trading-suspension"),
]
