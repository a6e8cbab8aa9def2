"""The map page (地图找地): regions down to the county, search results on the map and in a list at once, a parcel's
surroundings. Its scripts ask the search API for the list and /tiles/ for the map with the same filters."""

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from geo.models import Amenity
from geo.selectors import surrounding_radii_default
from web.views_search import SORTS, search_filters_context

PAGE_SIZE = 20
# Sorts that need no point to measure from (the map's list has no "near" filter of its own).
MAP_SORTS = tuple((value, label) for value, label in SORTS if value != "distance")
LAYERS = (
    ("regions", _("Regions")),
    ("parcels", _("Parcels")),
    ("listings", _("Supply and demand points")),
    ("amenities", _("Amenities")),
)


def basemap_tiles(template: str) -> list[str]:
    """An XYZ URL template with one host range such as t{0-7} as the list of its URLs; else the template alone."""
    start = template.find("{")
    while start != -1:
        end = template.find("}", start)
        low, dash, high = template[start + 1 : end].partition("-")
        if dash and low.isdigit() and high.isdigit() and int(low) <= int(high):
            return [template[:start] + str(host) + template[end + 1 :] for host in range(int(low), int(high) + 1)]
        start = template.find("{", start + 1)
    return [template] if template else []


# 天地图's WMTS layers (Web Mercator `_w` sets): each base layer with its annotation (注记) layer on top.
TIANDITU_LAYERS = {"vector": ("vec", "cva"), "imagery": ("img", "cia")}
TIANDITU_ATTRIBUTION = "© 天地图 · 国家地理信息公共服务平台"
OFFLINE_ATTRIBUTION = "Natural Earth · 行政区划边界：天地图·国家地理信息公共服务平台"


def tianditu_config() -> dict[str, Any] | None:
    """天地图's tile URLs (the browser key in each) per style, or None without TIANDITU_KEY: then no page asks it."""
    key = settings.TIANDITU_KEY
    if not key:
        return None

    def urls(layer: str) -> list[str]:
        return basemap_tiles(settings.TIANDITU_URL.replace("{layer}", layer).replace("{key}", quote(key, safe="")))

    return {
        "styles": {name: {"base": urls(base), "labels": urls(top)} for name, (base, top) in TIANDITU_LAYERS.items()},
        "attribution": TIANDITU_ATTRIBUTION,
    }


def map_config() -> dict[str, Any]:
    """What the map's script needs from the server: the basemaps, the first view and the surroundings' radii. With a
    天地图 key, 天地图 replaces MAP_BASEMAP_TILES; the offline basemap (our `basemap` tiles) is always there."""
    tianditu = tianditu_config()
    return {
        "basemap": {
            "tiles": [] if tianditu else basemap_tiles(settings.MAP_BASEMAP_TILES),
            "attribution": settings.MAP_BASEMAP_ATTRIBUTION,
            "offline_attribution": OFFLINE_ATTRIBUTION,
            "tianditu": tianditu,
        },
        "initial": {
            "region": settings.MAP_INITIAL_REGION,
            "center": list(settings.MAP_INITIAL_CENTER),
            "zoom": settings.MAP_INITIAL_ZOOM,
        },
        "radii": surrounding_radii_default(),
    }


def map_page(request: HttpRequest) -> HttpResponse:
    """/map/?kind=supply|demand&region=…&<search filters>&view=lon,lat,zoom: a link reproduces the map's state."""
    context = search_filters_context(request, sorts=MAP_SORTS, page_size=PAGE_SIZE) | {
        "amenity_categories": [{"code": code, "name": str(name)} for code, name in Amenity.Category.choices],
        "layers": LAYERS,
        "map_config": map_config(),
    }
    return render(request, "web/map/map.html", context)
