"""Importing 天地图 boundary files (gb = "156" + code, 境界线 lines, old codes); load_china_regions on real ones."""

import io
import json
from pathlib import Path

import pytest
import shapely
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from geo.importers.loader import ImportOptions
from geo.importers.runner import import_path
from geo.management.commands.load_china_regions import FILES
from geo.models import Region

pytestmark = pytest.mark.django_db

GEODATA = Path(settings.BASE_DIR) / "var" / "geodata"


def write_tianditu(path: Path, features: list[tuple[str, str, shapely.Geometry]]) -> Path:
    """A file shaped as 天地图's: CGCS2000 declared in `crs`, properties `name` and `gb`."""
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"name": name, "gb": gb},
                "geometry": json.loads(shapely.to_geojson(geom)),
            }
            for gb, name, geom in features
        ],
    }
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


BORDER = shapely.MultiLineString([[(104.0, 30.5), (104.1, 30.6)], [(104.2, 30.5), (104.3, 30.6)]])


def test_gb_codes_with_the_156_prefix_load_as_gbt2260_codes_and_boundary_lines_are_skipped_with_a_warning(tmp_path):
    path = write_tianditu(
        tmp_path / "china_district.geojson",
        [
            ("156510104", "锦江区", shapely.MultiPolygon([shapely.box(104.05, 30.55, 104.17, 30.67)])),
            ("", "境界线", BORDER),
            ("156510105", "青羊区", shapely.MultiPolygon([shapely.box(103.95, 30.6, 104.05, 30.7)])),
        ],
    )

    [report] = import_path(kind="regions", path=path, options=ImportOptions())

    assert report.ok, report.error
    assert (report.features, report.inserted, report.updated) == (3, 2, 0)
    assert report.warnings == ["1 line features (boundary lines) skipped"]
    county = Region.objects.get(code="510104")
    assert (county.name, county.parent_id, county.boundary is not None) == ("锦江区", "510100", True)
    assert set(Region.objects.values_list("code", flat=True)) == {"510000", "510100", "510104", "510105"}


def test_old_codes_of_the_2024_edition_load_under_their_current_codes(tmp_path):
    path = write_tianditu(
        tmp_path / "china_district.geojson",
        [
            ("156540422", "米林市", shapely.box(94.0, 29.0, 94.5, 29.5)),  # GB/T 2260 now: 540481
            ("156460321", "西沙区", shapely.box(112.2, 16.7, 112.4, 16.9)),  # now 460302
        ],
    )

    [report] = import_path(kind="regions", path=path, options=ImportOptions())

    assert report.ok, report.error
    assert dict(Region.objects.filter(level="county").values_list("code", "name")) == {
        "540481": "米林市",
        "460302": "西沙区",
    }
    assert not Region.objects.filter(code__in=["540422", "460321"]).exists()


def test_units_not_in_gbt2260_are_skipped_with_a_warning_naming_their_codes(tmp_path):
    path = write_tianditu(
        tmp_path / "china_district.geojson",
        [
            ("156810101", "中西区", shapely.box(114.13, 22.27, 114.16, 22.29)),
            ("156500105", "江北区", shapely.box(106.5, 29.55, 106.6, 29.65)),  # abolished 2025-11
            ("156510104", "锦江区", shapely.box(104.05, 30.55, 104.17, 30.67)),
        ],
    )

    [report] = import_path(kind="regions", path=path, options=ImportOptions())

    assert report.ok, report.error
    assert report.warnings == ["2 features skipped, their units are not in the GB/T 2260 table: 500105, 810101"]
    assert set(Region.objects.filter(level="county").values_list("code", flat=True)) == {"510104"}


def test_a_refusal_after_skipped_lines_names_the_feature_by_its_position_in_the_file(tmp_path):
    path = write_tianditu(
        tmp_path / "china_city.geojson",
        [
            ("", "境界线", BORDER),
            ("156510100", "成都市", shapely.box(103.5, 30.1, 104.9, 31.4)),
            ("156519900", "?", shapely.box(105.0, 30.0, 105.1, 30.1)),
        ],
    )

    [report] = import_path(kind="regions", path=path, options=ImportOptions())

    assert report.error == "china_city.geojson: feature 3: field gb: 519900 is not a GB/T 2260 region code"
    assert not Region.objects.exists()


def test_load_china_regions_without_the_files_says_to_run_setup(tmp_path):
    with pytest.raises(CommandError, match="run scripts/setup"):
        call_command("load_china_regions", "--data-dir", str(tmp_path))


def test_loading_sichuan_from_the_real_files_gives_its_whole_tree_and_finds_jinjiang(client: Client):
    missing = [name for name in FILES if not (GEODATA / name).is_file()]
    if missing:
        pytest.fail(f"{', '.join(missing)} not in {GEODATA}: run scripts/setup, which fetches them")

    out = io.StringIO()
    call_command("load_china_regions", "--province", "51", stdout=out, stderr=io.StringIO())

    bounded = Region.objects.exclude(boundary=None)
    counts = {level: bounded.filter(level=level).count() for level in ("province", "city", "county")}
    assert counts == {"province": 1, "city": 21, "county": 183}
    assert not Region.objects.exclude(code__startswith="51").exists()
    assert "china_district.geojson: 183 features (EPSG:4490)" in out.getvalue()
    lookup = client.get("/api/geo/regions/lookup/", {"lon": "104.08", "lat": "30.65"}).json()
    assert lookup["county"] == {"code": "510104", "name": "锦江区", "level": "county"}
    assert lookup["city"]["code"] == "510100"
