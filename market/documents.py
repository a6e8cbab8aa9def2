"""Search documents of supply listings and demands (django-elasticsearch-dsl): the fields the index holds of a public
listing and how a row becomes one. search/indexing.py builds the indices (alias → dated index) and feeds them.

The cluster has no mapper-extras or x-pack-spatial modules, so there is no scaled_float (prices are doubles), no
search_as_you_type (titles have a keyword sub-field for prefix queries) and no geo_shape field: a listing is a
geo_point (its own location, else its parcel's centroid); polygon filters are geo_shape queries on that point.
"""

import copy
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet
from django_elasticsearch_dsl import Document, fields
from django_elasticsearch_dsl.registries import registry
from elasticsearch.dsl import MetaField, analyzer

from geo.reference import land_use_name
from market.models import Demand, SupplyListing
from search.selectors import first_photo, row_document

# The analyser chosen by measurement (search/analysis.py, search/tests/test_analysis.py): CJK width folding, lower
# case, CJK bigrams with unigrams; plugin filters from search/analysis-plugin. The default of every text field.
BIGRAM = analyzer("bigram", tokenizer="standard", filter=["land_cjk_width", "lowercase", "land_cjk_bigram"])
INDEX_SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,  # one node: one shard, no replicas
    "number_of_replicas": 0,
    "analysis": {"analyzer": {"default": BIGRAM.get_definition(), "bigram": BIGRAM.get_definition()}},
}


def index_settings() -> dict[str, Any]:
    """A fresh copy of the indices' settings (elasticsearch-dsl merges analysis into the dict it is given)."""
    return copy.deepcopy(INDEX_SETTINGS)


_ANNOTATIONS = {  # the region chain's names and the parcel's centroid without loading their geometries
    "region_name": F("region__name"),
    "region_parent_name": F("region__parent__name"),
    "region_grandparent_name": F("region__parent__parent__name"),
}


def region_levels(code: str | None) -> dict[str, str | None]:
    """A GB/T 2260 code's province, city and county codes, from the code itself (as the region filter's prefixes):
    510104 → 510000 / 510100 / 510104; a city-level code has no county, a province code neither."""
    if not code:
        return {"region": None, "region_province": None, "region_city": None, "region_county": None}
    return {
        "region": code,
        "region_province": code[:2] + "0000",
        "region_city": code[:4] + "00" if code[2:4] != "00" else None,
        "region_county": code if code[4:] != "00" else None,
    }


def _region_names(row: Any) -> list[str]:
    names = (row.region_grandparent_name, row.region_parent_name, row.region_name)
    return [name for name in names if name]


def _land_use_names(code: str) -> list[str]:
    if not code:
        return []
    names = [land_use_name(code[:2])]
    if len(code) > 2:
        names.append(land_use_name(code))
    return [name for name in names if name]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _point(point: Any) -> dict[str, float] | None:
    return None if point is None else {"lat": point.y, "lon": point.x}


def listing_text(*parts: str | None) -> str:
    """The combined text keywords are matched against: the parts joined by spaces, so no CJK run spans two."""
    return " ".join(part for part in parts if part)


class _ListingDocument(Document):
    class Meta:
        dynamic = MetaField("strict")  # a field not declared here is an error, not a guessed mapping

    id = fields.LongField()
    title = fields.TextField(analyzer=BIGRAM, fields={"keyword": fields.KeywordField(ignore_above=256)})
    text = fields.TextField(analyzer=BIGRAM)
    region = fields.KeywordField()
    region_province = fields.KeywordField()
    region_city = fields.KeywordField()
    region_county = fields.KeywordField()
    land_use = fields.KeywordField()
    land_use_major = fields.KeywordField()
    mode = fields.KeywordField()
    status = fields.KeywordField()
    published_at = fields.DateField()
    heat = fields.IntegerField()
    location = fields.GeoPointField()
    # What the listing's search result shows (search.selectors.row_document), kept but not indexed: a page of results
    # is built from the hits alone, without a database query.
    row = fields.ObjectField(enabled=False)

    def prepare(self, instance: Any) -> dict[str, Any]:
        data = super().prepare(instance)
        data.update(region_levels(instance.region_id))
        return data

    def prepare_land_use_major(self, instance: Any) -> str | None:
        return instance.land_use[:2] or None

    def prepare_land_use(self, instance: Any) -> str | None:
        return instance.land_use or None

    def prepare_region(self, instance: Any) -> str | None:
        return instance.region_id


@registry.register_document
class SupplyListingDocument(_ListingDocument):
    """A public supply listing (地源): published (属地未认证) or certified (属地认证)."""

    address = fields.TextField(analyzer=BIGRAM)
    certified = fields.BooleanField()
    area_m2 = fields.DoubleField()
    price_wan = fields.DoubleField()  # absent: 面议
    unit_price_wan = fields.DoubleField()  # 万元/m², absent without a price or an area

    class Index:
        # What django-elasticsearch-dsl's own commands would use; search/indexing.py resolves the alias at run time
        # from SEARCH_INDEX_PREFIX (tests change it) and builds dated indices behind it: use `search_reindex`.
        name = f"{settings.SEARCH_INDEX_PREFIX}_supply"
        settings = index_settings()

    class Django:
        model = SupplyListing
        ignore_signals = True  # search/signals.py writes the outbox; nothing indexes in the request path
        auto_refresh = False
        queryset_pagination = 2000

    def get_queryset(self) -> QuerySet[SupplyListing]:
        return (
            SupplyListing.objects.filter(status__in=SupplyListing.PUBLIC_STATUSES)
            .annotate(**_ANNOTATIONS, parcel_centroid=F("parcel__centroid"), first_photo=first_photo())
            .defer("outline")
            .order_by()
        )

    def should_index_object(self, obj: SupplyListing) -> bool:
        return obj.status in SupplyListing.PUBLIC_STATUSES

    def prepare_text(self, instance: SupplyListing) -> str:
        return listing_text(
            instance.title,
            instance.address,
            *_region_names(instance),
            *_land_use_names(instance.land_use),
        )

    def prepare_row(self, instance: SupplyListing) -> dict[str, Any]:
        return row_document("supply", instance)

    def prepare_certified(self, instance: SupplyListing) -> bool:
        return instance.status == SupplyListing.Status.CERTIFIED

    def prepare_area_m2(self, instance: SupplyListing) -> float | None:
        return _number(instance.area_m2)

    def prepare_price_wan(self, instance: SupplyListing) -> float | None:
        return _number(instance.price_wan)

    def prepare_unit_price_wan(self, instance: SupplyListing) -> float | None:
        if instance.price_wan is None or not instance.area_m2:
            return None
        return float(instance.price_wan / instance.area_m2)

    def prepare_heat(self, instance: SupplyListing) -> int:
        return instance.heat

    def prepare_location(self, instance: SupplyListing) -> dict[str, float] | None:
        point = instance.location  # `is None`, not `or`: a GEOS geometry's truth is its length (a call into GEOS)
        return _point(point if point is not None else getattr(instance, "parcel_centroid", None))


@registry.register_document
class DemandDocument(_ListingDocument):
    """A public demand (需求): registered. `mode` is its kind (purchase or lease), `published_at` its registration."""

    area_min_m2 = fields.DoubleField()
    area_max_m2 = fields.DoubleField()
    price_min_wan = fields.DoubleField()
    price_max_wan = fields.DoubleField()

    class Index:
        name = f"{settings.SEARCH_INDEX_PREFIX}_demand"
        settings = index_settings()

    class Django:
        model = Demand
        ignore_signals = True
        auto_refresh = False
        queryset_pagination = 2000

    def get_queryset(self) -> QuerySet[Demand]:
        return Demand.objects.filter(status__in=Demand.PUBLIC_STATUSES).annotate(**_ANNOTATIONS).order_by()

    def should_index_object(self, obj: Demand) -> bool:
        return obj.status in Demand.PUBLIC_STATUSES

    def prepare_text(self, instance: Demand) -> str:
        return listing_text(
            instance.title, *_region_names(instance), *_land_use_names(instance.land_use), instance.description
        )

    def prepare_row(self, instance: Demand) -> dict[str, Any]:
        return row_document("demand", instance)

    def prepare_mode(self, instance: Demand) -> str:
        return instance.kind

    def prepare_published_at(self, instance: Demand) -> Any:
        return instance.registered_at

    def prepare_area_min_m2(self, instance: Demand) -> float | None:
        return _number(instance.area_min_m2)

    def prepare_area_max_m2(self, instance: Demand) -> float | None:
        return _number(instance.area_max_m2)

    def prepare_price_min_wan(self, instance: Demand) -> float | None:
        return _number(instance.price_min_wan)

    def prepare_price_max_wan(self, instance: Demand) -> float | None:
        return _number(instance.price_max_wan)

    def prepare_heat(self, instance: Demand) -> int:
        return instance.view_count + instance.favourite_count

    def prepare_location(self, instance: Demand) -> dict[str, float] | None:
        return _point(instance.location)
