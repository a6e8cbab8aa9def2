"""Tile endpoints: `/tiles/{layer}/{z}/{x}/{y}.mvt` (gzip MVT with ETag and Cache-Control, 204 when empty) and
`/tiles/{layer}.json` (TileJSON 3.0.0). The layer, then z/x/y, then the filters are checked before any SQL."""

import gzip
from typing import Any

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from core.renderers import JSONRenderer
from core.serializers import ErrorOutput
from geo.api import IgnoreClientContentNegotiation
from tiles import cache
from tiles.filters import TileFilterInput
from tiles.grid import tile_address
from tiles.layers import LAYERS, Layer, layer_get
from tiles.services import layer_bounds, tile_get, tile_state
from tiles.throttling import TileRateThrottle

TAGS = ["tiles"]
MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"
LAYER_PATH = OpenApiParameter("layer", str, OpenApiParameter.PATH, enum=list(LAYERS), description="the tile layer")


def _layer(name: str) -> Layer:
    layer = layer_get(name)
    if layer is None:
        message = _("No tile layer has this name; the layers are: %(layers)s.") % {"layers": ", ".join(LAYERS)}
        raise NotFound(message, fields={"layer": [{"code": "not_found", "message": message}]})
    return layer


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header lets the body be gzip-compressed (gzip or *, with a weight above 0)."""
    weights: dict[str, float] = {}
    for part in header.split(","):
        coding, *parameters = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _eq, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[coding.lower()] = weight
    return weights.get("gzip", weights.get("*", 0.0)) > 0


class TileApiView(APIView):
    """What both tile endpoints share: public, no session or token lookup, their own rate limit, errors as JSON."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [TileRateThrottle]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = IgnoreClientContentNegotiation


class TileApi(TileApiView):
    """One vector tile (Mapbox Vector Tile 2.1) of a layer; the layer's filters as query parameters: supply and demand
    take the search API's (every parameter below but `category`), parcels region, land_use, area_min and area_max,
    amenities category. gzip-compressed when the client accepts it; 204 for a tile without features; 304 for a
    matching If-None-Match. Header `X-Tile-Cache: hit|miss` tells whether the server-side cache held it."""

    @extend_schema(
        tags=TAGS,
        operation_id="tiles_tile",
        parameters=[
            LAYER_PATH,
            OpenApiParameter("z", int, OpenApiParameter.PATH, description="zoom, 0…TILES_MAX_ZOOM (22)"),
            OpenApiParameter("x", int, OpenApiParameter.PATH, description="column, 0…2^z − 1"),
            OpenApiParameter("y", int, OpenApiParameter.PATH, description="row from the north, 0…2^z − 1"),
            TileFilterInput,
        ],
        responses={
            (200, MVT_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="the tile"),
            204: OpenApiResponse(description="no features in this tile"),
            304: OpenApiResponse(description="the tile has not changed (If-None-Match)"),
            400: ErrorOutput,
            404: ErrorOutput,
        },
    )
    def get(self, request: Request, layer: str, z: str, x: str, y: str) -> HttpResponse:
        found = _layer(layer)
        tile = tile_address(z=z, x=x, y=y)
        filters = found.filters(request.query_params)
        gzip_ok = accepts_gzip(request.headers.get("Accept-Encoding", ""))
        state = tile_state(layer=found)  # lots: their phase changes with the clock (tiles.services)
        version = state.version
        headers = {"Cache-Control": f"public, max-age={state.max_age}", "Vary": "Accept-Encoding"}
        if version:  # no validator without a data version (the cache is away)
            etag = cache.tile_etag(layer=found.name, version=version, filters=filters, tile=tile)
            headers["ETag"] = f'"{etag}-gz"' if gzip_ok else f'"{etag}"'
            if _matches(request.headers.get("If-None-Match", ""), headers["ETag"]):
                response: HttpResponse = HttpResponseNotModified()
                _set_headers(response, headers)
                return response
        answer = tile_get(layer=found, tile=tile, filters=filters, version=version, timeout=state.timeout)
        headers["X-Tile-Cache"] = "hit" if answer.hit else "miss"
        if not answer.gzipped:
            response = HttpResponse(status=204)
            del response["Content-Type"]
        elif gzip_ok:
            response = HttpResponse(answer.gzipped, content_type=MVT_CONTENT_TYPE)
            headers["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(answer.gzipped), content_type=MVT_CONTENT_TYPE)
        _set_headers(response, headers)
        return response


def _matches(if_none_match: str, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = parse_etags(if_none_match)
    return "*" in tags or etag in tags or f"W/{etag}" in tags


def _set_headers(response: HttpResponse, headers: dict[str, str]) -> None:
    for name, value in headers.items():
        response[name] = value


class TileJsonApi(TileApiView):
    """A layer's TileJSON 3.0.0: the tile URL template carrying this request's filters, zooms, the data's bounds and
    the source layers with their attributes. Bad filters are the tile's 400s."""

    @extend_schema(
        tags=TAGS,
        operation_id="tiles_tilejson",
        parameters=[LAYER_PATH, TileFilterInput],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="TileJSON 3.0.0"),
            400: ErrorOutput,
            404: ErrorOutput,
        },
    )
    def get(self, request: Request, layer: str) -> Response:
        found = _layer(layer)
        found.filters(request.query_params)
        path = reverse("tiles:tile", kwargs={"layer": found.name, "z": "0", "x": "0", "y": "0"})
        template = request.build_absolute_uri(path.removesuffix("0/0/0.mvt")) + "{z}/{x}/{y}.mvt"
        query = request.META.get("QUERY_STRING", "")
        body = {
            "tilejson": "3.0.0",
            "name": found.name,
            "description": found.description,
            "scheme": "xyz",
            "tiles": [f"{template}?{query}" if query else template],
            "minzoom": found.min_zoom,
            "maxzoom": found.max_zoom,
            "bounds": list(layer_bounds(layer=found)),
            "vector_layers": [
                {
                    "id": source.id,
                    "description": source.description,
                    "fields": source.fields,
                    "minzoom": found.min_zoom,
                    "maxzoom": found.max_zoom,
                }
                for source in found.source_layers
            ],
        }
        return Response(body, headers={"Cache-Control": f"public, max-age={settings.TILES_MAX_AGE}"})
