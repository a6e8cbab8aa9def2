"""Importing parcels (宗地): geometry checks, attribute mapping, a COPY or an upsert; area, centroid, county derived."""

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pyarrow as pa
import shapely
from django.db import connection
from django.utils.translation import gettext as _

from geo import reference
from geo.crs import SourceCRS
from geo.importers import fields as f
from geo.importers.geometry import Bounds, PreparedGeometries, areas_m2, prepare_geometries, transform_bounds
from geo.importers.loader import (
    FileReport,
    ImportOptions,
    Progress,
    bulk_loading,
    copying,
    create_staging,
    execute_counting,
    geometry_column,
    hex_strings,
    is_wkb_of,
    refuse_outside_scope,
    source_label,
    wkb_hex,
)
from geo.importers.source import ImportRefused, Layer, Source
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
# A file's parcel overlapping a stored parcel (of a code the file does not give) by more than this is reported as a
# warning naming both codes; smaller overlaps are slivers of digitising along a shared border.
OVERLAP_MIN_M2 = 1.0
OVERLAPS_LISTED = 5
CHUNK_SIZE = 100_000  # features read, checked and sent at a time (about 60 MB of COPY text)
MULTIPOLYGON = 6  # its WKB type code
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
# geo_parcel's columns as COPY fills them (id from its sequence), and their types in the staging table of an upsert.
COLUMNS = [
    ("code", "text"),
    ("geometry", geometry_column("MultiPolygon")),
    ("centroid", geometry_column("Point")),
    ("area_m2", "numeric"),
    ("region_id", "text"),
    *((name, "text[]" if name == "unit_numbers" else "numeric" if name in NUMBERS else "text") for name in ATTRIBUTES),
    ("source", "text"),
    ("created_at", "timestamptz"),
    ("updated_at", "timestamptz"),
]
NAMES = ", ".join(name for name, _type in COLUMNS)


def _upsert_sql(present: list[str]) -> str:
    """New parcels as the file gives them (blank where it lacks an attribute); stored ones keep what it lacks. A stored
    parcel the file gives exactly as it is stays untouched (and keeps its updated_at): re-importing an unchanged file
    writes no row versions and no index entries."""
    compared = ["geometry", "area_m2", "region_id", *present, "source"]  # the centroid follows the geometry
    updates = "".join(f"{name} = EXCLUDED.{name}, " for name in present)
    # Column names come from SPECS, never from the file.
    return f"""
        INSERT INTO geo_parcel ({NAMES}) SELECT {NAMES} FROM geo_parcel_staging
        ON CONFLICT (code) DO UPDATE SET
               geometry = EXCLUDED.geometry, centroid = EXCLUDED.centroid, area_m2 = EXCLUDED.area_m2,
               region_id = EXCLUDED.region_id, {updates}source = EXCLUDED.source, updated_at = now()
        WHERE ({", ".join(f"geo_parcel.{name}" for name in compared)})
              IS DISTINCT FROM ({", ".join(f"EXCLUDED.{name}" for name in compared)})
    """  # noqa: S608


def import_parcels_layer(layer: Layer, *, options: ImportOptions, progress: Progress, report: FileReport) -> None:
    """Load a file chunk by chunk, reading the next while the database loads one; the caller holds the transaction.

    A refused chunk refuses the file with the message a check of the whole file gives (its first bad feature, all
    such features counted), so that reading in chunks changes no refusal.
    """
    try:
        with closing(layer.chunks(CHUNK_SIZE)) as chunks:
            _load(chunks, total=layer.count, bounds=layer.bounds, options=options, progress=progress, report=report)
    except ImportRefused as refused:
        raise _whole_file_refusal(layer, options=options) or refused from None


def import_parcels_source(source: Source, *, options: ImportOptions, progress: Progress, report: FileReport) -> None:
    """Load one read file (e.g. the demo data); the caller holds the transaction."""
    bounds = tuple(shapely.total_bounds(source.geometries).tolist())
    _load(iter([source]), total=source.count, bounds=bounds, options=options, progress=progress, report=report)


Checked = tuple[Source, PreparedGeometries, dict[str, pa.Array]]


def check_parcels(
    source: Source,
    *,
    options: ImportOptions,
    source_crs: SourceCRS | None = None,
    earlier_codes: set[str] | None = None,
) -> tuple[PreparedGeometries, dict[str, pa.Array]]:
    """A file's or a chunk's geometries and attributes, checked (ImportRefused names the first problem)."""
    prepared = prepare_geometries(source, srs=options.srs, kind="polygon", source_crs=source_crs)
    values = f.read_fields(source, SPECS, options.fields)
    f.refuse_duplicates(source, values["code"].to_pylist(), earlier=earlier_codes)
    return prepared, values


def _load(
    chunks: Iterator[Source],
    *,
    total: int,
    bounds: Bounds | None,
    options: ImportOptions,
    progress: Progress,
    report: FileReport,
) -> None:
    """Check the chunks and COPY them, in one COPY: into geo_parcel if it is empty (a bulk load), else into a staging
    table to upsert. `bounds`: the file's extent in its CRS, for the counties to fetch.

    Each chunk is read, checked and prepared while the database loads the ones before.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")  # the transaction's time: created_at and updated_at of every row
        now = cursor.fetchone()[0].isoformat()
    checked = _checked(chunks, options=options)
    first = next(checked)  # the first chunk resolves the file's CRS
    # Before the COPY, which holds the connection until it ends.
    counties = Counties.around(transform_bounds(bounds, first[1].source_crs) if bounds else None)
    done = outside = 0
    constants = {"source": source_label(first[0].path), "created_at": now, "updated_at": now}
    columns = [name for name, _type in COLUMNS if name not in constants]
    with bulk_loading("geo_parcel") as empty:
        table = "geo_parcel" if empty else "geo_parcel_staging"
        if not empty:
            create_staging(table=table, columns=COLUMNS)
        with copying(table=table, columns=columns, constants=constants) as write:
            current: Checked | None = first
            while current is not None:
                source, prepared, values = current
                report.crs, report.repaired = prepared.crs_label, report.repaired + prepared.repaired
                geometries = multipolygons(prepared.geometries)
                centroids = shapely.centroid(geometries)
                as_read = prepared.wkb is not None and is_wkb_of(prepared.wkb, MULTIPOLYGON)
                regions = counties.covering(centroids)
                outside += regions.null_count
                rows = [
                    values["code"],
                    hex_strings(prepared.wkb) if as_read else wkb_hex(geometries),
                    wkb_hex(centroids),
                    areas_m2(geometries, centroids),
                    regions,
                    *(values[name] for name in ATTRIBUTES),
                ]
                write(rows, _in_file(progress, before=done, total=total))
                done += source.count
                current = next(checked, None)
        if empty:  # every parcel is the file's
            refuse_outside_scope(
                scope=options.scope,
                file=report.file,
                what=_("parcels"),
                count_sql="SELECT count(*) FROM geo_parcel WHERE NOT coalesce(region_id, '') LIKE ANY(%(scope)s)",
            )
            report.inserted, report.updated = done, 0
        else:
            # The file's attributes: its last chunk has those of every other.
            present = [name for name in ATTRIBUTES if f.column_for(source, _spec(name), options.fields.get(name))]
            # The file's parcels, and the stored parcels the file would change, in the importer's regions only.
            refuse_outside_scope(
                scope=options.scope,
                file=report.file,
                what=_("parcels"),
                count_sql="""SELECT count(*) FROM geo_parcel_staging s LEFT JOIN geo_parcel p USING (code)
                              WHERE NOT coalesce(s.region_id, '') LIKE ANY(%(scope)s)
                                 OR (p.code IS NOT NULL AND NOT coalesce(p.region_id, '') LIKE ANY(%(scope)s))""",
            )
            report.inserted, _changed, _flagged = execute_counting(
                f"{_upsert_sql(present)} RETURNING (xmax = 0) AS inserted, false AS flagged", {}
            )
            report.updated = done - report.inserted  # every stored parcel the file gives, changed or not
            report.warnings.extend(_overlap_warnings())
    if outside:
        report.warnings.append(
            _("{n} parcels lie outside every loaded county; load the counties' boundaries to assign them").format(
                n=outside
            )
        )


def _overlap_warnings() -> list[str]:
    """The file's parcels (the staging table) that overlap stored parcels of other codes, in one query: a warning
    naming the first pairs (file's code / stored code), or none. The import goes on: the data may be right."""
    sql = """
        SELECT count(*), (array_agg(s.code || ' / ' || p.code ORDER BY s.code, p.code))[1:%(listed)s]
          FROM geo_parcel_staging s
          JOIN geo_parcel p ON p.geometry && s.geometry AND ST_Intersects(p.geometry, s.geometry)
         WHERE NOT EXISTS (SELECT FROM geo_parcel_staging f WHERE f.code = p.code)
           AND ST_Area(ST_Intersection(p.geometry, s.geometry)::geography) > %(min_m2)s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"listed": OVERLAPS_LISTED, "min_m2": OVERLAP_MIN_M2})
        count, pairs = cursor.fetchone()
    if not count:
        return []
    more = _(" and {n} more").format(n=count - len(pairs)) if count > len(pairs) else ""
    return [
        _(
            "{n} overlaps with stored parcels of other codes, each over {m} m² (this file's code / stored code): "
            "{pairs}{more}"
        ).format(n=count, m=f"{OVERLAP_MIN_M2:g}", pairs=", ".join(pairs), more=more)
    ]


def _checked(chunks: Iterator[Source], *, options: ImportOptions) -> Iterator[Checked]:
    """check_parcels over a file's chunks: each in the CRS resolved for the first, codes unique across all."""
    source_crs = None
    codes: set[str] = set()
    for source in chunks:
        prepared, values = check_parcels(source, options=options, source_crs=source_crs, earlier_codes=codes)
        source_crs = prepared.source_crs
        yield source, prepared, values


def _in_file(progress: Progress, *, before: int, total: int) -> Progress:
    """A chunk's progress as the file's."""
    return lambda rows, _count: progress(before + rows, total)


def _whole_file_refusal(layer: Layer, *, options: ImportOptions) -> ImportRefused | None:
    """How a check of the whole file refuses it: its first bad feature, with all such features counted."""
    try:
        check_parcels(layer.read(), options=options)
    except ImportRefused as refused:
        return refused
    return None


def multipolygons(geometries: np.ndarray) -> np.ndarray:
    """Polygons as multipolygons of one part (as ST_Multi makes them), for geo_parcel's MultiPolygon column."""
    polygons = np.flatnonzero(shapely.get_type_id(geometries) == shapely.GeometryType.POLYGON)
    if not len(polygons):
        return geometries
    result = geometries.copy()
    result[polygons] = shapely.multipolygons(geometries[polygons], indices=np.arange(len(polygons)))
    return result


@dataclass
class Counties:
    """Loaded county boundaries, to find the county covering each point: fetched once per file, then matched in one
    STRtree query per chunk, far faster than a spatial join per parcel in SQL."""

    codes: np.ndarray  # in code order
    boundaries: np.ndarray

    @classmethod
    def around(cls, bounds: Bounds | None) -> "Counties":
        """The counties whose boundary meets `bounds` (storage lon/lat), all of them without bounds."""
        sql = "SELECT code, ST_AsBinary(boundary) FROM geo_region WHERE level = 'county' AND boundary IS NOT NULL"
        with connection.cursor() as cursor:
            if bounds is None:
                cursor.execute(f"{sql} ORDER BY code")
            else:
                cursor.execute(
                    f"{sql} AND boundary && ST_MakeEnvelope(%s, %s, %s, %s, %s) ORDER BY code", [*bounds, SRID]
                )
            rows = cursor.fetchall()
        return cls(
            codes=np.array([code for code, _wkb in rows], dtype=object),
            boundaries=shapely.from_wkb([bytes(wkb) for _code, wkb in rows]),
        )

    def covering(self, points: np.ndarray) -> pa.Array:
        """The county code covering each point (the lowest where boundaries overlap), null outside all of them."""
        result = np.full(len(points), None, dtype=object)
        if len(self.codes):
            county_index, point_index = shapely.STRtree(points).query(self.boundaries, predicate="covers")
            # A point on a shared border is covered by both counties: the lowest code wins (they are in code order).
            order = np.lexsort((county_index, point_index))
            point_index, county_index = point_index[order], county_index[order]
            first = np.unique(point_index, return_index=True)[1]
            result[point_index[first]] = self.codes[county_index[first]]
        return pa.array(result, type=pa.string())


def _spec(name: str) -> f.FieldSpec:
    return next(spec for spec in SPECS if spec.target == name)
