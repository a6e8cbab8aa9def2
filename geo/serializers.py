"""Output serializers shared by the geo API: GeoJSON geometry, [lon, lat] points, regions, parcel features, errors."""

from typing import Any

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geo.models import Parcel, Region
from geo.reference import land_use_name

LON_LAT_SCHEMA = {
    "type": "array",
    "items": {"type": "number", "format": "double"},
    "minItems": 2,
    "maxItems": 2,
    "description": "[longitude, latitude] in degrees, CGCS2000 (EPSG:4490)",
    "example": [104.06, 30.57],
}
BBOX_SCHEMA = {
    "type": "array",
    "items": {"type": "number", "format": "double"},
    "minItems": 4,
    "maxItems": 4,
    "description": "[min longitude, min latitude, max longitude, max latitude] in degrees, CGCS2000 (EPSG:4490)",
    "example": [104.0, 30.5, 104.2, 30.7],
}
GEOJSON_GEOMETRY_SCHEMA = {
    "type": "object",
    "description": "A GeoJSON geometry (RFC 7946) with lon/lat coordinates in CGCS2000 (EPSG:4490)",
    "properties": {
        "type": {"type": "string", "example": "MultiPolygon"},
        "coordinates": {"type": "array", "items": {}},
    },
    "required": ["type", "coordinates"],
}


@extend_schema_field(GEOJSON_GEOMETRY_SCHEMA)
class GeoJsonGeometryField(serializers.Field):
    """A GEOS geometry as a GeoJSON geometry object."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Polygon | MultiPolygon) -> dict[str, Any]:
        # GEOS gives the coordinates directly; GEOSGeometry.json would go through GDAL's OGR.
        return {"type": value.geom_type, "coordinates": value.coords}


@extend_schema_field(LON_LAT_SCHEMA)
class LonLatField(serializers.Field):
    """A point as [lon, lat]."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Point) -> list[float]:
        return [value.x, value.y]


@extend_schema_field(BBOX_SCHEMA)
class BBoxField(serializers.Field):
    """A geometry's extent as [minLon, minLat, maxLon, maxLat]."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: GEOSGeometry) -> list[float]:
        return list(value.extent)


class RegionRefOutput(serializers.Serializer):
    """A region named by its code, without geometry."""

    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Region.Level.choices)


class ParcelFeatureOutput(GeoFeatureModelSerializer):
    """A parcel (宗地) as a GeoJSON Feature: `id` is the database id, the parcel code is a property.

    The parcel list does not run it: PostgreSQL builds the same features (geo.selectors.ParcelFeatures),
    and geo/tests/test_api_parcels.py holds the two to the same output. It describes them in the schema, and serves
    one parcel.
    """

    region_code = serializers.CharField(source="region_id", allow_null=True, read_only=True)
    region_name = serializers.CharField(source="region.name", allow_null=True, read_only=True)
    centroid = LonLatField()
    land_use_name = serializers.SerializerMethodField(help_text="GB/T 21010-2017 name of the land use")
    # Blank when the source data does not say (DRF drops allow_blank from read-only model fields: declared here).
    land_nature = serializers.ChoiceField(choices=Parcel.LandNature.choices, allow_blank=True, read_only=True)
    use_right_type = serializers.ChoiceField(choices=Parcel.UseRightType.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Parcel
        geo_field = "geometry"
        fields = [
            "id",
            "geometry",
            "code",
            "area_m2",
            "region_code",
            "region_name",
            "centroid",
            "address",
            "land_use",
            "land_use_name",
            "land_nature",
            "use_right_type",
            "boundary_east",
            "boundary_west",
            "boundary_south",
            "boundary_north",
            "floor_area_ratio",
            "building_density",
            "green_ratio",
            "height_limit_m",
        ]
        read_only_fields = fields
        list_serializer_class = serializers.ListSerializer

    def get_land_use_name(self, parcel: Parcel) -> str | None:
        return land_use_name(parcel.land_use) if parcel.land_use else None


class ParcelStaffFeatureOutput(ParcelFeatureOutput):
    """A parcel with its staff-only legal attributes (core.classification), for GIS staff of its region."""

    class Meta(ParcelFeatureOutput.Meta):
        fields = [*ParcelFeatureOutput.Meta.fields, "certificate_number", "registration_authority", "unit_numbers"]
        read_only_fields = fields
