"""Tile routes under /tiles/: a layer's tiles and its TileJSON."""

from django.urls import URLPattern, path

from tiles.api import TileApi, TileJsonApi

app_name = "tiles"
urlpatterns: list[URLPattern] = [
    path("<str:layer>/<str:z>/<str:x>/<str:y>.mvt", TileApi.as_view(), name="tile"),
    path("<str:layer>.json", TileJsonApi.as_view(), name="tilejson"),
]
