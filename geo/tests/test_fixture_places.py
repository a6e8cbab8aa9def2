"""The tests' named places (geo.tests.factories.INSIDE, OUTSIDE_SICHUAN) lie where their comments say on the real
outlines."""

import pyproj
import pytest
import shapely

from geo import china
from geo.tests.factories import INSIDE, INSIDE_MARGIN_M, OUTSIDE_SICHUAN, square_in


def metres_from_edge(outline: shapely.Geometry, lon: float, lat: float) -> float:
    """The distance from (lon, lat) to the outline's edge in metres (azimuthal equidistant on GRS80 around the point,
    exact for distances from it)."""
    projection = pyproj.Transformer.from_crs(
        "EPSG:4490", pyproj.CRS(proj="aeqd", lat_0=lat, lon_0=lon, ellps="GRS80"), always_xy=True
    )
    local = shapely.transform(outline, projection.transform, interleaved=False)
    return float(shapely.Point(0, 0).distance(local.boundary))


@pytest.mark.parametrize("code", sorted(INSIDE))
def test_each_inside_point_lies_in_its_county_at_least_500_m_from_its_edge(code: str):
    _name, outline = china.outlines(code[:2])[code]
    lon, lat = INSIDE[code]
    assert outline.contains(shapely.Point(lon, lat))
    assert metres_from_edge(outline, lon, lat) >= INSIDE_MARGIN_M


def test_each_inside_point_lies_in_no_other_county_of_its_province():
    for code, (lon, lat) in INSIDE.items():
        counties = [c for c, (_n, g) in china.outlines(code[:2]).items() if g.contains(shapely.Point(lon, lat))]
        assert counties == [code[:2] + "0000", code[:4] + "00", code]


def test_the_point_outside_sichuan_is_in_chongqing_and_in_no_sichuan_region():
    point = shapely.Point(*OUTSIDE_SICHUAN)
    assert not any(g.intersects(point) for _n, g in china.outlines("51").values())
    assert china.outlines("50")["500103"][1].contains(point)


def test_a_square_outside_its_county_is_refused():
    assert square_in("510104", 0.005).extent == pytest.approx((104.0975, 30.5975, 104.1025, 30.6025))
    with pytest.raises(AssertionError, match="510104"):
        square_in("510104", 0.001, offset=(0.1, 0.0))


@pytest.mark.parametrize(("one", "other"), [("510104", "510105"), ("510104", "510107")])
def test_the_fixture_counties_named_neighbours_share_an_edge(one: str, other: str):
    """chengdu_tree's 锦江区 and 青羊区 and sichuan_tree's 锦江区 and 武侯区 meet along a line, without overlapping."""
    first, second = china.outlines("51")[one][1], china.outlines("51")[other][1]
    assert first.touches(second)
    assert first.intersection(second).length > 0.04  # degrees of shared edge (≈ 4 km and more)
