"""The public pages of contracts: the verification page a contract's QR code opens (/contracts/verify/<token>/) and
the 直接交易 (direct transactions) list and page (/direct-deals/, /direct-deals/<number>/). Public fields only
(contracts/selectors_public.py): never a party's name, ID number or phone; the price only when both parties publish
it."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from contracts.models import Contract
from contracts.selectors_public import ContractPublic, contract_public, contract_verify_get, direct_deal_get
from core.errors import NotFound
from geo.models import Region
from geo.reference import LAND_USE_MAJOR
from geo.serializers import GeoJsonGeometryField
from geo.services_listing import region_full_name
from web.views_market import _map_config, _missing


def contract_verify(request: HttpRequest, token: str) -> HttpResponse:
    """A coded or revoked contract checked by its token: valid or revoked, with what a holder of a copy compares."""
    try:
        contract = contract_verify_get(token=token)
    except NotFound as error:
        return _missing(request, error)
    context = {"contract": contract_public(contract), "region_name": region_full_name(contract.region)}
    response = render(request, "web/contracts/verify.html", context)
    response["Cache-Control"] = "no-store"  # the status changes on revocation
    response["Referrer-Policy"] = "no-referrer"  # the token stays on this page
    return response


def direct_deals(request: HttpRequest) -> HttpResponse:
    """The 直接交易 list: its filters; web/static/web/direct_deals.js searches /api/contracts/direct/."""
    context = {
        "provinces": list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").values("code", "name")),
        "land_uses": sorted(LAND_USE_MAJOR.items()),
        "kinds": Contract.Kind.choices,
    }
    return render(request, "web/contracts/direct_list.html", context)


def _place(deal: ContractPublic) -> dict[str, Any] | None:
    """The parcel for the small map (web/static/web/place.js): its outline and its point, either may be missing."""
    if deal.outline is None and deal.location is None:
        return None
    return {
        "outline": GeoJsonGeometryField().to_representation(deal.outline) if deal.outline is not None else None,
        "location": [deal.location.x, deal.location.y] if deal.location is not None else None,
    }


def direct_deal_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One direct transaction: the parcel on a small map, area, use, mode, price or rent (if published), coding date."""
    try:
        contract = direct_deal_get(number=number)
    except NotFound as error:
        return _missing(request, error)
    deal = contract_public(contract)
    context = {
        "deal": deal,
        "region_name": region_full_name(contract.region),
        "land_nature": contract.get_land_nature_display(),
        "use_right_type": contract.get_use_right_type_display(),
        "place": _place(deal),
        "map_config": _map_config(),
    }
    return render(request, "web/contracts/direct_detail.html", context)
