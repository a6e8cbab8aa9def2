"""The parcel page (/parcels/<code>/): a parcel's public attributes, its place and surroundings, and the public
listings standing on it. Only public fields (core.classification) reach the page, whoever looks."""

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.classification import public_fields
from core.errors import NotFound
from geo.models import Parcel
from geo.reference import land_use_name
from geo.serializers import GeoJsonGeometryField
from market.selectors.parcels import parcel_page_get, supply_public_on_parcel
from web.views_market import _map_config, _missing

LISTING_LIMIT = 50
# The attributes the page lists, in its order; any that is not public is dropped (_attributes), whatever is listed.
SHOWN = (
    "address",
    "land_nature",
    "use_right_type",
    "certificate_type",
    "boundary_east",
    "boundary_west",
    "boundary_south",
    "boundary_north",
    "floor_area_ratio",
    "building_density",
    "green_ratio",
    "height_limit_m",
    "buildings",
    "source",
)


def _region_path(parcel: Parcel) -> list[dict[str, str]]:
    """The parcel's region and its ancestors, province first."""
    path: list[dict[str, str]] = []
    region = parcel.region
    while region is not None:
        path.insert(0, {"code": region.code, "name": region.name})
        region = region.parent
    return path


def _attributes(parcel: Parcel) -> list[dict[str, Any]]:
    rows = []
    public = public_fields(Parcel)
    for name in (name for name in SHOWN if name in public):
        field = Parcel._meta.get_field(name)
        label = field.verbose_name if isinstance(field, models.Field) else name  # the listed names are columns
        display = getattr(parcel, f"get_{name}_display", None)
        value = display() if display and getattr(parcel, name) else getattr(parcel, name)
        rows.append({"name": name, "label": label, "value": value})
    return rows


def parcel_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        parcel = parcel_page_get(code=code)
    except NotFound as error:
        return _missing(request, error)
    place = {
        "outline": GeoJsonGeometryField().to_representation(parcel.geometry),
        "location": [parcel.centroid.x, parcel.centroid.y],
        "code": parcel.code,
    }
    context = {
        "parcel": parcel,
        "region_path": _region_path(parcel),
        "land_use_name": land_use_name(parcel.land_use) if parcel.land_use else None,
        "attributes": _attributes(parcel),
        "listings": list(supply_public_on_parcel(parcel=parcel)[:LISTING_LIMIT]),
        "place": place,
        "map_config": _map_config(),
    }
    return render(request, "web/parcel_detail.html", context)
