"""Importing parcels (宗地): geometry checks, attribute mapping, COPY and one upsert; area and county derived."""

from decimal import Decimal

import numpy as np
import shapely
from django.db import connection
from django.utils.translation import gettext as _

from geo import reference
from geo.importers import fields as f
from geo.importers.geometry import prepare_geometries
from geo.importers.loader import (
    FileReport,
    ImportOptions,
    Progress,
    copy_into_staging,
    geometry_column,
    load_from_staging,
    source_label,
    wkb_hex,
)
from geo.importers.source import Source
from geo.models import SRID, Parcel

LAND_NATURES = {
    "state_owned": "state_owned",
    "国有": "state_owned",
    "国有建设用地使用权": "state_owned",
    "collective": "collective",
    "集体": "collective",
    "集体建设用地使用权": "collective",
}
USE_RIGHT_TYPES = {
    **{choice.value: choice.value for choice in Parcel.UseRightType},
    "划拨": "allocated",
    "出让": "granted",
    "租赁": "leased",
    "授权经营": "authorized",
    "作价出资入股": "capital",
    "作价出资(入股)": "capital",
    "其他": "other",
}
PERCENT = {"max_digits": 5, "places": 2, "minimum": Decimal(0), "maximum": Decimal(100)}


def land_use(value: object) -> str:
    code = f.text(4)(value)
    if code and not reference.is_valid_land_use(code):
        raise f.FieldValueError(_("{code} is not a GB/T 21010-2017 land-use code").format(code=code))
    return code


# The candidates are attribute names common in Chinese cadastral data (宗地 tables of 不动产/地籍 databases).
SPECS = [
    f.FieldSpec(
        "code", ("ZDDM", "宗地代码", "宗地编码", "parcel_code", "DKBH", "地块编号", "BSM"), f.text(64), required=True
    ),
    f.FieldSpec("address", ("ZL", "坐落", "TDZL", "土地坐落"), f.text(255)),
    f.FieldSpec("land_use", ("DLBM", "地类编码", "TDYT", "土地用途", "YT", "landuse"), land_use),
    f.FieldSpec("land_nature", ("QLXZ", "权利性质", "TDXZ", "土地性质"), f.choice(LAND_NATURES)),
    f.FieldSpec("use_right_type", ("SYQLX", "使用权类型", "QLLX", "权利类型"), f.choice(USE_RIGHT_TYPES)),
    f.FieldSpec("certificate_type", ("ZSLX", "证书类型"), f.text(64)),
    f.FieldSpec("certificate_number", ("ZSH", "BDCQZH", "证书号", "不动产权证号", "TDZH"), f.text(128)),
    f.FieldSpec("registration_authority", ("DJJG", "登记机构", "登记机关"), f.text(128)),
    f.FieldSpec("unit_numbers", ("BDCDYH", "不动产单元号"), f.listing(f.text(28), pattern=r"[0-9A-Z]{28}")),
    f.FieldSpec("boundary_east", ("DZ", "东至"), f.text(255)),
    f.FieldSpec("boundary_west", ("XZ", "西至"), f.text(255)),
    f.FieldSpec("boundary_south", ("NZ", "南至"), f.text(255)),
    f.FieldSpec("boundary_north", ("BZ", "北至"), f.text(255)),
    f.FieldSpec("floor_area_ratio", ("RJL", "容积率", "far"), f.decimal(max_digits=6, places=2, minimum=Decimal(0))),
    f.FieldSpec("building_density", ("JZMD", "建筑密度"), f.decimal(**PERCENT)),  # type: ignore[arg-type]
    f.FieldSpec("green_ratio", ("LDL", "绿地率"), f.decimal(**PERCENT)),  # type: ignore[arg-type]
    f.FieldSpec("height_limit_m", ("JZXG", "建筑限高", "限高"), f.decimal(max_digits=6, places=2, minimum=Decimal(0))),
    f.FieldSpec("buildings", ("DSJZW", "地上建筑物"), f.text(10_000)),
]
ATTRIBUTES = [spec.target for spec in SPECS if spec.target != "code"]
NUMBERS = ("floor_area_ratio", "building_density", "green_ratio", "height_limit_m")


def _staging_columns(present: list[str]) -> list[tuple[str, str]]:
    """The staging table: geometry, derived values and the attributes the file has."""
    types = {"unit_numbers": "text[]"} | dict.fromkeys(NUMBERS, "numeric")
    return [
        ("code", "text"),
        ("geom", geometry_column()),
        ("centroid", geometry_column("Point")),
        ("region", "text"),
        *((name, types.get(name, "text")) for name in present),
    ]


def _insert_sql(present: list[str]) -> str:
    """Attributes the file lacks are blank in new parcels."""
    attributes = ", ".join(ATTRIBUTES)
    selected = ", ".join(f"s.{name}" if name in present else _default(name) for name in ATTRIBUTES)
    # Column names come from SPECS, never from the file.
    return f"""
        INSERT INTO geo_parcel
               (code, geometry, centroid, area_m2, region_id, {attributes}, source, created_at, updated_at)
        SELECT s.code, ST_Multi(s.geom), s.centroid, round(ST_Area(s.geom::geography)::numeric, 2), s.region,
               {selected}, %(source)s, now(), now()
          FROM geo_parcel_staging s
    """  # noqa: S608


def _on_conflict_sql(present: list[str]) -> str:
    """Attributes the file lacks keep their stored values."""
    updates = "".join(f"{name} = EXCLUDED.{name}, " for name in present)
    return f"""
        ON CONFLICT (code) DO UPDATE SET
               geometry = EXCLUDED.geometry, centroid = EXCLUDED.centroid, area_m2 = EXCLUDED.area_m2,
               region_id = EXCLUDED.region_id, {updates}source = EXCLUDED.source, updated_at = now()
    """


def _default(name: str) -> str:
    if name == "unit_numbers":
        return "'{}'::varchar[]"
    return "NULL" if name in NUMBERS else "''"


def import_parcels_source(source: Source, *, options: ImportOptions, progress: Progress, report: FileReport) -> None:
    """Load one read file; the caller holds the transaction."""
    prepared = prepare_geometries(source, srs=options.srs, kind="polygon")
    report.crs, report.repaired = prepared.crs_label, prepared.repaired
    values = f.read_fields(source, SPECS, options.fields)
    f.refuse_duplicates(source, values["code"])
    present = [name for name in ATTRIBUTES if f.column_for(source, _spec(name), options.fields.get(name)) is not None]
    centroids = shapely.centroid(prepared.geometries)
    counties = county_codes(centroids)
    copy_into_staging(
        table="geo_parcel_staging",
        columns=_staging_columns(present),
        values=[
            values["code"],
            wkb_hex(prepared.geometries),
            wkb_hex(centroids),
            counties,
            *(values[name] for name in present),
        ],
        progress=progress,
    )
    report.inserted, report.updated = load_from_staging(
        table="geo_parcel",
        insert=_insert_sql(present),
        on_conflict=_on_conflict_sql(present),
        params={"source": source_label(source.path)},
    )
    outside = counties.count(None)
    if outside:
        report.warnings.append(
            _("{n} parcels lie outside every loaded county; load the counties' boundaries to assign them").format(
                n=outside
            )
        )


def county_codes(points: np.ndarray) -> list[str | None]:
    """The county covering each point (the lowest code where loaded boundaries overlap), None outside all of them.

    The counties around the file come from the database once; the points are matched in one STRtree query with
    each county prepared, far faster than a spatial join per parcel in SQL.
    """
    west, south, east, north = shapely.total_bounds(points).tolist()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT code, ST_AsBinary(boundary) FROM geo_region
             WHERE level = 'county' AND boundary && ST_MakeEnvelope(%s, %s, %s, %s, %s) ORDER BY code
            """,
            [west, south, east, north, SRID],
        )
        rows = cursor.fetchall()
    if not rows:
        return [None] * len(points)
    boundaries = shapely.from_wkb([bytes(wkb) for _code, wkb in rows])
    county_index, point_index = shapely.STRtree(points).query(boundaries, predicate="covers")
    # A point on a shared border is covered by both counties: the lowest code wins (the counties are in code order).
    order = np.lexsort((county_index, point_index))
    point_index, county_index = point_index[order], county_index[order]
    first = np.unique(point_index, return_index=True)[1]
    result = np.full(len(points), None, dtype=object)
    result[point_index[first]] = np.array([code for code, _wkb in rows], dtype=object)[county_index[first]]
    return result.tolist()


def _spec(name: str) -> f.FieldSpec:
    return next(spec for spec in SPECS if spec.target == name)
