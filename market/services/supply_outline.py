"""A drawn outline's area, measured on the GRS80 ellipsoid (CGCS2000's) along geodesics, as the server stores it."""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.gis.geos import MultiPolygon
from django.utils.translation import gettext as _
from pyproj import Geod

from core.errors import InvalidInput

GRS80 = Geod(ellps="GRS80")
# The largest outline a listing may have: 10 km² (15,000 亩); a larger one is a slip of the pen, not a parcel.
OUTLINE_MAX_AREA_M2 = Decimal(10_000_000)


def outline_area_m2(outline: MultiPolygon) -> Decimal:
    """The outline's area in m² to the hundredth; a 400 naming `outline` when it is larger than the limit."""
    total = 0.0
    for rings in outline.coords:  # each polygon: its shell, then its holes
        lons, lats = zip(*rings[0], strict=True)
        area = abs(GRS80.polygon_area_perimeter(lons, lats)[0])
        for hole in rings[1:]:
            lons, lats = zip(*hole, strict=True)
            area -= abs(GRS80.polygon_area_perimeter(lons, lats)[0])
        total += area
    result = Decimal(total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if result > OUTLINE_MAX_AREA_M2:
        raise InvalidInput(
            fields={
                "outline": [
                    {
                        "code": "too_large",
                        "message": _("An outline may cover at most %(limit)s m²; check the drawing.")
                        % {"limit": f"{OUTLINE_MAX_AREA_M2:,}"},
                    }
                ]
            }
        )
    return result
