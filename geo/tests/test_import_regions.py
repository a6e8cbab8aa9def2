"""Importing region boundaries: codes from attributes or file names, names from the GB/T 2260 table, whole trees."""

import math

import pytest
import shapely
from django.core.management import call_command

from geo.importers.loader import ImportOptions
from geo.importers.runner import import_path
from geo.models import Region
from geo.tests.gisfiles import write_geojson, write_layer

pytestmark = pytest.mark.django_db


def wiggly_circle(lon: float, lat: float, radius: float, vertices: int = 2000) -> shapely.Polygon:
    """A detailed boundary: a circle with a small wiggle, so simplification has something to remove."""
    return shapely.Polygon(
        [
            (
                lon + radius * (1 + 0.01 * math.sin(40 * t)) * math.cos(t),
                lat + radius * (1 + 0.01 * math.sin(40 * t)) * math.sin(t),
            )
            for t in (2 * math.pi * i / vertices for i in range(vertices))
        ]
    )


def test_a_file_named_by_its_code_gets_the_name_from_the_code_table_and_its_ancestors(tmp_path):
    path = write_geojson(tmp_path / "510104.geojson", [wiggly_circle(104.08, 30.65, 0.3)], {})

    call_command("import_regions", str(path), "--code-from-filename")

    county = Region.objects.get(code="510104")
    assert (county.name, county.level, county.parent_id, county.abbreviation) == ("锦江区", "county", "510100", "川")
    city = Region.objects.get(code="510100")
    assert (city.name, city.level, city.parent_id, city.boundary) == ("成都市", "city", "510000", None)
    assert Region.objects.get(code="510000").name == "四川省"
    assert county.boundary is not None
    assert county.boundary_simplified is not None
    assert county.boundary_simplified.num_coords < county.boundary.num_coords / 4
    assert county.boundary_simplified.area == pytest.approx(county.boundary.area, rel=0.02)


def test_a_gbk_shapefile_with_code_and_name_attributes_merges_features_of_one_code(tmp_path):
    west, east = shapely.box(104.0, 30.5, 104.1, 30.6), shapely.box(104.2, 30.5, 104.3, 30.6)
    path = write_layer(
        tmp_path / "xzq.shp",
        [west, east, shapely.box(104.4, 30.5, 104.5, 30.6)],
        {"XZQDM": ["510104", "510104", "510105"], "XZQMC": ["锦江区", "锦江区", "青羊区"]},
        driver="ESRI Shapefile",
        crs="EPSG:4490",
        encoding="GBK",
    )

    [report] = import_path(kind="regions", path=path, options=ImportOptions())

    assert report.ok, report.error
    assert (report.inserted, report.updated) == (2, 0)
    boundary = Region.objects.get(code="510104").boundary
    assert boundary is not None
    assert len(boundary) == 2  # both parts, merged into one multipolygon
    assert Region.objects.get(code="510105").name == "青羊区"


def test_reimporting_regions_updates_them(tmp_path):
    path = write_geojson(tmp_path / "510104.geojson", [shapely.box(104.0, 30.5, 104.1, 30.6)], {"name": ["锦江"]})
    import_path(kind="regions", path=path, options=ImportOptions(code_from_filename=True))
    write_geojson(path, [shapely.box(104.0, 30.5, 104.2, 30.6)], {"name": ["锦江区"]})

    [report] = import_path(kind="regions", path=path, options=ImportOptions(code_from_filename=True))

    assert (report.inserted, report.updated) == (0, 1)
    region = Region.objects.get(code="510104")
    assert region.name == "锦江区"
    assert region.boundary is not None
    assert region.boundary.extent[2] == pytest.approx(104.2)


def test_a_file_name_without_a_code_is_refused(tmp_path):
    path = write_geojson(tmp_path / "jinjiang.geojson", [shapely.box(104.0, 30.5, 104.1, 30.6)], {})

    [report] = import_path(kind="regions", path=path, options=ImportOptions(code_from_filename=True))

    assert report.error == "jinjiang.geojson: --code-from-filename needs a 6-digit region code in the file name"
    assert not Region.objects.exists()
