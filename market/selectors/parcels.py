"""Reads of a parcel's page: the parcel with its region path, and the public listings that stand on it."""

from typing import Any

from django.contrib.gis.db.models.functions import Intersection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.errors import NotFound
from geo.models import Parcel
from market.models import SupplyListing
from market.selectors.review import OVERLAP_MIN_M2, GeodesicArea
from market.selectors.supply import with_place_outline

_REGION_PATH = ("region", "region__parent", "region__parent__parent")


def parcel_page_get(*, code: str) -> Parcel:
    """The parcel with its region, the region's parent and grandparent (without their boundaries); NotFound."""
    parcel = (
        Parcel.objects.select_related(*_REGION_PATH)
        .defer(*(f"{path}__{name}" for path in _REGION_PATH for name in ("boundary", "boundary_simplified")))
        .filter(code=code)
        .first()
    )
    if parcel is None:
        raise NotFound(_("No parcel has this code."))
    return parcel


def supply_public_on_parcel(*, parcel: Parcel) -> QuerySet[SupplyListing]:
    """Published and certified listings standing on the parcel, newest first, judged by their public place only: an
    outline (drawn, else their parcel's) sharing area with it, else a point inside it. The owner-only parcel link is
    not read on its own, so this tells no more than the listings' public outlines and points already do."""
    geometry = parcel.geometry
    meets = (
        Q(outline__intersects=geometry)
        | Q(outline__isnull=True, parcel__geometry__intersects=geometry)
        | Q(outline__isnull=True, parcel__isnull=True, location__intersects=geometry)
    )
    listings: QuerySet[Any] = with_place_outline(SupplyListing.objects.select_related("region"))
    # An outline stands on the parcel when they share area (on the ellipsoid), not when they touch along an edge.
    shared = GeodesicArea(Intersection("place_outline", geometry))
    return (
        listings.filter(meets, status__in=SupplyListing.PUBLIC_STATUSES)
        .annotate(shared_m2=shared)
        .filter(Q(place_outline__isnull=True) | Q(shared_m2__gte=OVERLAP_MIN_M2))
        .defer("region__boundary", "region__boundary_simplified")
        .order_by("-published_at", "-id")
    )


def parcel_under_listing(*, listing: SupplyListing) -> Parcel | None:
    """The parcel under a listing's public place: under its point, else under a point inside its public outline
    (drawn, else its parcel's); the first by code where parcels meet there; None when none is on record."""
    placed: QuerySet[Any] = with_place_outline(SupplyListing.objects.filter(pk=listing.pk))
    location, outline = placed.values_list("location", "place_outline").first() or (None, None)
    point = location if location is not None else (outline.point_on_surface if outline is not None else None)
    if point is None:
        return None
    return Parcel.objects.filter(geometry__intersects=point).only("id", "code").order_by("code").first()
