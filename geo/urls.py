"""Geo API routes under /api/geo/."""

from django.urls import URLPattern, URLResolver, path

from geo.api import (
    ParcelDetailApi,
    ParcelListApi,
    ParcelSurroundingsApi,
    PointSurroundingsApi,
    RegionDetailApi,
    RegionListApi,
    RegionLookupApi,
    RegionParcelsGeoJsonApi,
    RegionParcelsGeoPackageApi,
)

app_name = "geo"
urlpatterns: list[URLPattern | URLResolver] = [
    path("regions/", RegionListApi.as_view(), name="region-list"),
    path("regions/lookup/", RegionLookupApi.as_view(), name="region-lookup"),
    path("regions/<str:code>/", RegionDetailApi.as_view(), name="region-detail"),
    path("regions/<str:code>/parcels.geojson", RegionParcelsGeoJsonApi.as_view(), name="region-parcels-geojson"),
    path("regions/<str:code>/parcels.gpkg", RegionParcelsGeoPackageApi.as_view(), name="region-parcels-gpkg"),
    path("parcels/", ParcelListApi.as_view(), name="parcel-list"),
    path("parcels/<str:code>/", ParcelDetailApi.as_view(), name="parcel-detail"),
    path("parcels/<str:code>/surroundings/", ParcelSurroundingsApi.as_view(), name="parcel-surroundings"),
    path("surroundings/", PointSurroundingsApi.as_view(), name="point-surroundings"),
]
