"""Deterministic demo geography for Sichuan: a region tree with boundaries, parcels and amenities, as arrays."""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from geo import reference

# A coarse outline of Sichuan (lon, lat); the real boundary is not needed for a demo, a plausible one is.
PROVINCE_OUTLINE = [
    (97.4, 32.0),
    (98.6, 33.9),
    (100.9, 34.2),
    (102.6, 33.4),
    (104.4, 33.1),
    (105.6, 32.7),
    (107.6, 32.4),
    (108.5, 31.7),
    (108.2, 30.9),
    (106.9, 30.0),
    (106.2, 28.9),
    (105.8, 27.9),
    (104.9, 27.5),
    (103.6, 26.5),
    (102.2, 26.0),
    (101.1, 26.3),
    (100.4, 27.6),
    (99.1, 28.3),
    (98.4, 29.7),
    (97.4, 31.0),
    (97.4, 32.0),
]
# Approximate seats of the 21 prefecture-level units: the seeds of their (Voronoi) demo boundaries.
CITY_SEATS = {
    "510100": (104.07, 30.67),
    "510300": (104.78, 29.34),
    "510400": (101.72, 26.58),
    "510500": (105.44, 28.87),
    "510600": (104.40, 31.13),
    "510700": (104.68, 31.47),
    "510800": (105.84, 32.44),
    "510900": (105.59, 30.53),
    "511000": (105.06, 29.58),
    "511100": (103.77, 29.55),
    "511300": (106.08, 30.80),
    "511400": (103.85, 30.08),
    "511500": (104.64, 28.75),
    "511600": (106.63, 30.46),
    "511700": (107.47, 31.21),
    "511800": (103.00, 29.98),
    "511900": (106.75, 31.87),
    "512000": (104.63, 30.13),
    "513200": (102.22, 31.90),
    "513300": (100.5, 30.6),
    "513400": (102.27, 27.89),
}
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


@dataclass
class RegionArrays:
    codes: list[str]
    names: list[str]
    boundaries: np.ndarray


@dataclass
class ParcelArrays:
    geometries: np.ndarray
    fields: dict[str, np.ndarray]


def _table() -> dict[str, str]:
    with (reference.DATA_DIR / "gbt2260_regions.csv").open(encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle) if row["code"].startswith(PROVINCE[:2])}


def _voronoi_cells(seeds: np.ndarray, within: shapely.Geometry) -> list[shapely.Geometry]:
    """The Voronoi cell of each seed, clipped to `within`, in the seeds' order."""
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=within))
    points = shapely.points(seeds)
    ordered = [next(cell for cell in cells if cell.contains(point)) for point in points]
    return [shapely.make_valid(cell.intersection(within)) for cell in ordered]


def regions(*, seed: int = 2026) -> RegionArrays:
    """The province, its 21 cities and their counties (real codes and names), with demo boundaries."""
    rng = np.random.default_rng(seed)
    table = _table()
    province = shapely.Polygon(PROVINCE_OUTLINE)
    city_codes = list(CITY_SEATS)
    city_cells = _voronoi_cells(np.array([CITY_SEATS[c] for c in city_codes]), province)
    codes, names, boundaries = [PROVINCE], [table[PROVINCE]], [province]
    for city, cell in zip(city_codes, city_cells, strict=True):
        codes.append(city)
        names.append(table[city])
        boundaries.append(cell)
        counties = sorted(code for code in table if reference.parent_code(code) == city)
        seeds = _points_inside(cell, len(counties), rng, around=np.array(CITY_SEATS[city]))
        for county, county_cell in zip(counties, _voronoi_cells(seeds, cell), strict=True):
            codes.append(county)
            names.append(table[county])
            boundaries.append(county_cell)
    return RegionArrays(codes=codes, names=names, boundaries=np.array(boundaries, dtype=object))


def _points_inside(polygon: shapely.Geometry, n: int, rng: np.random.Generator, *, around: np.ndarray) -> np.ndarray:
    """n distinct points inside the polygon, denser near `around` (the city seat) like real county seats."""
    west, south, east, north = polygon.bounds
    found: list[tuple[float, float]] = []
    while len(found) < n:
        spread = rng.normal(0, 0.35, size=(400, 2)) * [(east - west) / 2, (north - south) / 2] + around
        inside = shapely.contains_xy(polygon, spread[:, 0], spread[:, 1])
        found.extend(tuple(p) for p in spread[inside])
    return np.array(found[:n])


def parcels(*, counties: RegionArrays, count: int, seed: int = 2026) -> ParcelArrays:
    """`count` rectangular parcels on a grid of cells inside the counties, nearest the county's core first."""
    rng = np.random.default_rng(seed + 1)
    county_indices = [i for i, code in enumerate(counties.codes) if reference.region_level(code) == "county"]
    weights = np.array([3.0 if counties.codes[i].startswith("5101") else 1.0 for i in county_indices])
    per_county = rng.multinomial(count, weights / weights.sum())
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    sizes: list[np.ndarray] = []
    codes: list[str] = []
    for i, n in zip(county_indices, per_county, strict=True):
        if n == 0:
            continue
        cell_x, cell_y, size = _cells(counties.boundaries[i], int(n))
        xs.append(cell_x)
        ys.append(cell_y)
        sizes.append(np.full(len(cell_x), size))
        code = counties.codes[i]
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
    return ParcelArrays(geometries=geometries, fields=fields)


def _cells(county: shapely.Geometry, n: int) -> tuple[np.ndarray, np.ndarray, float]:
    """South-west corners of the n grid cells inside the county nearest its core, and the cell size: cells halve
    until n fit (a dense county gets smaller parcels, as cities do)."""
    west, south, east, north = county.bounds
    size = CELL_DEG
    while True:
        gx = np.arange(np.floor(west / size), np.ceil(east / size)) * size
        gy = np.arange(np.floor(south / size), np.ceil(north / size)) * size
        x, y = (a.ravel() for a in np.meshgrid(gx, gy))
        inside = (
            shapely.contains_xy(county, x, y)
            & shapely.contains_xy(county, x + size, y + size)
            & shapely.contains_xy(county, x + size, y)
            & shapely.contains_xy(county, x, y + size)
        )
        if inside.sum() >= n or size < CELL_DEG / 16:
            break
        size /= 2
    x, y = x[inside], y[inside]
    core = county.representative_point()
    order = np.argsort((x - core.x) ** 2 + (y - core.y) ** 2, kind="stable")[:n]
    return x[order], y[order], size


def amenities(*, near: ParcelArrays, count: int, seed: int = 2026) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Points of interest scattered around parcels (within ~2 km), with categories and names."""
    rng = np.random.default_rng(seed + 2)
    centres = shapely.centroid(near.geometries[rng.integers(0, len(near.geometries), size=count)])
    x = shapely.get_x(centres) + rng.normal(0, 0.01, count)
    y = shapely.get_y(centres) + rng.normal(0, 0.01, count)
    categories = rng.choice(list(AMENITY_NAMES), size=count)
    names = [AMENITY_NAMES[c].format(n=i + 1) for i, c in enumerate(categories)]
    fields = {
        "code": np.array([f"demo-poi-{i + 1:07d}" for i in range(count)], dtype=object),
        "category": categories.astype(object),
        "name": np.array(names, dtype=object),
    }
    return shapely.points(x, y), fields


def source_path(name: str) -> Path:
    """A name for reports: demo data has no file."""
    return Path(f"seed_demo:{name}")
