"""Importing points of interest for the surroundings of parcels; categories by our key or their Chinese name."""

import hashlib

from django.utils.translation import gettext as _

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
from geo.models import Amenity

CATEGORY_NAMES = {
    "学校": "school",
    "中学": "school",
    "小学": "school",
    "幼儿园": "school",
    "医院": "hospital",
    "诊所": "clinic",
    "卫生院": "clinic",
    "社区卫生服务中心": "clinic",
    "地铁站": "metro_station",
    "公交站": "bus_stop",
    "公园": "park",
    "购物": "shopping",
    "商场": "shopping",
    "超市": "shopping",
    "银行": "bank",
    "政务服务": "government_service",
    "政府机构": "government_service",
    "高速出入口": "highway_entrance",
    "产业园区": "industrial_park",
    "工业园区": "industrial_park",
    "火车站": "railway_station",
    "机场": "airport",
    "市政设施": "utility",
    **{choice.value: choice.value for choice in Amenity.Category},
}

SPECS = [
    f.FieldSpec("code", ("id", "poi_id", "osm_id", "编号"), f.text(64)),
    f.FieldSpec("category", ("type", "类别", "分类", "fclass", "kind"), f.choice(CATEGORY_NAMES)),
    f.FieldSpec("name", ("名称", "mc", "title"), f.text(255), required=True),
]
STAGING_COLUMNS = [("code", "text"), ("geom", geometry_column("Point")), ("category", "text"), ("name", "text")]
UPSERT_SQL = """
    INSERT INTO geo_amenity (code, category, name, location, source, updated_at)
    SELECT s.code, s.category, s.name, s.geom, %(source)s, now() FROM geo_amenity_staging s
    ON CONFLICT (code) DO UPDATE SET category = EXCLUDED.category, name = EXCLUDED.name,
           location = EXCLUDED.location, source = EXCLUDED.source, updated_at = now()
    RETURNING (xmax = 0) AS inserted, false AS flagged
"""


# Points of the file, or stored points the file would move, that no boundary of the importer's regions covers.
OUTSIDE_SCOPE_SQL = """
    SELECT count(*) FROM geo_amenity_staging s LEFT JOIN geo_amenity a USING (code)
     WHERE NOT EXISTS (SELECT 1 FROM geo_region r WHERE r.code = ANY(%(codes)s) AND ST_Covers(r.boundary, s.geom))
        OR (a.code IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM geo_region r WHERE r.code = ANY(%(codes)s) AND ST_Covers(r.boundary, a.location)))
"""


def derived_code(category: str, name: str, lon: float, lat: float) -> str:
    """A stable code for points without one: the same category, name and position (to ~0.1 m) give the same code."""
    key = f"{category}|{name}|{lon:.6f}|{lat:.6f}".encode()
    return "poi-" + hashlib.sha1(key, usedforsecurity=False).hexdigest()[:20]


def import_amenities_source(source: Source, *, options: ImportOptions, progress: Progress, report: FileReport) -> None:
    prepared = prepare_geometries(source, srs=options.srs, kind="point")
    report.crs = prepared.crs_label
    values = f.read_field_lists(source, SPECS, options.fields)
    if options.category:
        try:
            fixed = f.choice(CATEGORY_NAMES, blank=False)(options.category)
        except f.FieldValueError as exc:
            raise ImportRefused(f"{source.name}: --category: {exc}", fields={"category": []}) from exc
        values["category"] = [fixed] * source.count
    for index, category in enumerate(values["category"]):
        if not category:
            raise ImportRefused(
                _(
                    "{file}: feature {feature}: no category; name the attribute with --category-field or give "
                    "--category"
                ).format(file=source.name, feature=source.feature_label(index)),
                fields={"category": [{"code": "required", "message": "required"}]},
            )
    lons, lats = prepared.geometries_xy()
    codes = [
        code or derived_code(values["category"][i], values["name"][i], float(lons[i]), float(lats[i]))
        for i, code in enumerate(values["code"])
    ]
    f.refuse_duplicates(source, codes)
    copy_into_staging(
        table="geo_amenity_staging",
        columns=STAGING_COLUMNS,
        values=[codes, wkb_hex(prepared.geometries), values["category"], values["name"]],
        progress=progress,
    )
    refuse_outside_scope(scope=options.scope, file=source.name, what=_("amenities"), count_sql=OUTSIDE_SCOPE_SQL)
    report.inserted, report.updated, _flagged = execute_counting(UPSERT_SQL, {"source": source_label(source.path)})
