"""GIS staff import only into their regions: a file that would create or change anything elsewhere changes nothing.

Finding: `is_staff` was the only gate on GIS imports, so a Beijing reviewer could have overwritten Sichuan's parcels.
Boundaries are the real outlines of geo.tests.factories.sichuan_tree() (锦江区 510104 and 武侯区 510107 in 成都市,
涪城区 510703 in 绵阳市); things are put at the factories' INSIDE points of the counties.
"""

from pathlib import Path

import pytest
import shapely

from geo.importers.loader import ImportOptions
from geo.importers.runner import import_path
from geo.models import Amenity, Parcel, Region
from geo.tests.factories import amenity_create, outline, parcel_create, point_in, sichuan_tree, square_in
from geo.tests.gisfiles import write_geojson

pytestmark = pytest.mark.django_db

IN_JINJIANG = shapely.box(*point_in("510104"), *point_in("510104", (0.001, 0.001)))
IN_WUHOU = shapely.box(*point_in("510107"), *point_in("510107", (0.001, 0.001)))


@pytest.fixture
def regions() -> dict[str, Region]:
    return sichuan_tree()


def parcels_file(tmp_path: Path, geometries: list[shapely.Geometry], codes: list[str]) -> Path:
    return write_geojson(tmp_path / "zd.geojson", geometries, {"ZDDM": codes, "ZL": ["某路1号"] * len(codes)})


def imported(kind: str, path: Path, *scope: str) -> dict:
    [report] = import_path(kind=kind, path=path, options=ImportOptions(scope=scope))  # type: ignore[arg-type]
    return report.as_dict()


def test_parcels_of_the_importers_county_are_imported(regions, tmp_path):
    report = imported("parcels", parcels_file(tmp_path, [IN_JINJIANG], ["510104001001GB09001"]), "510104")

    assert report["ok"], report
    assert Parcel.objects.get().region_id == "510104"


def test_parcels_of_another_province_are_refused_and_nothing_is_written(regions, tmp_path):
    path = parcels_file(tmp_path, [IN_JINJIANG, IN_WUHOU], ["510104001001GB09001", "510107001001GB09002"])

    report = imported("parcels", path, "110000")  # a Beijing GIS staff member's file of Sichuan parcels

    assert not report["ok"]
    assert "outside your regions" in report["error"]
    assert not Parcel.objects.exists()


def test_one_parcel_outside_the_county_refuses_the_whole_file(regions, tmp_path):
    parcel_create(
        code="510104001001GB00001", geometry=square_in("510104", 0.002, (-0.01, -0.01)), region=regions["510104"]
    )
    path = parcels_file(tmp_path, [IN_JINJIANG, IN_WUHOU], ["510104001001GB09001", "510107001001GB09002"])

    report = imported("parcels", path, "510104")

    assert not report["ok"]
    assert Parcel.objects.count() == 1  # the stored parcel only


def test_a_stored_parcel_of_another_county_cannot_be_moved_in_by_its_code(regions, tmp_path):
    parcel_create(code="510107001001GB00001", geometry=square_in("510107", 0.001), region=regions["510107"])
    path = parcels_file(tmp_path, [IN_JINJIANG], ["510107001001GB00001"])  # 武侯区's parcel, redrawn in 锦江区

    report = imported("parcels", path, "510104")

    assert not report["ok"]
    assert Parcel.objects.get().region_id == "510107"


def test_regions_outside_the_scope_are_refused(regions, tmp_path):
    fucheng = shapely.box(104.6, 31.3, 105.0, 31.7)  # a square where the file would move 涪城区
    path = write_geojson(tmp_path / "xzq.geojson", [fucheng], {"XZQDM": ["510703"]})

    report = imported("regions", path, "510100")  # 成都市 staff loading 绵阳市's 涪城区

    assert not report["ok"]
    boundary = Region.objects.get(code="510703").boundary
    assert boundary is not None
    assert boundary.extent == pytest.approx(outline("510703").extent)  # the real outline, unchanged
    assert boundary.equals_exact(outline("510703"), 0)


def test_amenities_outside_the_scopes_boundaries_are_refused(regions, tmp_path):
    amenity_create(
        code="poi-1", category="school", name="锦江小学", lon=point_in("510104")[0], lat=point_in("510104")[1]
    )
    path = write_geojson(
        tmp_path / "poi.geojson",
        [shapely.Point(*point_in("510107"))],
        {"id": ["poi-1"], "type": ["school"], "名称": ["某校"]},
    )

    report = imported("amenities", path, "510104")  # moves 锦江区's school into 武侯区

    assert not report["ok"]
    assert Amenity.objects.get().name == "锦江小学"


def test_no_scope_imports_anywhere(regions, tmp_path):
    """Administrators and the operator's management commands import without a scope."""
    path = parcels_file(tmp_path, [IN_JINJIANG, IN_WUHOU], ["510104001001GB09001", "510107001001GB09002"])

    [report] = import_path(kind="parcels", path=path, options=ImportOptions())

    assert report.ok
    assert Parcel.objects.count() == 2
