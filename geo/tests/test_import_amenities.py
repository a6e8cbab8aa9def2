"""Importing amenities and GCJ-02 data: positions checked against published GCJ-02 test vectors."""

import pytest
import shapely
from pyproj import Geod

from geo.importers.loader import ImportOptions
from geo.importers.runner import import_path
from geo.models import Amenity, Parcel
from geo.tests.gisfiles import write_geojson, write_layer

pytestmark = pytest.mark.django_db

GRS80 = Geod(ellps="GRS80")
# A published pair (googollee/eviltransform python/test.py): WGS 84 (116.377817, 39.911954) in Beijing is
# GCJ-02 (116.38404722455657, 39.91334545536069). The vector is given to ~0.1 m.
BEIJING_WGS84 = (116.377817, 39.911954)
BEIJING_GCJ02 = (116.38404722455657, 39.91334545536069)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GRS80.inv(a[0], a[1], b[0], b[1])[2])


def test_a_geojson_in_gcj02_is_shifted_back_to_within_half_a_metre(tmp_path):
    path = write_geojson(
        tmp_path / "poi.geojson", [shapely.Point(*BEIJING_GCJ02)], {"name": ["天安门西地铁站"], "type": ["地铁站"]}
    )

    [report] = import_path(kind="amenities", path=path, options=ImportOptions(srs="gcj02"))

    assert report.ok, report.error
    assert report.crs == "GCJ-02"
    amenity = Amenity.objects.get()
    assert amenity.category == "metro_station"
    assert distance_m((amenity.location.x, amenity.location.y), BEIJING_WGS84) < 0.5


def test_a_parcel_drawn_on_a_gcj02_web_map_lands_on_its_true_position(tmp_path):
    # A 20 m square centred on the GCJ-02 vector: over 20 m the offset changes by millimetres, so the imported
    # centroid must fall within 0.5 m of the vector's WGS 84 point.
    half = 0.0001
    square = shapely.box(
        BEIJING_GCJ02[0] - half, BEIJING_GCJ02[1] - half, BEIJING_GCJ02[0] + half, BEIJING_GCJ02[1] + half
    )
    path = write_geojson(tmp_path / "drawn.geojson", [square], {"code": ["GCJ-1"]})

    [report] = import_path(kind="parcels", path=path, options=ImportOptions(srs="gcj02"))

    assert report.ok, report.error
    centroid = Parcel.objects.get().centroid
    assert distance_m((centroid.x, centroid.y), BEIJING_WGS84) < 0.5


def test_csv_with_lon_lat_columns_and_with_wkt(tmp_path):
    (tmp_path / "banks.csv").write_text("name,lon,lat\n工商银行红星路支行,104.0831,30.6572\n", encoding="utf-8")
    (tmp_path / "parks.csv").write_text('name,wkt\n人民公园,"POINT (104.0594 30.6577)"\n', encoding="utf-8")

    [banks] = import_path(
        kind="amenities", path=tmp_path / "banks.csv", options=ImportOptions(category="银行", srs="EPSG:4490")
    )
    [parks] = import_path(
        kind="amenities", path=tmp_path / "parks.csv", options=ImportOptions(category="park", srs="EPSG:4490")
    )

    assert banks.ok, banks.error
    assert parks.ok, parks.error
    assert {(a.category, a.name, round(a.location.x, 4)) for a in Amenity.objects.all()} == {
        ("bank", "工商银行红星路支行", 104.0831),
        ("park", "人民公园", 104.0594),
    }


def test_kml_points_are_imported_and_reimporting_derives_the_same_codes(tmp_path):
    path = write_layer(
        tmp_path / "schools.kml",
        [shapely.Point(104.07, 30.66), shapely.Point(104.08, 30.67)],
        {"Name": ["树德中学", "石室中学"]},
        driver="KML",
        crs="EPSG:4326",
        geometry_type="Point",
    )

    first = import_path(kind="amenities", path=path, options=ImportOptions(category="school"))
    second = import_path(kind="amenities", path=path, options=ImportOptions(category="school"))

    assert first[0].ok, first[0].error
    assert (first[0].inserted, second[0].inserted, second[0].updated) == (2, 0, 2)
    assert set(Amenity.objects.values_list("name", flat=True)) == {"石室中学", "树德中学"}


def test_an_unknown_category_is_refused(tmp_path):
    path = write_geojson(tmp_path / "poi.geojson", [shapely.Point(104.07, 30.66)], {"name": ["x"], "type": ["casino"]})

    [report] = import_path(kind="amenities", path=path, options=ImportOptions())

    assert report.error is not None
    assert report.error.startswith("poi.geojson: feature 1: field type: 'casino' is not one of")
    assert not Amenity.objects.exists()
