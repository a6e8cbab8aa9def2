"""Page routes."""

from django.urls import path

from web import (
    views,
    views_auctions,
    views_bidding,
    views_contracts,
    views_contracts_public,
    views_map,
    views_market,
    views_parcels,
    views_room,
    views_roots,
    views_search,
    views_supervision,
    views_trading,
)

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("status/", views.status, name="status"),
    path("roots/", views_roots.roots, name="roots"),  # the published roots of the evidence log (web/views_roots.py)
    path("geo/imports/", views.geo_import, name="geo-import"),
    path("login/", views_market.login, name="login"),
    path("register/", views_market.register, name="register"),
    path("password/reset/", views_market.password_reset, name="password-reset"),
    path("supply/", views_market.supply_list, name="supply-list"),
    path("supply/new/", views_market.supply_form, name="supply-new"),
    path("supply/<int:listing_id>/", views_market.supply_detail, name="supply-detail"),
    path("supply/<int:listing_id>/edit/", views_market.supply_form, name="supply-edit"),
    path("demand/", views_market.demand_list, name="demand-list"),
    path("demand/new/", views_market.demand_form, name="demand-new"),
    path("demand/<int:demand_id>/", views_market.demand_detail, name="demand-detail"),
    path("demand/<int:demand_id>/edit/", views_market.demand_form, name="demand-edit"),
    path("pre-announcements/", views_market.pre_announcement_list, name="pre-announcement-list"),
    path("pre-announcements/new/", views_market.pre_announcement_form, name="pre-announcement-new"),
    path(
        "pre-announcements/<int:pre_announcement_id>/",
        views_market.pre_announcement_detail,
        name="pre-announcement-detail",
    ),
    path(
        "pre-announcements/<int:pre_announcement_id>/edit/",
        views_market.pre_announcement_form,
        name="pre-announcement-edit",
    ),
    path("compare/", views_market.comparison, name="comparison"),
    path("statistics/", views_market.statistics, name="statistics"),
    path("policies/", views_market.policies, name="policies"),
    path("policies/<int:policy_id>/", views_market.policy_detail, name="policy-detail"),
    path("me/", views_market.me, name="me"),
    path("review/", views_market.review, name="review"),
    path("search/", views_search.search, name="search"),
    path("map/", views_map.map_page, name="map"),
    path("parcels/<str:code>/", views_parcels.parcel_detail, name="parcel-detail"),
    path("notices/", views_auctions.notices, name="notices"),  # 交易公示 (web/views_auctions.py)
    path("notices/<int:announcement_id>/", views_auctions.notice_detail, name="notice-detail"),
    path("lots/<int:lot_id>/", views_auctions.lot_detail, name="lot-detail"),
    path("lots/<int:lot_id>/room/", views_room.lot_room, name="lot-room"),  # 交易室 (web/views_room.py)
    path("results/<int:lot_id>/", views_auctions.result_detail, name="result-detail"),  # 成交公示 of a lot
    # contracts in public (web/views_contracts_public.py): the QR code's verification page and 直接交易
    path("contracts/verify/<str:token>/", views_contracts_public.contract_verify, name="contract-verify"),
    path("direct-deals/", views_contracts_public.direct_deals, name="direct-deals"),
    path("direct-deals/<str:number>/", views_contracts_public.direct_deal_detail, name="direct-deal-detail"),
    path("lots/<int:lot_id>/apply/", views_bidding.lot_apply, name="lot-apply"),  # 申请竞买 (web/views_bidding.py)
    # trading pages (web/views_trading.py): 委托交易, the centre's console, the grantor's lots
    path("entrustments/new/", views_trading.entrustment_form, name="entrustment-new"),
    path("entrustments/<int:entrustment_id>/edit/", views_trading.entrustment_form, name="entrustment-edit"),
    path("centre/", views_trading.centre_console, name="centre-console"),
    path("grantor/lots/", views_trading.grantor_lots, name="grantor-lots"),
    # contract pages (web/views_contracts.py): 合同服务, a contract's five steps, the authority's queue
    path("contracts/new/", views_contracts.contract_new, name="contract-new"),
    path("contracts/review/", views_contracts.contract_review, name="contract-review"),
    path("contracts/<int:contract_id>/", views_contracts.contract_detail, name="contract-detail"),
    path("supervision/", views_supervision.supervision, name="supervision"),  # 监管 (web/views_supervision.py)
]
