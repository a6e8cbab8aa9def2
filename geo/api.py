"""Spatial query API under /api/geo/: the region tree and lookup, parcel search, surroundings and parcel exports."""

import json
import math
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any, cast

import numpy as np
import orjson
import shapely
from asgiref.sync import sync_to_async
from django.contrib.gis.geos import GEOSGeometry
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import ReadsParcelData, request_user
from accounts.selectors import audience_of
from core.classification import Audience
from core.pagination import PageNumberPagination
from core.serializers import ErrorOutput
from geo.models import SRID, Amenity, Parcel, Region
from geo.reference import is_valid_land_use, region_level
from geo.selectors import (
    CategorySurroundings,
    ParcelFeatures,
    Surroundings,
    parcel_get,
    parcel_surroundings,
    region_ancestors,
    region_children,
    region_get,
    region_get_for_export,
    region_lookup,
    region_parcels_geojson,
    region_parcels_write_gpkg,
    surrounding_radii_default,
    surroundings_at,
)
from geo.serializers import (
    BBoxField,
    GeoJsonGeometryField,
    LonLatField,
    ParcelFeatureOutput,
    ParcelStaffFeatureOutput,
    RegionRefOutput,
)

POLYGON_MAX_VERTICES = 10_000
SURROUNDING_MAX_RADII = 5
SURROUNDING_MAX_RADIUS_M = 20_000

TAGS = ["geo"]
ERRORS = {400: ErrorOutput, 404: ErrorOutput}
CODE_PATH = OpenApiParameter(
    "code", str, OpenApiParameter.PATH, description="region code, 6 digits (GB/T 2260), e.g. 510104"
)


class RegionCodeField(serializers.CharField):
    """A well-formed GB/T 2260 region code (six digits: xx0000 province, xxxx00 city, else county)."""

    default_error_messages = {"invalid": _("Not a region code (GB/T 2260: six digits, e.g. 510104).")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "region code, 6 digits (GB/T 2260): a province, city or county")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        code = super().to_internal_value(data)
        try:
            region_level(code)
        except ValueError:
            self.fail("invalid")
        return code


class RegionCodeInput(serializers.Serializer):
    code = RegionCodeField()


def _region_code(code: str) -> str:
    """The path's region code, or a 400 naming `code` when it is malformed."""
    data = RegionCodeInput(data={"code": code})
    data.is_valid(raise_exception=True)
    return data.validated_data["code"]


class RegionListApi(APIView):
    """The region tree, one level at a time: the children of `parent`, or the provinces without it; no geometry."""

    permission_classes = [AllowAny]

    class Input(serializers.Serializer):
        # "parent" shadows Field.parent only for the type checker: DRF collects declared fields off the class.
        parent = RegionCodeField(  # type: ignore[assignment]
            required=False, help_text="list the children of this region; none: the provinces"
        )

    class Output(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        level = serializers.ChoiceField(choices=Region.Level.choices)
        parent = serializers.CharField(source="parent_id", allow_null=True)  # type: ignore[assignment]
        abbreviation = serializers.CharField(help_text="the province's abbreviation (川, 京 …)")
        has_children = serializers.BooleanField()

        class Meta:
            ref_name = "RegionTreeNode"

    @extend_schema(
        tags=TAGS,
        operation_id="geo_region_list",
        parameters=[Input],
        responses={200: Output(many=True), 400: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        data = self.Input(data=request.query_params)
        data.is_valid(raise_exception=True)
        children = region_children(parent_code=data.validated_data.get("parent"))
        return Response(self.Output(children, many=True).data)


class RegionDetailApi(APIView):
    """One region with its boundary as GeoJSON, the boundary's bbox and its ancestors (province, city).

    `zoom` (0–22) simplifies the boundary to about one pixel of a 256-pixel tile at that zoom,
    360 / (256 · 2^zoom) degrees (ST_SimplifyPreserveTopology); up to zoom 6 the stored simplified boundary is used
    when there is one. Without `zoom` the full boundary. `bbox` is always that of the full boundary.
    """

    permission_classes = [AllowAny]

    class Input(serializers.Serializer):
        zoom = serializers.IntegerField(
            min_value=0, max_value=22, required=False, help_text="web-map zoom the boundary is simplified for"
        )

    class Output(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        level = serializers.ChoiceField(choices=Region.Level.choices)
        parent = serializers.CharField(source="parent_id", allow_null=True)  # type: ignore[assignment]
        abbreviation = serializers.CharField()
        has_children = serializers.BooleanField()
        ancestors = serializers.SerializerMethodField()
        bbox = BBoxField(source="envelope", allow_null=True)
        boundary = GeoJsonGeometryField(source="display_boundary", allow_null=True)

        class Meta:
            ref_name = "RegionDetail"

        @extend_schema_field(RegionRefOutput(many=True))
        def get_ancestors(self, region: Region) -> Any:
            return RegionRefOutput(region_ancestors(region=region), many=True).data

    @extend_schema(
        tags=TAGS,
        operation_id="geo_region_retrieve",
        parameters=[CODE_PATH, Input],
        responses={200: Output, **ERRORS},
    )
    def get(self, request: Request, code: str) -> Response:
        code = _region_code(code)
        data = self.Input(data=request.query_params)
        data.is_valid(raise_exception=True)
        region = region_get(code=code, zoom=data.validated_data.get("zoom"))
        return Response(self.Output(region).data)


class RegionLookupApi(APIView):
    """The province, city and county whose boundaries cover a point (null where none does)."""

    permission_classes = [AllowAny]

    class Input(serializers.Serializer):
        lon = serializers.FloatField(min_value=-180, max_value=180, help_text="longitude in degrees, CGCS2000")
        lat = serializers.FloatField(min_value=-90, max_value=90, help_text="latitude in degrees, CGCS2000")

    class Output(serializers.Serializer):
        province = RegionRefOutput(allow_null=True)
        city = RegionRefOutput(allow_null=True)
        county = RegionRefOutput(allow_null=True)

        class Meta:
            ref_name = "RegionLookup"

    @extend_schema(
        tags=TAGS, operation_id="geo_region_lookup", parameters=[Input], responses={200: Output, 400: ErrorOutput}
    )
    def get(self, request: Request) -> Response:
        data = self.Input(data=request.query_params)
        data.is_valid(raise_exception=True)
        return Response(self.Output(region_lookup(**data.validated_data)).data)


def _bbox_from_text(text: str) -> tuple[float, float, float, float]:
    """minLon,minLat,maxLon,maxLat in degrees; a box across the antimeridian is refused (China has none)."""
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in text.split(","))
    except ValueError:
        raise serializers.ValidationError(
            _("Give four numbers: minLon,minLat,maxLon,maxLat."), code="invalid"
        ) from None
    if not all(math.isfinite(value) for value in (min_lon, min_lat, max_lon, max_lat)):
        raise serializers.ValidationError(_("Give four numbers: minLon,minLat,maxLon,maxLat."), code="invalid")
    if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
        raise serializers.ValidationError(
            _("Longitudes must lie in -180…180 and latitudes in -90…90, each minimum below its maximum."),
            code="out_of_range",
        )
    return min_lon, min_lat, max_lon, max_lat


def _polygon_from_text(text: str) -> GEOSGeometry:
    """A Polygon or MultiPolygon from WKT or GeoJSON, checked; parsed by shapely (GEOS), never by GDAL."""
    text = text.strip()
    try:
        shape = shapely.geometry.shape(json.loads(text)) if text.startswith("{") else shapely.from_wkt(text)
    except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.ShapelyError):
        raise serializers.ValidationError(
            _("Give a polygon as WKT or as a GeoJSON geometry."), code="invalid"
        ) from None
    if shape.geom_type not in ("Polygon", "MultiPolygon") or shape.is_empty:
        raise serializers.ValidationError(_("Only a Polygon or a MultiPolygon is accepted."), code="invalid_type")
    if shapely.get_num_coordinates(shape) > POLYGON_MAX_VERTICES:
        raise serializers.ValidationError(
            _("A polygon may have at most %(count)d vertices.") % {"count": POLYGON_MAX_VERTICES},
            code="too_many_vertices",
        )
    shape = shapely.force_2d(shape)
    coordinates = shapely.get_coordinates(shape)
    if not np.isfinite(coordinates).all():
        raise serializers.ValidationError(_("Give a polygon as WKT or as a GeoJSON geometry."), code="invalid")
    min_lon, min_lat, max_lon, max_lat = shape.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise serializers.ValidationError(_("Coordinates must be longitude, latitude in degrees."), code="out_of_range")
    if not shape.is_valid:
        raise serializers.ValidationError(
            _("The polygon is not valid: %(reason)s") % {"reason": shapely.is_valid_reason(shape)},
            code="invalid_geometry",
        )
    return GEOSGeometry(memoryview(shapely.to_wkb(shape)), srid=SRID)


class FeatureCollectionPagination(PageNumberPagination):
    """A page of GeoJSON features as a FeatureCollection with count, next and previous (?page=N&page_size=M).

    The features come as JSON texts that PostgreSQL built (geo.selectors.ParcelFeatures): the body is
    joined around them, not parsed and encoded again.
    """

    def page_slice(self, request: Request) -> slice | None:
        """The rows the asked page holds at most, read as the paginator reads `page` (None for `last`, a number that
        is not one or a page past what PostgreSQL can skip to: the paginator answers those)."""
        page_size = self.get_page_size(request)
        try:
            number = int(request.query_params.get(self.page_query_param, 1))
        except ValueError:
            return None
        if not page_size or number < 1:
            return None
        start = (number - 1) * page_size
        if start + page_size >= 2**63:  # PostgreSQL's OFFSET and LIMIT are bigints
            return None
        return slice(start, start + page_size)

    def get_paginated_response(self, data: list[str]) -> HttpResponse:  # type: ignore[override]
        head = orjson.dumps(
            {
                "type": "FeatureCollection",
                "count": self.page.paginator.count if self.page is not None else 0,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
            }
        )
        body = b"".join([head[:-1], b',"features":[', ",".join(data).encode(), b"]}"])
        # As core.renderers does: U+2028 and U+2029 escaped, so the JSON is also valid JavaScript.
        if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
            body = body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return HttpResponse(body, content_type="application/json")

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        page = super().get_paginated_response_schema(schema)["properties"]
        return {
            "type": "object",
            "required": ["type", "count", "next", "previous", "features"],
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "count": page["count"],
                "next": page["next"],
                "previous": page["previous"],
                "features": schema,
            },
        }


class ParcelListApi(ListAPIView):
    """Parcels (宗地) as a paged GeoJSON FeatureCollection, by parcel code; every filter given must match.

    `bbox` and `polygon` keep parcels whose geometry intersects them; `region` is a province, city or county code;
    `land_use` is a GB/T 21010 first-level class (05: every 05xx) or second-level code (0501).
    """

    permission_classes = [AllowAny]
    serializer_class = ParcelFeatureOutput
    pagination_class = FeatureCollectionPagination
    filter_backends: list = []

    class Input(serializers.Serializer):
        bbox = serializers.CharField(
            required=False, help_text="minLon,minLat,maxLon,maxLat in degrees (CGCS2000), e.g. 104.0,30.5,104.2,30.7"
        )
        polygon = serializers.CharField(
            required=False,
            max_length=1_000_000,
            trim_whitespace=True,
            help_text=f"a Polygon or MultiPolygon in lon/lat, as WKT or a GeoJSON geometry, at most "
            f"{POLYGON_MAX_VERTICES} vertices",
        )
        region = RegionCodeField(required=False, source="region_code")
        land_use = serializers.CharField(
            required=False, help_text="GB/T 21010-2017 land use: a first-level class (05) or a second-level one (0501)"
        )
        land_nature = serializers.ChoiceField(choices=Parcel.LandNature.choices, required=False)
        use_right_type = serializers.ChoiceField(choices=Parcel.UseRightType.choices, required=False)
        area_min = serializers.DecimalField(
            max_digits=14, decimal_places=2, min_value=0, required=False, help_text="smallest area in m²"
        )
        area_max = serializers.DecimalField(
            max_digits=14, decimal_places=2, min_value=0, required=False, help_text="largest area in m²"
        )

        def validate_bbox(self, value: str) -> tuple[float, float, float, float]:
            return _bbox_from_text(value)

        def validate_polygon(self, value: str) -> GEOSGeometry:
            return _polygon_from_text(value)

        def validate_land_use(self, value: str) -> str:
            if not is_valid_land_use(value):
                raise serializers.ValidationError(_("Not a GB/T 21010-2017 land-use class."), code="invalid")
            return value

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            area_min, area_max = attrs.get("area_min"), attrs.get("area_max")
            if area_min is not None and area_max is not None and area_min > area_max:
                raise serializers.ValidationError(
                    {"area_max": _("The largest area must not be below the smallest.")}, code="invalid"
                )
            return attrs

    @extend_schema(
        tags=TAGS,
        operation_id="geo_parcel_list",
        parameters=[Input],
        responses={200: ParcelFeatureOutput(many=True), **ERRORS},
    )
    # A ListAPIView for the schema (a paged list of ParcelFeatureOutput); the body is joined from PostgreSQL's JSON.
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]
        data = self.Input(data=request.query_params)
        data.is_valid(raise_exception=True)
        # One query: the page's features built by PostgreSQL (ParcelFeatureOutput's members) with the count.
        pagination = cast(FeatureCollectionPagination, self.paginator)
        parcels = ParcelFeatures(page=pagination.page_slice(request), **data.validated_data)
        features = self.paginate_queryset(parcels)  # type: ignore[arg-type]
        return self.get_paginated_response(features)


class ParcelDetailApi(APIView):
    """One parcel as a GeoJSON Feature; GIS staff of its region also get its certificate number, registration
    authority and unit numbers (staff-only fields, core.classification)."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="geo_parcel_retrieve",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="parcel code")],
        responses={200: ParcelStaffFeatureOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, code: str) -> Response:
        parcel = parcel_get(code=code)
        viewer = audience_of(request.user, owner_id=None, region_code=parcel.region_id, roles=(User.Role.GIS_STAFF,))
        output = ParcelStaffFeatureOutput if viewer >= Audience.STAFF else ParcelFeatureOutput
        return Response(output(parcel).data)


class SurroundingNearestOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    distance_m = serializers.FloatField(help_text="geodesic distance from the parcel's centroid in m, to 0.1 m")


class SurroundingCategoryOutput(serializers.Serializer):
    category = serializers.ChoiceField(choices=Amenity.Category.choices)
    category_name = serializers.SerializerMethodField()
    count = serializers.IntegerField(help_text="amenities of this category within the radius")
    nearest = SurroundingNearestOutput(allow_null=True, help_text="the nearest within the radius; null if none")

    def get_category_name(self, item: CategorySurroundings) -> str:
        return str(Amenity.Category(item.category).label)


class SurroundingRadiusOutput(serializers.Serializer):
    radius_m = serializers.IntegerField()
    categories = SurroundingCategoryOutput(many=True)


class SurroundingRadiiInput(serializers.Serializer):
    """The radii of a surroundings query; none given: the setting GEO_SURROUNDING_RADII_M."""

    radii = serializers.CharField(
        required=False,
        help_text=f"comma-separated radii in whole metres, 1…{SURROUNDING_MAX_RADIUS_M}, at most "
        f"{SURROUNDING_MAX_RADII}; by default the setting GEO_SURROUNDING_RADII_M (500,1000,3000)",
    )

    def validate_radii(self, value: str) -> list[int]:
        try:
            radii = [int(part) for part in value.split(",")]
        except ValueError:
            raise serializers.ValidationError(
                _("Give whole metres separated by commas, e.g. 500,1000,3000."), code="invalid"
            ) from None
        if len(radii) > SURROUNDING_MAX_RADII:
            raise serializers.ValidationError(
                _("At most %(count)d radii.") % {"count": SURROUNDING_MAX_RADII}, code="too_many"
            )
        if not all(1 <= radius <= SURROUNDING_MAX_RADIUS_M for radius in radii):
            raise serializers.ValidationError(
                _("Each radius must lie in 1…%(max)d m.") % {"max": SURROUNDING_MAX_RADIUS_M}, code="out_of_range"
            )
        return radii

    def radii_or_default(self) -> list[int]:
        return self.validated_data.get("radii") or surrounding_radii_default()


class ParcelSurroundingsApi(APIView):
    """The parcel's surroundings (周边配套): for each radius and each amenity category, how many amenities lie
    within it and the nearest of them.

    Distances are geodesic on the CGCS2000 ellipsoid, in metres, measured from the parcel's centroid (not from its
    edge); the nearest amenity's distance is rounded to 0.1 m and is null when none lies within the radius.
    Radii come back sorted, without repeats.
    """

    permission_classes = [AllowAny]

    Input = SurroundingRadiiInput

    class Output(serializers.Serializer):
        parcel_code = serializers.CharField(source="parcel.code")
        origin = LonLatField(source="parcel.centroid", help_text="the parcel's centroid, where distances start")
        radii = SurroundingRadiusOutput(many=True)

        class Meta:
            ref_name = "ParcelSurroundings"

    @extend_schema(
        tags=TAGS,
        operation_id="geo_parcel_surroundings",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="parcel code"), Input],
        responses={200: Output, **ERRORS},
    )
    def get(self, request: Request, code: str) -> Response:
        data = self.Input(data=request.query_params)
        data.is_valid(raise_exception=True)
        surroundings: Surroundings = parcel_surroundings(parcel_code=code, radii=data.radii_or_default())
        return Response(self.Output(surroundings).data)


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise serializers.ValidationError(_("A valid number is required."), code="invalid")
    return value


class PointSurroundingsApi(APIView):
    """The surroundings (周边配套) of a point, e.g. a listing's location that has no parcel: for each radius and each
    amenity category, how many amenities lie within it and the nearest of them (as for a parcel, from the point).
    """

    permission_classes = [AllowAny]

    class Input(SurroundingRadiiInput):
        lon = serializers.FloatField(min_value=-180, max_value=180, help_text="longitude in degrees, CGCS2000")
        lat = serializers.FloatField(min_value=-90, max_value=90, help_text="latitude in degrees, CGCS2000")

        class Meta:
            ref_name = "PointSurroundingsInput"

        def validate_lon(self, value: float) -> float:
            return _finite(value)

        def validate_lat(self, value: float) -> float:
            return _finite(value)

    class Output(serializers.Serializer):
        origin = serializers.ListField(child=serializers.FloatField(), help_text="[lon, lat]: where distances start")
        radii = SurroundingRadiusOutput(many=True)

        class Meta:
            ref_name = "PointSurroundings"

    @extend_schema(
        tags=TAGS, operation_id="geo_point_surroundings", parameters=[Input], responses={200: Output, 400: ErrorOutput}
    )
    def get(self, request: Request) -> Response:
        data = self.Input(data=request.query_params)
        data.is_valid(raise_exception=True)
        lon, lat = data.validated_data["lon"], data.validated_data["lat"]
        radii = surroundings_at(lon=lon, lat=lat, radii=data.radii_or_default())
        return Response(self.Output({"origin": [lon, lat], "radii": radii}).data)


class IgnoreClientContentNegotiation(BaseContentNegotiation):
    """Files are answered whatever the client accepts (a GIS client may ask for application/geopackage+sqlite3);
    errors are still JSON."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


def _served(request: Request, chunks: Iterator[bytes]) -> Iterator[bytes] | AsyncIterator[bytes]:
    """`chunks` as the kind of iterator the server consumes, so that Django streams them instead of collecting them
    all first: asynchronous under ASGI (uvicorn), as they are under WSGI."""
    if isinstance(request._request, ASGIRequest):
        return _async_chunks(chunks)
    return chunks


def _next_chunk(chunks: Iterator[bytes]) -> bytes | None:
    return next(chunks, None)


async def _async_chunks(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    # thread_sensitive: the same thread as the view, so a server-side cursor stays on its connection.
    next_chunk = sync_to_async(_next_chunk, thread_sensitive=True)
    try:
        while (chunk := await next_chunk(chunks)) is not None:
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            await sync_to_async(close, thread_sensitive=True)()


class RegionParcelsGeoJsonApi(APIView):
    """Every parcel of a region (province, city or county) as one GeoJSON FeatureCollection file, streamed.

    GIS staff and supervisors of a region covering it, and administrators: parcels' legal attributes are not
    public.
    """

    permission_classes = [ReadsParcelData]
    content_negotiation_class = IgnoreClientContentNegotiation

    @extend_schema(
        tags=TAGS,
        operation_id="geo_region_parcels_geojson",
        parameters=[CODE_PATH],
        responses={
            (200, "application/geo+json"): OpenApiResponse(OpenApiTypes.OBJECT, description="a FeatureCollection"),
            401: ErrorOutput,
            403: ErrorOutput,
            **ERRORS,
        },
    )
    def get(self, request: Request, code: str) -> StreamingHttpResponse:
        region = region_get_for_export(code=_region_code(code), user=request_user(request))
        response = StreamingHttpResponse(
            _served(request, region_parcels_geojson(region_code=region.code)), content_type="application/geo+json"
        )
        response["Content-Disposition"] = f'attachment; filename="parcels-{region.code}.geojson"'
        return response


class RegionParcelsGeoPackageApi(APIView):
    """Every parcel of a region (province, city or county) as a GeoPackage file: layer "parcels", EPSG:4490.

    GIS staff and supervisors of a region covering it, and administrators: parcels' legal attributes are not
    public.
    """

    permission_classes = [ReadsParcelData]
    content_negotiation_class = IgnoreClientContentNegotiation

    @extend_schema(
        tags=TAGS,
        operation_id="geo_region_parcels_gpkg",
        parameters=[CODE_PATH],
        responses={
            (200, "application/geopackage+sqlite3"): OpenApiResponse(OpenApiTypes.BINARY, description="a GeoPackage"),
            401: ErrorOutput,
            403: ErrorOutput,
            **ERRORS,
        },
    )
    def get(self, request: Request, code: str) -> FileResponse:
        region = region_get_for_export(code=_region_code(code), user=request_user(request))
        folder = Path(tempfile.mkdtemp(prefix="parcels-gpkg-"))
        try:
            path = folder / f"parcels-{region.code}.gpkg"
            region_parcels_write_gpkg(region_code=region.code, path=str(path))
            file = path.open("rb")  # the open file outlives the removal of its folder; the response closes it
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        response = FileResponse(
            file, as_attachment=True, filename=path.name, content_type="application/geopackage+sqlite3"
        )
        if isinstance(request._request, ASGIRequest):  # under WSGI the file goes out through wsgi.file_wrapper
            response.streaming_content = _async_chunks(iter(lambda: file.read(response.block_size), b""))
        return response
