"""Importing parcels from real files: positions and areas checked against independent values; bad input refused."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import shapely
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pyproj import Geod

from geo.importers import parcels
from geo.importers.loader import ImportOptions
from geo.importers.runner import import_path
from geo.models import Parcel, Region
from geo.tests.factories import box, parcel_create
from geo.tests.geodesy import latitude_of_arc
from geo.tests.gisfiles import square, write_geojson, write_layer

pytestmark = pytest.mark.django_db

GRS80 = Geod(ellps="GRS80")  # CGCS2000's ellipsoid equals GRS80 to 0.1 mm in the semi-minor axis


@pytest.fixture
def guichi() -> Region:
    """A county around 117°E 30°N (Anhui) with a box boundary, so parcels there get it as their region."""
    province = Region.objects.create(code="340000", name="安徽省", level="province", abbreviation="皖")
    city = Region.objects.create(code="341700", name="池州市", level="city", parent=province, abbreviation="皖")
    box = Polygon.from_bbox((116.9, 29.9, 117.1, 30.1))
    box.srid = 4490
    return Region.objects.create(
        code="341702",
        name="贵池区",
        level="county",
        parent=city,
        abbreviation="皖",
        boundary=MultiPolygon(box, srid=4490),
    )


def gk_shapefile(tmp_path: Path, *, cpg: bool) -> Path:
    """Two 100 m squares in CGCS2000 3° Gauss-Krüger zone 39 (EPSG:4527, easting with zone prefix), GBK attributes."""
    path = write_layer(
        tmp_path / "zd.shp",
        [square(39_500_000, 3_320_000, 100), square(39_500_200, 3_320_000, 100)],
        {
            "ZDDM": ["341702001001GB00001", "341702001001GB00002"],
            "ZL": ["池州市贵池区长江南路1号", "池州市贵池区长江南路3号"],
            "DLBM": ["0601", "0701"],
            "QLXZ": ["国有", "国有建设用地使用权"],
            "SYQLX": ["出让", "划拨"],
            "RJL": ["1.50", "2.2"],
            "BDCDYH": ["341702001001GB00001F00010001;341702001001GB00001F00010002", ""],
        },
        driver="ESRI Shapefile",
        crs="EPSG:4527",
        encoding="GBK",
    )
    if not cpg:
        path.with_suffix(".cpg").unlink()
    return path


def load(path: Path, **options: object) -> list:
    reports = import_path(kind="parcels", path=path, options=ImportOptions(**options))  # type: ignore[arg-type]
    return reports


def test_gauss_kruger_shapefile_with_gbk_attributes_lands_at_the_right_place_with_the_right_area(tmp_path, guichi):
    path = gk_shapefile(tmp_path, cpg=True)
    assert path.with_suffix(".cpg").read_text().strip().upper() in ("GBK", "CP936", "936")

    [report] = load(path)

    assert report.ok, report.error
    assert (report.inserted, report.updated, report.crs) == (2, 0, "EPSG:4527")
    parcel = Parcel.objects.get(code="341702001001GB00001")
    west, south, _east, _north = parcel.geometry.extent
    # The western edge lies on the zone's central meridian, 117°E, exactly (easting 500 000 m after the prefix).
    assert west == pytest.approx(117.0, abs=1e-9)
    # Northing on the central meridian is the meridian arc: the latitude whose CGCS2000 arc is 3 320 000 m,
    # found by numerical integration and bisection in geo/tests/geodesy.py (≈ 29.99°N).
    assert south == pytest.approx(latitude_of_arc(3_320_000.0), abs=1e-8)
    # 100 m × 100 m in the projection; the Gauss-Krüger scale factor within 100 m of the central meridian differs
    # from 1 by less than 1e-9 (k ≈ 1 + x²/2R²), so the ellipsoidal area is 10 000 m² to within 0.01 m².
    assert parcel.area_m2 == pytest.approx(Decimal("10000.00"), abs=Decimal("0.01"))
    assert parcel.address == "池州市贵池区长江南路1号"
    assert (parcel.land_use, parcel.land_nature, parcel.use_right_type) == ("0601", "state_owned", "granted")
    assert parcel.floor_area_ratio == Decimal("1.50")
    assert parcel.unit_numbers == ["341702001001GB00001F00010001", "341702001001GB00001F00010002"]
    assert parcel.region_id == "341702"
    assert Parcel.objects.get(code="341702001001GB00002").use_right_type == "allocated"


def test_a_gbk_dbf_without_cpg_reads_correctly_when_the_encoding_is_given(tmp_path, guichi):
    path = gk_shapefile(tmp_path, cpg=False)

    [report] = load(path, encoding="gbk")

    assert report.ok, report.error
    assert Parcel.objects.get(code="341702001001GB00002").address == "池州市贵池区长江南路3号"


def test_geopackage_in_cgcs2000_areas_match_the_ellipsoidal_geodesic_area(tmp_path):
    polygons = [
        shapely.Polygon(
            [(104.06, 30.66), (104.0612, 30.66), (104.0612, 30.6611), (104.0605, 30.6614), (104.06, 30.66)]
        ),
        square(104.07, 30.67, 0.003),
    ]
    path = write_layer(
        tmp_path / "parcels.gpkg",
        polygons,
        {"code": ["510104-A", "510104-B"], "land_use": ["0501", "0701"]},
        driver="GPKG",
        crs="EPSG:4490",
    )

    [report] = load(path)

    assert report.ok, report.error
    for code, polygon in zip(["510104-A", "510104-B"], polygons, strict=True):
        # Karney's geodesic polygon area on GRS80 (pyproj), independent of PostGIS's spheroidal ST_Area.
        expected, _perimeter = GRS80.geometry_area_perimeter(polygon)
        assert float(Parcel.objects.get(code=code).area_m2) == pytest.approx(abs(expected), abs=0.05)
    assert Parcel.objects.get(code="510104-A").region_id is None
    assert report.warnings  # no county loaded there: said in the report


def test_reimporting_a_file_updates_by_code_and_never_duplicates(tmp_path, guichi):
    path = gk_shapefile(tmp_path, cpg=True)
    load(path)
    Parcel.objects.filter(code="341702001001GB00001").update(address="changed")

    [report] = load(path)

    assert (report.inserted, report.updated) == (0, 2)
    assert Parcel.objects.count() == 2
    assert Parcel.objects.get(code="341702001001GB00001").address == "池州市贵池区长江南路1号"


def test_reimporting_leaves_unchanged_parcels_untouched_and_rewrites_changed_ones(tmp_path, guichi):
    path = gk_shapefile(tmp_path, cpg=True)
    load(path)
    changed = "341702001001GB00001"
    Parcel.objects.filter(code=changed).update(address="changed")

    def versions() -> dict[str, tuple[str, Any]]:  # each row's version (xmin) and updated_at
        with connection.cursor() as cursor:
            cursor.execute("SELECT code, xmin::text, updated_at FROM geo_parcel")
            return {code: (xmin, updated_at) for code, xmin, updated_at in cursor.fetchall()}

    before = versions()
    [report] = load(path)
    after = versions()

    assert (report.inserted, report.updated) == (0, 2)  # every stored parcel the file gives
    (unchanged,) = set(before) - {changed}
    assert after[unchanged] == before[unchanged]  # no new row version, the same updated_at
    assert after[changed][0] != before[changed][0]  # rewritten (its updated_at is now(), the test's transaction time)
    assert Parcel.objects.get(code=changed).address == "池州市贵池区长江南路1号"


def test_attributes_a_file_lacks_keep_their_stored_values(tmp_path, guichi):
    load(gk_shapefile(tmp_path, cpg=True))
    geometry_only = write_layer(
        tmp_path / "outline.gpkg",
        [shapely.box(117.0, 30.0, 117.001, 30.001)],
        {"ZDDM": ["341702001001GB00001"]},
        driver="GPKG",
        crs="EPSG:4490",
    )

    [report] = load(geometry_only)

    parcel = Parcel.objects.get(code="341702001001GB00001")
    assert report.updated == 1
    assert parcel.address == "池州市贵池区长江南路1号"
    assert parcel.geometry.extent[0] == pytest.approx(117.0)


@pytest.mark.parametrize(
    ("shapes", "geometry_type"),
    [
        ([shapely.MultiPolygon([shapely.box(104.0, 30.0, 104.001, 30.001)])], "MultiPolygon"),  # stored as read
        ([shapely.box(104.0, 30.0, 104.001, 30.001)], "Polygon"),  # made a multipolygon of one part
        (
            [shapely.Polygon([(104.0, 30.0, 5), (104.001, 30.0, 5), (104.001, 30.001, 5), (104.0, 30.0, 5)])],
            "Polygon Z",
        ),
    ],
)
def test_cgcs2000_geometries_are_stored_with_their_exact_coordinates(tmp_path, shapes, geometry_type):
    path = write_layer(
        tmp_path / "exact.gpkg",
        shapes,
        {"ZDDM": ["EXACT-1"]},
        driver="GPKG",
        crs="EPSG:4490",
        geometry_type=geometry_type,
    )

    [report] = load(path)

    assert report.ok, report.error
    stored = shapely.from_wkb(bytes(Parcel.objects.get(code="EXACT-1").geometry.wkb))
    expected = shapely.force_2d(shapes[0])
    assert stored.geom_type == "MultiPolygon"
    assert shapely.equals_exact(
        stored, shapely.MultiPolygon([expected]) if expected.geom_type == "Polygon" else expected
    )


AWKWARD_TEXT = ' 东至"规划路", 西至\\河\t南至\n北至\r宗地 '  # quotes, a comma, a backslash, a tab, line breaks


@pytest.mark.parametrize("existing", [False, True], ids=["bulk load", "upsert"])
def test_text_with_quotes_backslashes_and_line_breaks_and_typed_values_load_exactly(tmp_path, existing):
    if existing:
        parcel_create(code="OTHER", geometry=box(104.1, 30.1, 104.2, 30.2))
    path = write_geojson(
        tmp_path / "awkward.geojson",
        [shapely.box(104.0, 30.0, 104.001, 30.001), shapely.box(104.002, 30.0, 104.003, 30.001)],
        {
            "code": [1001, 1002],  # numbers in the file, text in the table
            "ZL": [AWKWARD_TEXT, None],
            "DZ": ["", "N"],
            "RJL": [1.5, None],  # a number, and a blank one
            "BDCDYH": ["510104001001GB00001F00010001 510104001001GB00001F00010002", None],
        },
    )

    [report] = load(path)

    assert report.ok, report.error
    first, second = Parcel.objects.filter(code__in=["1001", "1002"]).order_by("code")
    assert first.address == AWKWARD_TEXT.strip()
    assert (second.address, first.boundary_east, second.boundary_east) == ("", "", "N")
    assert (first.floor_area_ratio, second.floor_area_ratio) == (Decimal("1.50"), None)
    assert first.unit_numbers == ["510104001001GB00001F00010001", "510104001001GB00001F00010002"]
    assert second.unit_numbers == []


def test_an_invalid_polygon_is_repaired_and_reported(tmp_path):
    bow_tie = shapely.Polygon([(104.0, 30.0), (104.001, 30.001), (104.001, 30.0), (104.0, 30.001), (104.0, 30.0)])
    path = write_geojson(tmp_path / "bowtie.geojson", [bow_tie], {"code": ["BT-1"]})

    [report] = load(path)

    assert report.ok, report.error
    assert report.repaired == [{"feature": "1", "reason": "Self-intersection[104.0005 30.0005]"}]
    parcel = Parcel.objects.get(code="BT-1")
    assert parcel.geometry.valid
    assert len(parcel.geometry) == 2  # the two triangles of the bow tie


def test_the_command_shows_a_report_and_fails_on_a_refused_file(tmp_path, guichi, capsys):
    good = gk_shapefile(tmp_path, cpg=True)
    call_command("import_parcels", str(good))
    assert "zd.shp: 2 features (EPSG:4527) → 2 new, 0 updated" in capsys.readouterr().out

    write_geojson(tmp_path / "bad.geojson", [shapely.LineString([(104, 30), (104.1, 30.1)])], {"code": ["L-1"]})
    with pytest.raises(CommandError, match=r"1 of 2 files refused: bad\.geojson"):
        call_command("import_parcels", str(tmp_path))
    out = capsys.readouterr().out
    assert "bad.geojson: refused, nothing changed" in out
    assert "zd.shp: 2 features (EPSG:4527) → 0 new, 2 updated" in out
    assert not Parcel.objects.filter(code="L-1").exists()


def chunked_geopackage(tmp_path: Path, **attributes: list[object]) -> tuple[Path, list[shapely.Polygon]]:
    """Five 50 m squares in the guichi county (GeoPackage FIDs 1–5), codes P1–P5 unless given."""
    squares = [square(117.0 + i * 0.001, 30.0, 0.0005) for i in range(5)]
    path = write_layer(
        tmp_path / "zd.gpkg",
        squares,
        {"ZDDM": [f"P{i}" for i in range(1, 6)], **attributes},
        driver="GPKG",
        crs="EPSG:4490",
    )
    return path, squares


def test_a_file_read_in_chunks_loads_every_parcel_and_reimports_by_code(tmp_path, guichi, monkeypatch):
    monkeypatch.setattr(parcels, "CHUNK_SIZE", 2)  # chunks of features 1–2, 3–4 and 5
    path, squares = chunked_geopackage(tmp_path)

    [first] = load(path)  # into the empty table: a bulk load
    [again] = load(path)  # into a table with rows: an upsert

    assert first.ok, first.error
    assert (first.inserted, first.updated, again.inserted, again.updated) == (5, 0, 0, 5)
    for i, polygon in enumerate(squares, start=1):
        parcel = Parcel.objects.get(code=f"P{i}")
        # Karney's geodesic polygon area on GRS80 (pyproj), m².
        assert float(parcel.area_m2) == pytest.approx(abs(GRS80.geometry_area_perimeter(polygon)[0]), abs=0.05)
        assert parcel.region_id == "341702"


def test_a_code_repeated_in_a_later_chunk_refuses_the_file_naming_both_features(tmp_path, monkeypatch):
    monkeypatch.setattr(parcels, "CHUNK_SIZE", 2)
    path, _squares = chunked_geopackage(tmp_path, ZDDM=["P1", "P2", "P3", "P4", "P1"])
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "geo_parcel")

    [report] = load(path)

    assert report.error == "zd.gpkg: features 1 and 5 have the same code P1"
    assert not Parcel.objects.exists()
    with connection.cursor() as cursor:  # the bulk load had dropped them: rolled back
        assert connection.introspection.get_constraints(cursor, "geo_parcel") == indexes


def test_a_file_refused_in_chunks_names_the_problem_a_whole_file_check_finds_first(tmp_path, monkeypatch):
    monkeypatch.setattr(parcels, "CHUNK_SIZE", 2)
    # Feature 2 (first chunk) has a bad land-use code, feature 5 (last chunk) no area; geometries are checked
    # before attributes, so the whole file is refused for feature 5, as when it is read in one piece.
    path = write_layer(
        tmp_path / "zd.gpkg",
        [
            *(square(117.0 + i * 0.001, 30.0, 0.0005) for i in range(4)),
            shapely.Polygon([(117.0, 30.0), (117.001, 30.001), (117.002, 30.002), (117.0, 30.0)]),
        ],
        {"ZDDM": [f"P{i}" for i in range(1, 6)], "DLBM": ["0601", "9999", "0601", "0601", "0601"]},
        driver="GPKG",
        crs="EPSG:4490",
    )

    [report] = load(path)

    assert report.error == "zd.gpkg: feature 5: the polygon has no area"
    assert not Parcel.objects.exists()


def test_parcels_load_with_sql_logging_on_as_under_debug(tmp_path, guichi):
    with CaptureQueriesContext(connection):  # Django's debug cursor, as with DEBUG = True
        [report] = load(gk_shapefile(tmp_path, cpg=True))

    assert report.ok, report.error
    assert Parcel.objects.count() == 2
