"""OGC API - Features views (Part 1 Core + GeoJSON, Part 2 CRS): public, read-only, JSON only."""

import json
import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiJsonRenderer2
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from core.throttling import ScopedRateThrottle
from geo.ogc.queries import (
    COLLECTIONS,
    CRS84,
    CRSS,
    STORAGE_CRS,
    BBox,
    Collection,
    Crs,
    Extent,
    FeaturePage,
    ItemsQuery,
    collection_extents,
    feature_page,
    feature_parts,
    property_schemas,
)

JSON = "application/json"
GEOJSON = "application/geo+json"
JSON_SCHEMA = "application/schema+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
DEFAULT_LIMIT = 100
# A larger limit is lowered to this, as OGC API - Features Part 1 permits (/req/core/fc-limit-response-1).
MAX_LIMIT = 1000
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
# The CRS URIs, and the short forms (EPSG:3857, [EPSG:3857], OGC:CRS84) clients also send.
CRS_NAMES: dict[str, Crs] = {
    name: crs
    for crs in CRSS.values()
    for short in ["OGC:CRS84" if crs is CRS84 else f"EPSG:{crs.srid}"]
    for name in (crs.uri, short, f"[{short}]")
}


class CrsField(serializers.Field):
    default_error_messages = {"unsupported": _("Unsupported coordinate reference system; use one of {supported}.")}

    def to_internal_value(self, data: Any) -> Crs:
        crs = CRS_NAMES.get(str(data).strip())
        if crs is None:
            self.fail("unsupported", supported=", ".join(CRSS))
        return crs

    def to_representation(self, value: Crs) -> str:
        return value.uri


class BBoxField(serializers.Field):
    default_error_messages = {
        "invalid": _("Give four comma-separated numbers: the lower left and the upper right corner."),
        "three_dimensional": _("Bounding boxes with heights (six numbers) are not supported; give four numbers."),
        "order": _("A lower bound exceeds its upper bound (boxes across the antimeridian are not supported)."),
    }

    def to_internal_value(self, data: Any) -> tuple[float, float, float, float]:
        parts = str(data).split(",")
        if len(parts) == 6:
            self.fail("three_dimensional")
        try:
            x1, y1, x2, y2 = (float(part) for part in parts)
        except ValueError:
            self.fail("invalid")
        if not all(math.isfinite(value) for value in (x1, y1, x2, y2)):
            self.fail("invalid")
        if x1 > x2 or y1 > y2:
            self.fail("order")
        return x1, y1, x2, y2


def _bbox(corners: tuple[float, float, float, float], crs: Crs) -> BBox:
    """The bbox parameter in `crs`'s axis order (Part 2) as lon/lat or x/y; degrees beyond the world are clipped."""
    x1, y1, x2, y2 = corners
    if crs.latitude_first:
        x1, y1, x2, y2 = y1, x1, y2, x2
    if crs.geographic:  # PROJ refuses latitudes beyond ±90°; a box beyond the world selects the same as the world
        x1, x2 = (min(max(x, -180.0), 180.0) for x in (x1, x2))
        y1, y2 = (min(max(y, -90.0), 90.0) for y in (y1, y2))
    return BBox(x1, y1, x2, y2, crs)


class OgcContentNegotiation(BaseContentNegotiation):
    """Every answer is JSON whatever the Accept header says (GDAL, QGIS and browsers all ask differently)."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> Any:
        renderer: BaseRenderer = renderers[0]
        return renderer, renderer.media_type


class OgcApi(APIView):
    """Public and read-only: no authentication, no sessions, answers any origin (CORS)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    # GIS clients page through collections as a map pans: a rate of their own, per client address.
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "ogc"
    content_negotiation_class = OgcContentNegotiation
    http_method_names = ["get", "head"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # GDAL sends f=json; `f` chooses the format, and JSON (GeoJSON for features) is the only one.
        if request.query_params.get("f", "json") != "json":
            raise serializers.ValidationError({"f": [_("Unsupported format; the only format is json.")]})

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().dispatch(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response


def _link(href: str, rel: str, type_: str, title: str | Promise | None = None) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": type_} | ({"title": str(title)} if title else {})


def _url(request: Request, name: str, **kwargs: str) -> str:
    return request.build_absolute_uri(reverse(name, kwargs=kwargs))


def _collection(collection_id: str) -> Collection:
    try:
        return COLLECTIONS[collection_id]
    except KeyError:
        raise NotFound(_("No such collection.")) from None


def _collection_document(request: Request, collection: Collection, extent: Extent | None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": collection.id,
        "title": collection.title,
        "description": str(collection.description),
        "links": [
            _link(_url(request, "ogc:collection", collection_id=collection.id), "self", JSON, collection.title),
            _link(_url(request, "ogc:items", collection_id=collection.id), "items", GEOJSON, collection.title),
            # "describedBy" is where GDAL's OAPIF driver looks for a JSON Schema of the features.
            _link(_url(request, "ogc:schema", collection_id=collection.id), "describedBy", JSON_SCHEMA),
        ],
        "itemType": "feature",
        "crs": list(CRSS),
        "storageCrs": STORAGE_CRS.uri,
    }
    # No temporal extent: these features have no time of their own.
    if extent is not None:
        document["extent"] = {"spatial": {"bbox": [list(extent)], "crs": CRS84.uri}}
    return document


def _json_object(members: dict[str, Any], json_members: dict[str, str]) -> str:
    """A JSON object of `members`, then of `json_members` whose values are JSON text already (from PostgreSQL)."""
    head = json.dumps(members, ensure_ascii=False, separators=(",", ":"))[1:-1]
    tail = ",".join(f"{json.dumps(name)}:{text}" for name, text in json_members.items())
    return "{" + ",".join(part for part in (head, tail) if part) + "}"


def _geojson_response(body: str, crs: Crs) -> HttpResponse:
    response = HttpResponse(body, content_type=GEOJSON)
    response["Content-Crs"] = f"<{crs.uri}>"
    return response


def _page_links(request: Request, query: ItemsQuery, page: FeaturePage) -> list[dict[str, str]]:
    def page_url(offset: int) -> str:
        params = request.query_params.copy()
        params["limit"], params["offset"] = str(query.limit), str(offset)
        return request.build_absolute_uri(request.path) + "?" + params.urlencode(safe=",:/[]")

    collection_url = _url(request, "ogc:collection", collection_id=query.collection.id)
    links = [
        _link(request.build_absolute_uri(), "self", GEOJSON, _("This page")),
        _link(collection_url, "collection", JSON, query.collection.title),
    ]
    if query.offset + page.number_returned < page.number_matched:
        links.append(_link(page_url(query.offset + query.limit), "next", GEOJSON, _("Next page")))
    if query.offset > 0:
        links.append(_link(page_url(max(query.offset - query.limit, 0)), "prev", GEOJSON, _("Previous page")))
    return links


class OpenApiRenderer(OpenApiJsonRenderer):
    # GDAL's OAPIF driver refuses the API definition unless its Content-Type has the version parameter.
    media_type = OPENAPI


@extend_schema(exclude=True)
class ApiDefinitionApi(SpectacularAPIView):
    """The project's OpenAPI document, as at /api/schema/, with the media type OGC API clients expect."""

    renderer_classes = [OpenApiRenderer, OpenApiJsonRenderer2]


COLLECTION_ID = OpenApiParameter("collection_id", str, OpenApiParameter.PATH, enum=list(COLLECTIONS))
CRS_PARAMETER = OpenApiParameter("crs", str, enum=list(CRSS), description="The response's CRS (default CRS84).")
FORMAT = OpenApiParameter("f", str, enum=["json"])
FILTERS = sorted({name for collection in COLLECTIONS.values() for name in collection.filters})


def _document(operation_id: str, *parameters: OpenApiParameter, media_type: str = GEOJSON) -> Any:
    return extend_schema(
        operation_id=operation_id,
        tags=["ogc"],
        parameters=[*parameters, FORMAT],
        responses={(200, media_type): OpenApiTypes.OBJECT},
    )


class LandingPageApi(OgcApi):
    @_document("ogc_landing_page", media_type=JSON)
    def get(self, request: Request) -> Response:
        return Response(
            {
                "title": _("Land secondary market: OGC API - Features"),
                "description": _("Admin regions, land parcels and amenities, stored in CGCS2000 (EPSG:4490)."),
                "links": [
                    _link(_url(request, "ogc:landing"), "self", JSON, _("This document")),
                    _link(_url(request, "ogc:api"), "service-desc", OPENAPI, _("The API definition")),
                    _link(_url(request, "swagger-ui"), "service-doc", "text/html", _("The API documentation")),
                    _link(_url(request, "ogc:conformance"), "conformance", JSON, _("Conformance classes")),
                    _link(_url(request, "ogc:collections"), "data", JSON, _("Feature collections")),
                ],
            }
        )


class ConformanceApi(OgcApi):
    @_document("ogc_conformance", media_type=JSON)
    def get(self, request: Request) -> Response:
        return Response({"conformsTo": CONFORMANCE})


class CollectionsApi(OgcApi):
    @_document("ogc_collections", media_type=JSON)
    def get(self, request: Request) -> Response:
        extents = collection_extents(list(COLLECTIONS.values()))
        return Response(
            {
                "links": [_link(_url(request, "ogc:collections"), "self", JSON, _("Feature collections"))],
                "collections": [_collection_document(request, c, extents[c.id]) for c in COLLECTIONS.values()],
            }
        )


class CollectionApi(OgcApi):
    @_document("ogc_collection", COLLECTION_ID, media_type=JSON)
    def get(self, request: Request, collection_id: str) -> Response:
        collection = _collection(collection_id)
        extents = collection_extents([collection])
        return Response(_collection_document(request, collection, extents[collection.id]))


class CollectionSchemaApi(OgcApi):
    """The JSON Schema of the collection's features, so clients type attributes without guessing from a page."""

    @_document("ogc_collection_schema", COLLECTION_ID, media_type=JSON_SCHEMA)
    def get(self, request: Request, collection_id: str) -> Response:
        collection = _collection(collection_id)
        schema = {
            "$schema": "https://json-schema.org/draft/2019-09/schema",
            "$id": _url(request, "ogc:schema", collection_id=collection.id),
            "title": collection.title,
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"type": "string"},
                "geometry": {"type": "object", "title": "GeoJSON geometry"},
                "properties": {"type": "object", "properties": property_schemas(collection)},
            },
        }
        return Response(schema, content_type=JSON_SCHEMA)


class ItemsApi(OgcApi):
    class InputSerializer(serializers.Serializer):
        bbox = BBoxField(required=False)
        crs = CrsField(default=CRS84)
        limit = serializers.IntegerField(min_value=1, default=DEFAULT_LIMIT)
        offset = serializers.IntegerField(min_value=0, max_value=10**9, default=0)

        def get_fields(self) -> dict[str, serializers.Field]:
            fields = super().get_fields()
            fields["bbox-crs"] = CrsField(default=CRS84)
            for name in self.context["collection"].filters:
                fields[name] = serializers.CharField(required=False, max_length=255)
            return fields

        def validate_limit(self, value: int) -> int:
            return min(value, MAX_LIMIT)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if "bbox" in attrs:
                attrs["bbox"] = _bbox(attrs["bbox"], attrs["bbox-crs"])
            return attrs

    @_document(
        "ogc_items",
        COLLECTION_ID,
        CRS_PARAMETER,
        OpenApiParameter("bbox", str, description="min x, min y, max x, max y in bbox-crs's axis order."),
        OpenApiParameter("bbox-crs", str, enum=list(CRSS), description="The bbox's CRS (default CRS84)."),
        OpenApiParameter("limit", int, description=f"Features per page, default {DEFAULT_LIMIT}, at most {MAX_LIMIT}."),
        OpenApiParameter("offset", int, description="Features to skip; follow the next link instead."),
        *(
            OpenApiParameter(name, str, description="Equality filter (collections with this property).")
            for name in FILTERS
        ),
    )
    def get(self, request: Request, collection_id: str) -> HttpResponse:
        collection = _collection(collection_id)
        params = self.InputSerializer(data=request.query_params, context={"collection": collection})
        params.is_valid(raise_exception=True)
        data = params.validated_data
        query = ItemsQuery(
            collection=collection,
            crs=data["crs"],
            bbox=data.get("bbox"),
            filters={attname: data[name] for name, attname in collection.filters.items() if name in data},
            limit=data["limit"],
            offset=data["offset"],
        )
        page = feature_page(query)
        members = {
            "type": "FeatureCollection",
            "numberMatched": page.number_matched,
            "numberReturned": page.number_returned,
            "timeStamp": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "links": _page_links(request, query, page),
        }
        return _geojson_response(_json_object(members, {"features": page.features}), query.crs)


class ItemApi(OgcApi):
    class InputSerializer(serializers.Serializer):
        crs = CrsField(default=CRS84)

    @_document("ogc_item", COLLECTION_ID, OpenApiParameter("feature_id", str, OpenApiParameter.PATH), CRS_PARAMETER)
    def get(self, request: Request, collection_id: str, feature_id: str) -> HttpResponse:
        collection = _collection(collection_id)
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        crs: Crs = params.validated_data["crs"]
        parts = feature_parts(collection, feature_id, crs)
        if parts is None:
            raise NotFound(_("No such feature."))
        geometry, properties = parts
        links = [
            _link(request.build_absolute_uri(), "self", GEOJSON, _("This feature")),
            _link(_url(request, "ogc:collection", collection_id=collection.id), "collection", JSON, collection.title),
        ]
        members = {"type": "Feature", "id": feature_id, "links": links}
        return _geojson_response(_json_object(members, {"geometry": geometry, "properties": properties}), crs)
