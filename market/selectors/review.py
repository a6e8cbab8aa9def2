"""Reads of the review console: where a listing under review lies, the parcel it names, and the listings it overlaps."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.gis.db.models.functions import Intersection
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import FloatField, Func, Q, QuerySet, Value
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import REVIEW_READERS, audience_of, scope_covers
from core.classification import fields_for
from core.errors import NotFound
from geo.models import Parcel
from market.models import SupplyListing
from market.selectors.supply import with_place_outline

S = SupplyListing.Status
# The listings whose place another listing may clash with: those in review and the public ones.
OVERLAP_STATUSES = (S.IN_REVIEW, S.PUBLISHED, S.CERTIFIED)
OVERLAP_LIMIT = 50
# An intersection smaller than this is two outlines touching along an edge, not an overlap.
OVERLAP_MIN_M2 = 0.01
# A declared area within this many m² of the parcel's is the same area (the parcel's is rounded to 0.01 m²).
AREA_TOLERANCE_M2 = Decimal("1")
# The declared data set against the parcel's, in the order the console shows them.
COMPARED = (
    "certificate_type",
    "certificate_number",
    "registration_authority",
    "unit_numbers",
    "area_m2",
    "land_use",
    "land_nature",
    "use_right_type",
    "address",
    "boundary_east",
    "boundary_west",
    "boundary_south",
    "boundary_north",
)
# A parcel's certificate type is free text from its source: the word each of the listing's choices must contain.
CERTIFICATE_WORDS = {"land": "土地", "real_estate": "不动产"}


class GeodesicArea(Func):
    """The area of a geometry in m² on the ellipsoid (PostGIS geography, spheroid of its SRID: CGCS2000)."""

    template = "ST_Area(%(expressions)s::geography)"
    output_field = FloatField()


@dataclass
class ReviewPlace:
    listing: SupplyListing  # with `place_outline` (market.selectors.supply.with_place_outline)
    parcel: Parcel | None
    parcel_fields: frozenset[str]  # the parcel's fields the caller may see (core.classification)
    differences: list[str] = field(default_factory=list)
    overlaps: list[SupplyListing] = field(default_factory=list)  # each with `overlap_m2` (None: a point inside)


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _differs(name: str, declared: Any, recorded: Any) -> bool:
    """Whether a declared value disagrees with the parcel's; a value missing on either side is no disagreement."""
    if name == "unit_numbers":
        return bool(declared and recorded) and set(map(_text, declared)) != set(map(_text, recorded))
    if declared in (None, "") or recorded in (None, ""):
        return False
    if name == "area_m2":
        return abs(Decimal(declared) - Decimal(recorded)) > AREA_TOLERANCE_M2
    if name == "certificate_type":
        return recorded != declared and CERTIFICATE_WORDS.get(declared, declared) not in str(recorded)
    return _text(declared) != _text(recorded)


def place_differences(listing: SupplyListing, parcel: Parcel, shown: frozenset[str]) -> list[str]:
    """The compared fields (COMPARED) whose declared value disagrees with the parcel's, of those the caller sees."""
    return [
        name for name in COMPARED if name in shown and _differs(name, getattr(listing, name), getattr(parcel, name))
    ]


def overlapping_listings(listing: SupplyListing, place: GEOSGeometry) -> list[SupplyListing]:
    """Other listings in review or public whose outline (drawn, else their parcel's) meets `place`, largest overlap
    first, each with `overlap_m2`: the intersection's geodesic area, or None when `place` is a point."""
    meets = Q(outline__intersects=place) | Q(outline__isnull=True, parcel__geometry__intersects=place)
    others: QuerySet[Any] = (
        with_place_outline(SupplyListing.objects.select_related("region"))
        .filter(meets, status__in=OVERLAP_STATUSES)
        .exclude(pk=listing.pk)
        .defer("region__boundary", "region__boundary_simplified")
    )
    if place.geom_type == "Point":
        return list(others.annotate(overlap_m2=Value(None, output_field=FloatField())).order_by("id")[:OVERLAP_LIMIT])
    others = others.annotate(overlap_m2=GeodesicArea(Intersection("place_outline", place)))
    return list(others.filter(overlap_m2__gte=OVERLAP_MIN_M2).order_by("-overlap_m2", "id")[:OVERLAP_LIMIT])


def supply_review_place(*, listing_id: int, user: User) -> ReviewPlace:
    """The place of a listing for reviewers (and supervisors) of its region, 404 for anyone else: its outline or
    point, its parcel with the fields the caller may see of it, where the declared data disagrees, and the overlaps."""
    listing = (
        with_place_outline(SupplyListing.objects.select_related("parcel", "parcel__region"))
        .defer("parcel__region__boundary", "parcel__region__boundary_simplified")
        .filter(pk=listing_id)
        .first()
    )
    if listing is None or not scope_covers(user, listing.region_id, *REVIEW_READERS):
        raise NotFound(_("No supply listing has this id."))
    place = ReviewPlace(listing=listing, parcel=listing.parcel, parcel_fields=frozenset())
    if listing.parcel is not None:
        audience = audience_of(user, owner_id=None, region_code=listing.parcel.region_id, roles=REVIEW_READERS)
        place.parcel_fields = fields_for(Parcel, audience)
        place.differences = place_differences(listing, listing.parcel, place.parcel_fields)
    shape = listing.place_outline or listing.location  # type: ignore[attr-defined]
    if shape is not None:
        place.overlaps = overlapping_listings(listing, shape)
    return place
