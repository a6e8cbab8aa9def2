"""Deterministic demo geography for Sichuan on its real outlines (geo.china): the region tree, and parcels and
amenities inside the counties, as arrays."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from geo import china, reference

PROVINCE = "510000"
# Second-level land uses with demo weights (GB/T 21010-2017): mostly industrial, commercial and residential.
LAND_USES = {
    "0601": 30,
    "0602": 8,
    "0501": 12,
    "0502": 5,
    "0503": 3,
    "0701": 25,
    "0810": 3,
    "0809": 4,
    "1004": 2,
    "0505": 4,
    "0604": 4,
}
STREETS = ["人民路", "建设路", "工业大道", "科技路", "滨江路", "新华大道", "产业路", "创业路", "天府大道", "锦绣路"]
NEIGHBOURS = ["道路", "空地", "河道", "绿地", "他人宗地", "规划道路"]
AMENITY_NAMES = {
    "school": "第{n}小学",
    "hospital": "人民医院第{n}分院",
    "clinic": "社区卫生服务站{n}",
    "metro_station": "地铁{n}号站",
    "bus_stop": "公交{n}号站",
    "park": "城市公园{n}",
    "shopping": "购物中心{n}",
    "bank": "农商银行第{n}支行",
    "government_service": "政务服务中心{n}",
    "highway_entrance": "高速出入口{n}",
    "industrial_park": "产业园{n}",
}
CELL_DEG = 0.004  # one parcel per cell of about 400 m × 440 m, so parcels never overlap
# Generated features keep this far inside their county: the outlines are generalised to about 500 m. A buffer in
# degrees, not metres: 0.006° is 666 m of latitude and, at Sichuan's northernmost 34.32° N, 0.006 × 111.32 km ×
# cos 34.32° = 552 m of longitude, so at least 500 m in every direction (Sichuan spans 26.05°–34.32° N).
MARGIN_DEG = 0.006


@dataclass
class RegionArrays:
    codes: list[str]
    names: list[str]
    boundaries: np.ndarray


@dataclass
class ParcelArrays:
    geometries: np.ndarray
    fields: dict[str, np.ndarray]
    interiors: np.ndarray  # each parcel's county shrunk by MARGIN_DEG, where its amenities stay


def regions() -> RegionArrays:
    """The province, its 21 cities and 183 counties: real codes, names and outlines (天地图 2024-12), parents first."""
    found = china.outlines(PROVINCE[:2])
    levels = ["province", "city", "county"]
    codes = sorted(found, key=lambda code: (levels.index(reference.region_level(code)), code))
    return RegionArrays(
        codes=codes,
        names=[found[code][0] for code in codes],
        boundaries=np.array([found[code][1] for code in codes], dtype=object),
    )


def interiors(counties: RegionArrays) -> dict[str, shapely.Geometry]:
    """Each county's outline shrunk by MARGIN_DEG (prepared): where generated parcels and amenities may lie."""
    found = {}
    for code, boundary in zip(counties.codes, counties.boundaries, strict=True):
        if reference.region_level(code) == "county":
            found[code] = shapely.buffer(boundary, -MARGIN_DEG)
            shapely.prepare(found[code])
    return found


def parcels(*, counties: RegionArrays, count: int, seed: int = 2026) -> ParcelArrays:
    """`count` rectangular parcels on a grid of cells inside the counties shrunk by MARGIN_DEG, three times denser
    in 成都 (5101), nearest the county's core first."""
    rng = np.random.default_rng(seed + 1)
    inside = interiors(counties)
    county_codes = list(inside)
    weights = np.array([3.0 if code.startswith("5101") else 1.0 for code in county_codes])
    per_county = rng.multinomial(count, weights / weights.sum())
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    sizes: list[np.ndarray] = []
    codes: list[str] = []
    where: list[shapely.Geometry] = []
    for code, n in zip(county_codes, per_county, strict=True):
        if n == 0:
            continue
        cell_x, cell_y, size = _cells(inside[code], int(n))
        xs.append(cell_x)
        ys.append(cell_y)
        sizes.append(np.full(len(cell_x), size))
        where.extend([inside[code]] * len(cell_x))
        # 宗地代码: county (6) + township (3) + village (3) + GB + serial (5), unique per k
        codes.extend(
            f"{code}{1 + k // 100_000:03d}{1 + (k // 1000) % 100:03d}GB{k % 1000 + 1:05d}" for k in range(len(cell_x))
        )
    x, y, cell = np.concatenate(xs), np.concatenate(ys), np.concatenate(sizes)
    n = len(x)
    width = cell * rng.uniform(0.2, 0.85, n)
    height = cell * rng.uniform(0.2, 0.85, n)
    x0 = x + rng.uniform(0, 1, n) * (cell - width)
    y0 = y + rng.uniform(0, 1, n) * (cell - height)
    geometries = shapely.box(x0, y0, x0 + width, y0 + height)
    uses = list(LAND_USES)
    use_weights = np.array([LAND_USES[u] for u in uses], dtype=float)
    land_use = rng.choice(uses, size=n, p=use_weights / use_weights.sum())
    names = dict(zip(counties.codes, counties.names, strict=True))
    streets = rng.choice(STREETS, size=n)
    numbers = rng.integers(1, 999, size=n)
    county_of = [c[:6] for c in codes]
    fields: dict[str, np.ndarray] = {
        "code": np.array(codes, dtype=object),
        "address": np.array(
            [f"{names[c[:4] + '00']}{names[c]}{s}{k}号" for c, s, k in zip(county_of, streets, numbers, strict=True)],
            dtype=object,
        ),
        "land_use": land_use.astype(object),
        "land_nature": rng.choice(["国有建设用地使用权", "集体建设用地使用权"], size=n, p=[0.9, 0.1]).astype(object),
        "use_right_type": rng.choice(["出让", "划拨", "租赁", "作价出资入股"], size=n, p=[0.7, 0.15, 0.1, 0.05]).astype(
            object
        ),
        "certificate_type": np.full(n, "不动产权证书", dtype=object),
        "certificate_number": np.array(
            [f"川({2015 + k % 11})不动产权第{k:07d}号" for k in rng.integers(1, 9_999_999, size=n)], dtype=object
        ),
        "registration_authority": np.array([f"{names[c]}不动产登记中心" for c in county_of], dtype=object),
        "boundary_east": rng.choice(NEIGHBOURS, size=n).astype(object),
        "boundary_west": rng.choice(NEIGHBOURS, size=n).astype(object),
        "boundary_south": rng.choice(NEIGHBOURS, size=n).astype(object),
        "boundary_north": rng.choice(NEIGHBOURS, size=n).astype(object),
        "floor_area_ratio": np.round(rng.uniform(0.8, 4.0, n), 1).astype(str).astype(object),
        "building_density": np.round(rng.uniform(20, 55, n), 0).astype(int).astype(str).astype(object),
        "green_ratio": np.round(rng.uniform(10, 35, n), 0).astype(int).astype(str).astype(object),
        "height_limit_m": rng.choice(["24", "36", "50", "60", "80", "100"], size=n).astype(object),
    }
    return ParcelArrays(geometries=geometries, fields=fields, interiors=np.array(where, dtype=object))


def _cells(interior: shapely.Geometry, n: int) -> tuple[np.ndarray, np.ndarray, float]:
    """South-west corners of the n grid cells inside the (prepared) county interior nearest its core (representative
    point), and the cell size: cells halve until n fit (a dense county gets smaller parcels, as cities do). Only a
    square around the core is searched, grown until it holds the n nearest cells."""
    west, south, east, north = interior.bounds
    core = interior.representative_point()
    farthest = max(core.x - west, east - core.x, core.y - south, north - core.y)
    size = CELL_DEG
    while True:
        reach = size * (np.sqrt(n) + 2)
        while True:
            x, y = _cells_within(interior, size, core.x - reach, core.y - reach, core.x + reach, core.y + reach)
            distance = np.hypot(x - core.x, y - core.y)
            if reach >= farthest or (len(x) >= n and np.partition(distance, n - 1)[n - 1] <= reach):
                break
            reach *= 2
        if len(x) >= n or size < CELL_DEG / 16:
            break
        size /= 2
    order = np.argsort(distance, kind="stable")[:n]
    return x[order], y[order], size


def _cells_within(
    interior: shapely.Geometry, size: float, west: float, south: float, east: float, north: float
) -> tuple[np.ndarray, np.ndarray]:
    """South-west corners of the grid cells (multiples of `size`) with their corner in the box and their whole
    square inside the interior."""
    gx = np.arange(np.floor(west / size), np.ceil(east / size) + 1) * size
    gy = np.arange(np.floor(south / size), np.ceil(north / size) + 1) * size
    lattice_x, lattice_y = np.meshgrid(gx, gy)
    inside = shapely.contains_xy(interior, lattice_x, lattice_y)
    corners = inside[:-1, :-1] & inside[1:, :-1] & inside[:-1, 1:] & inside[1:, 1:]
    x, y = lattice_x[:-1, :-1][corners], lattice_y[:-1, :-1][corners]
    whole = shapely.contains(interior, shapely.box(x, y, x + size, y + size))  # a bend of the outline may cut a side
    return x[whole], y[whole]


def amenities(*, near: ParcelArrays, count: int, seed: int = 2026) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Points of interest scattered around parcels (within ~2 km), each inside its parcel's county interior: a point
    that falls outside is drawn again closer in, and after a few tries put at the parcel's centroid."""
    rng = np.random.default_rng(seed + 2)
    chosen = rng.integers(0, len(near.geometries), size=count)
    centres = shapely.centroid(near.geometries[chosen])
    where = near.interiors[chosen]
    x, y = shapely.get_x(centres), shapely.get_y(centres)
    px, py = x + rng.normal(0, 0.01, count), y + rng.normal(0, 0.01, count)
    for spread in (0.005, 0.0025, 0.001):
        outside = ~shapely.contains_xy(where, px, py)
        px[outside] = x[outside] + rng.normal(0, spread, int(outside.sum()))
        py[outside] = y[outside] + rng.normal(0, spread, int(outside.sum()))
    outside = ~shapely.contains_xy(where, px, py)
    px[outside], py[outside] = x[outside], y[outside]
    categories = rng.choice(list(AMENITY_NAMES), size=count)
    names = [AMENITY_NAMES[c].format(n=i + 1) for i, c in enumerate(categories)]
    fields = {
        "code": np.array([f"demo-poi-{i + 1:07d}" for i in range(count)], dtype=object),
        "category": categories.astype(object),
        "name": np.array(names, dtype=object),
    }
    return shapely.points(px, py), fields


def source_path(name: str) -> Path:
    """A name for reports: demo data has no file."""
    return Path(f"seed_demo:{name}")
