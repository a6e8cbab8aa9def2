"""Bad input of every kind is refused with a message naming the file, feature and field, and changes nothing."""

from pathlib import Path

import pytest
import shapely

from geo.importers.loader import ImportOptions
from geo.importers.runner import import_path
from geo.importers.source import ImportRefused
from geo.models import Amenity, Parcel, Region
from geo.tests.gisfiles import square, write_geojson, write_layer

pytestmark = pytest.mark.django_db

GOOD = square(104.06, 30.66, 0.001)


@pytest.fixture
def existing_parcel(tmp_path: Path) -> Parcel:
    [report] = import_path(
        kind="parcels",
        path=write_geojson(tmp_path / "seed.geojson", [GOOD], {"code": ["KEEP"]}),
        options=ImportOptions(),
    )
    assert report.ok
    return Parcel.objects.get(code="KEEP")


def refused(path: Path, kind: str = "parcels", **options: object) -> str:
    [report] = import_path(kind=kind, path=path, options=ImportOptions(**options))  # type: ignore[arg-type]
    assert not report.ok
    assert (report.inserted, report.updated) == (0, 0)
    return report.error or ""


def unchanged(existing: Parcel) -> bool:
    parcel = Parcel.objects.get()
    same_geometry = parcel.geometry.equals_exact(existing.geometry)
    return parcel.code == existing.code and same_geometry and parcel.updated_at == existing.updated_at


@pytest.mark.parametrize(
    ("geometries", "attributes", "expected"),
    [
        pytest.param(
            [GOOD, shapely.LineString([(104, 30), (104.1, 30.1)])],
            {"code": ["A", "B"]},
            "bad.geojson: feature 2: the geometry is a linestring, expected a polygon or multipolygon",
            id="wrong-type",
        ),
        pytest.param(
            [GOOD, shapely.Polygon([(104, 30), (104.1, 30.1), (104.2, 30.2), (104, 30)])],
            {"code": ["A", "B"]},
            "bad.geojson: feature 2: the polygon has no area",
            id="collinear",
        ),
        pytest.param(
            [GOOD, shapely.Polygon([(104, 30), (104.1, 30.1), (104.1, 30.1), (104, 30)])],
            {"code": ["A", "B"]},
            "bad.geojson: feature 2: invalid geometry that cannot be repaired: Too few points",
            id="unrepairable",
        ),
        pytest.param(
            [GOOD, square(104.07, 30.66, 0.001)],
            {"code": ["A", "A"]},
            "bad.geojson: features 1 and 2 have the same code A",
            id="duplicate-code",
        ),
        pytest.param(
            [GOOD],
            {"code": ["A"], "land_use": ["9999"]},
            "bad.geojson: feature 1: field land_use: 9999 is not a GB/T 21010-2017 land-use code",
            id="bad-land-use",
        ),
        pytest.param(
            [GOOD],
            {"code": ["A"], "RJL": ["two"]},
            "bad.geojson: feature 1: field RJL: 'two' is not a number",
            id="bad-number",
        ),
        pytest.param(
            [GOOD],
            {"code": ["A"], "QLXZ": ["私有"]},
            "bad.geojson: feature 1: field QLXZ: '私有' is not one of",
            id="bad-choice",
        ),
        pytest.param(
            [GOOD],
            {"code": [""]},
            "bad.geojson: feature 1: field code: a value is required",
            id="blank-code",
        ),
        pytest.param(
            [GOOD],
            {"name": ["x"]},
            "bad.geojson: no attribute for code; name it with --code-field (attributes: name)",
            id="no-code-column",
        ),
        pytest.param(
            [square(12_000_000, 3_500_000, 100)],
            {"code": ["A"]},
            "bad.geojson: feature 1: the coordinates fall outside China after reading them as EPSG:4326",
            id="metres-as-degrees",
        ),
    ],
)
def test_bad_features_refuse_the_whole_file(tmp_path, existing_parcel, geometries, attributes, expected):
    error = refused(write_geojson(tmp_path / "bad.geojson", geometries, attributes))

    assert error.startswith(expected)
    assert unchanged(existing_parcel)


def test_an_empty_geometry_is_refused(tmp_path, existing_parcel):
    path = tmp_path / "bad.geojson"
    feature = '{"type": "Feature", "geometry": null, "properties": {"code": "A"}}'
    path.write_text('{"type": "FeatureCollection", "features": [' + feature + "]}")

    assert refused(path) == "bad.geojson: feature 1: the geometry is empty"
    assert unchanged(existing_parcel)


def test_a_file_without_a_coordinate_system_is_refused_unless_one_is_given(tmp_path, existing_parcel):
    path = write_layer(
        tmp_path / "noprj.shp", [square(39_500_000, 3_320_000, 100)], {"ZDDM": ["A"]}, driver="ESRI Shapefile", crs=None
    )

    assert refused(path).startswith("noprj.shp: coordinate system: ")
    assert unchanged(existing_parcel)
    [report] = import_path(kind="parcels", path=path, options=ImportOptions(srs="cgcs2000-gk3"))
    assert report.ok
    assert report.crs == "EPSG:4527"


def test_an_unknown_srs_option_is_refused(tmp_path, existing_parcel):
    path = write_geojson(tmp_path / "a.geojson", [GOOD], {"code": ["A"]})

    assert refused(path, srs="EPSG:999999").startswith("a.geojson: coordinate system: ")
    assert unchanged(existing_parcel)


def test_an_attribute_named_by_option_must_exist(tmp_path, existing_parcel):
    path = write_geojson(tmp_path / "a.geojson", [GOOD], {"code": ["A"]})

    error = refused(path, fields={"code": "ZDDM"})

    assert error == "a.geojson: there is no attribute ZDDM (for code); attributes: code"
    assert unchanged(existing_parcel)


def test_an_unsupported_or_missing_path_is_refused_before_anything_runs(tmp_path):
    (tmp_path / "notes.txt").write_text("x")

    with pytest.raises(ImportRefused, match="unsupported format"):
        import_path(kind="parcels", path=tmp_path / "notes.txt", options=ImportOptions())
    with pytest.raises(ImportRefused, match="no such file or directory"):
        import_path(kind="parcels", path=tmp_path / "missing.gpkg", options=ImportOptions())


def test_a_file_gdal_cannot_read_is_refused(tmp_path, existing_parcel):
    (tmp_path / "broken.gpkg").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)

    assert refused(tmp_path / "broken.gpkg").startswith("broken.gpkg: GDAL cannot read it")
    assert unchanged(existing_parcel)


def test_points_are_refused_as_parcels_and_polygons_as_amenities(tmp_path):
    points = write_geojson(tmp_path / "points.geojson", [shapely.Point(104.06, 30.66)], {"code": ["P"], "name": ["x"]})
    polygons = write_geojson(tmp_path / "polys.geojson", [GOOD], {"code": ["P"], "name": ["x"], "category": ["park"]})

    assert "expected a polygon or multipolygon" in refused(points)
    assert "expected a point" in refused(polygons, kind="amenities")
    assert not Parcel.objects.exists()
    assert not Amenity.objects.exists()


def test_a_region_code_that_is_not_gbt2260_is_refused(tmp_path):
    path = write_geojson(tmp_path / "r.geojson", [GOOD], {"code": ["999999"]})

    assert refused(path, kind="regions") == "r.geojson: feature 1: field code: 999999 is not a GB/T 2260 region code"
    assert not Region.objects.exists()
