"""Pages of accounts and market: thin views that render a template; the page's script calls the JSON API."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import User
from accounts.selectors import can_review_verifications, is_reviewer
from core.errors import NotFound
from geo.reference import LAND_USE_MAJOR, land_use_choices, land_use_parent
from market.models import (
    CertificateType,
    Demand,
    LandNature,
    LandType,
    OwnerNature,
    SupplyAttachment,
    SupplyListing,
    UseRightType,
)
from market.selectors.demand import demand_own_get, demand_public_get
from market.selectors.interactions import supply_get_visible
from market.selectors.parcels import parcel_under_listing
from market.selectors.policies import policy_public_get
from market.selectors.pre_announcements import pre_announcement_own_get, pre_announcement_public_get


def land_use_table() -> list[dict[str, str | None]]:
    """GB/T 21010-2017 for the pages' two-level selectors: first-level classes, then second-level ones."""
    major = [{"code": code, "name": name, "parent": None} for code, name in LAND_USE_MAJOR.items()]
    minor = [{"code": code, "name": name, "parent": land_use_parent(code)} for code, name in land_use_choices()]
    return major + minor


def _missing(request: HttpRequest, error: NotFound) -> HttpResponse:
    """The friendly 404 page with the selector's words ("该地源不存在。")."""
    return render(request, "web/error.html", {"status": 404, "message": error.message}, status=404)


def _public_or_own(request: HttpRequest, public: Callable[[], object], own: Callable[[User], object]) -> None:
    """NotFound unless the public may see the record or the signed-in user owns it (the script shows it to both)."""
    try:
        public()
    except NotFound:
        if not isinstance(request.user, User):
            raise
        own(request.user)


def _map_config() -> dict[str, Any]:
    """The map's settings, for a detail page's small map (web/static/web/place.js)."""
    from web.views_map import map_config  # here: views_map imports this module (through views_search)

    return map_config()


def _next(request: HttpRequest) -> str:
    """The `next` parameter if it is a path on this site, else the personal centre."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/me/"


def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next(request))
    return render(request, "web/auth/login.html", {"next": _next(request)})


def register(request: HttpRequest) -> HttpResponse:
    return render(request, "web/auth/register.html", {"next": _next(request)})


def password_reset(request: HttpRequest) -> HttpResponse:
    return render(request, "web/auth/password_reset.html")


def supply_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/market/supply_list.html", {"modes": SupplyListing.Mode.choices, "land_uses": land_use_table()}
    )


def supply_detail(request: HttpRequest, listing_id: int) -> HttpResponse:
    try:
        listing = supply_get_visible(listing_id=listing_id, user=request.user)
    except NotFound as error:
        return _missing(request, error)
    parcel = parcel_under_listing(listing=listing)  # from the public place only, so anyone may see it
    context = {"listing_id": listing_id, "map_config": _map_config(), "parcel_code": parcel.code if parcel else None}
    return render(request, "web/market/supply_detail.html", context)


@login_required
def supply_form(request: HttpRequest, listing_id: int | None = None) -> HttpResponse:
    """The three-step form (土地基本信息 / 申请人基本信息 / 附件清单), new (by mode) or a draft being edited."""
    mode = request.GET.get("mode", SupplyListing.Mode.TRANSFER)
    if mode not in SupplyListing.Mode.values:
        mode = SupplyListing.Mode.TRANSFER
    context = {
        "listing_id": listing_id,
        "mode": mode,
        "modes": SupplyListing.Mode.choices,
        "land_natures": LandNature.choices,
        "use_right_types": UseRightType.choices,
        "land_types": LandType.choices,
        "certificate_types": CertificateType.choices,
        "owner_natures": OwnerNature.choices,
        "attachment_kinds": [
            (kind, label, kind in SupplyAttachment.REQUIRED_KINDS)
            for kind, label in SupplyAttachment.Kind.choices
            if kind not in (SupplyAttachment.Kind.PHOTO, SupplyAttachment.Kind.VIDEO)
        ],
        "land_uses": land_use_table(),
        "map_config": _map_config(),  # the map picker of step 1 (web/static/web/supply_picker.js)
    }
    return render(request, "web/market/supply_form.html", context)


def demand_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/market/demand_list.html", {"kinds": Demand.Kind.choices, "land_uses": land_use_table()})


def demand_detail(request: HttpRequest, demand_id: int) -> HttpResponse:
    try:
        _public_or_own(
            request,
            lambda: demand_public_get(demand_id=demand_id),
            lambda user: demand_own_get(user=user, demand_id=demand_id),
        )
    except NotFound as error:
        return _missing(request, error)
    return render(request, "web/market/demand_detail.html", {"demand_id": demand_id, "map_config": _map_config()})


@login_required
def demand_form(request: HttpRequest, demand_id: int | None = None) -> HttpResponse:
    context = {"demand_id": demand_id, "kinds": Demand.Kind.choices, "land_uses": land_use_table()}
    return render(request, "web/market/demand_form.html", context)


def pre_announcement_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/market/pre_announcement_list.html", {"land_uses": land_use_table()})


def pre_announcement_detail(request: HttpRequest, pre_announcement_id: int) -> HttpResponse:
    try:
        _public_or_own(
            request,
            lambda: pre_announcement_public_get(pre_announcement_id=pre_announcement_id),
            lambda user: pre_announcement_own_get(user=user, pre_announcement_id=pre_announcement_id),
        )
    except NotFound as error:
        return _missing(request, error)
    return render(request, "web/market/pre_announcement_detail.html", {"pre_announcement_id": pre_announcement_id})


@login_required
def pre_announcement_form(request: HttpRequest, pre_announcement_id: int | None = None) -> HttpResponse:
    return render(request, "web/market/pre_announcement_form.html", {"pre_announcement_id": pre_announcement_id})


@login_required
def comparison(request: HttpRequest) -> HttpResponse:
    return render(request, "web/market/comparison.html")


def statistics(request: HttpRequest) -> HttpResponse:
    return render(request, "web/market/statistics.html")


def policies(request: HttpRequest) -> HttpResponse:
    return render(request, "web/market/policies.html")


def policy_detail(request: HttpRequest, policy_id: int) -> HttpResponse:
    try:
        policy_public_get(policy_id=policy_id)
    except NotFound as error:
        return _missing(request, error)
    return render(request, "web/market/policy_detail.html", {"policy_id": policy_id})


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The personal centre (个人中心); its sections are tabs filled from the API."""
    return render(request, "web/market/me.html", {"section": request.GET.get("section", "supply")})


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """The staff review console: listing queues by region and stage for reviewers; verifications and policies for
    trading-centre staff and administrators."""
    if not (is_reviewer(request.user) or can_review_verifications(request.user)):  # type: ignore[arg-type]
        raise PermissionDenied()
    return render(request, "web/market/review.html", {"map_config": _map_config()})
