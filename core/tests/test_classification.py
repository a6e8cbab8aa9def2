"""The data classification covers every field once, and every public output draws only on public fields."""

import pytest
from django.apps import apps
from django_elasticsearch_dsl import Document
from rest_framework import serializers

from auctions.api.public import (
    AnnouncementDocumentOutput,
    AnnouncementLinkOutput,
    AnnouncementPublicOutput,
    CentreOutput,
    LotPublicOutput,
    LotResultPublicOutput,
    LotSummaryOutput,
)
from core.classification import CLASSIFICATION, Audience, fields_for, public_columns, public_fields
from geo.api import RegionDetailApi, RegionListApi
from geo.models import Parcel
from geo.ogc.queries import COLLECTIONS
from geo.serializers import ParcelFeatureOutput, ParcelStaffFeatureOutput
from market.api.demand import DemandOutput
from market.api.policies import PolicySummaryOutput
from market.api.pre_announcements import PreAnnouncementOutput
from market.documents import DemandDocument, SupplyListingDocument
from market.serializers_supply import AttachmentOutput, SupplyItemOutput, SupplyPublicOutput
from search import notice_documents
from search import selectors as search_selectors
from search.notice_serializers import NoticeCentreOutput, NoticeLotOutput, NoticeResultOutput
from search.serializers import DemandResultOutput, SupplyResultOutput
from tiles.layers import COMPUTED, LAYERS

CLASSIFIED_APPS = ("geo", "market", "accounts", "auctions", "contracts")

# Each public output and the model whose record it shows.
PUBLIC_OUTPUTS: list[tuple[type[serializers.Serializer], str]] = [
    (ParcelFeatureOutput, "geo.Parcel"),
    (RegionListApi.Output, "geo.Region"),
    (RegionDetailApi.Output, "geo.Region"),
    (SupplyItemOutput, "market.SupplyListing"),
    (SupplyPublicOutput, "market.SupplyListing"),
    (AttachmentOutput, "market.SupplyAttachment"),
    (DemandOutput, "market.Demand"),
    (PreAnnouncementOutput, "market.PreAnnouncement"),
    (PolicySummaryOutput, "market.PolicyDocument"),
    (SupplyResultOutput, "market.SupplyListing"),
    (DemandResultOutput, "market.Demand"),
    # The notices (交易公示): the search's results and the public reads of announcements and lots.
    (NoticeResultOutput, "auctions.Announcement"),
    (NoticeLotOutput, "auctions.Lot"),
    (NoticeCentreOutput, "auctions.TradingCentre"),
    (AnnouncementPublicOutput, "auctions.Announcement"),
    (AnnouncementLinkOutput, "auctions.Announcement"),
    (AnnouncementDocumentOutput, "auctions.AnnouncementDocument"),
    (LotSummaryOutput, "auctions.Lot"),
    (LotPublicOutput, "auctions.Lot"),
    (CentreOutput, "auctions.TradingCentre"),
    (LotResultPublicOutput, "auctions.LotResult"),
]
# Search document fields computed from public fields, or holding them under another name.
DOCUMENT_DERIVED = {
    "text",  # title, address, region and land-use names (and a demand's description)
    "row",  # the result row: checked below against search.selectors' values
    "region_province",
    "region_city",
    "region_county",
    "land_use_major",
    "heat",
    "certified",
    "unit_price_wan",
}


def _model_field(label: str, name: str) -> str | None:
    """The model field a name (or attribute name such as `region_id`) stands for, or None when it is none."""
    for field in apps.get_model(label)._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field.name
    return None


def _drawn_on(serializer: serializers.Serializer, label: str) -> set[str]:
    """The model fields an output's fields show: by source (its first part), or by name for method fields; fields
    with source "*" (nested outputs of the same record) by their own fields."""
    shown: set[str] = set()
    for name, field in serializer.fields.items():
        if field.source == "*" and isinstance(field, serializers.Serializer):
            shown |= _drawn_on(field, label)
            continue
        source = name if field.source in ("*", None) else str(field.source).split(".")[0]
        if (model_field := _model_field(label, source)) is not None:
            shown.add(model_field)
    return shown


def test_every_field_of_every_model_of_geo_market_and_accounts_is_in_exactly_one_class():
    models = [model for app in CLASSIFIED_APPS for model in apps.get_app_config(app).get_models()]
    assert {model._meta.label for model in models} == set(CLASSIFICATION)
    for model in models:
        classes = CLASSIFICATION[model._meta.label]
        concrete = {field.name for field in model._meta.concrete_fields}
        classified = concrete | classes.public | classes.owner | classes.staff
        times = {name: sum(name in c for c in (classes.public, classes.owner, classes.staff)) for name in classified}
        assert {name: n for name, n in times.items() if n != 1} == {}, model._meta.label  # 0: unclassified
        assert classified == concrete, model._meta.label  # no stale names
        assert classes.masked <= classes.owner | classes.staff, model._meta.label


def test_each_audience_sees_its_own_fields_and_those_below():
    classes = CLASSIFICATION["geo.Parcel"]

    assert fields_for(Parcel, Audience.PUBLIC) == classes.public
    assert "certificate_number" not in fields_for(Parcel, Audience.OWNER)
    assert fields_for(Parcel, Audience.STAFF) == classes.public | classes.owner | classes.staff
    assert fields_for("market.Demand", Audience.OWNER) >= {"contact_phone", "title"}


@pytest.mark.parametrize(("output", "label"), PUBLIC_OUTPUTS, ids=lambda value: getattr(value, "__name__", value))
def test_a_public_output_shows_public_fields_or_masked_ones(output: type[serializers.Serializer], label: str):
    classes = CLASSIFICATION[label]

    assert _drawn_on(output(), label) - classes.public - classes.masked == set()


def test_the_parcel_output_for_staff_adds_only_staff_fields():
    added = set(ParcelStaffFeatureOutput.Meta.fields) - set(ParcelFeatureOutput.Meta.fields)

    assert added == CLASSIFICATION["geo.Parcel"].staff


def test_ogc_collections_publish_exactly_the_public_non_geometry_fields():
    for collection in COLLECTIONS.values():
        assert collection.properties == public_columns(collection.model)
        public = public_fields(collection.model)
        assert {_model_field(collection.model._meta.label, name) for name in collection.properties} <= public
    assert "certificate_number" not in COLLECTIONS["parcels"].properties


def test_tile_attributes_are_public_fields_of_their_layers_model():
    for layer in LAYERS.values():
        for source in layer.source_layers:
            drawn = {source.drawn_from.get(name, name) for name in source.fields} - {COMPUTED}
            assert drawn - public_fields(source.model) == set(), (layer.name, source.id)


@pytest.mark.parametrize(
    ("document", "label"), [(SupplyListingDocument, "market.SupplyListing"), (DemandDocument, "market.Demand")]
)
def test_search_documents_hold_public_fields_only(document: type[Document], label: str):
    fields = set(document._doc_type.mapping.properties.to_dict()["properties"])
    renamed = {"mode": "kind", "published_at": "registered_at"} if label == "market.Demand" else {}
    drawn = {renamed.get(name, name) for name in fields - DOCUMENT_DERIVED}

    assert drawn - public_fields(label) == set()


@pytest.mark.parametrize(
    ("values", "label"),
    [(search_selectors._SUPPLY_VALUES, "market.SupplyListing"), (search_selectors._DEMAND_VALUES, "market.Demand")],
)
def test_search_result_rows_kept_in_the_documents_hold_public_fields_only(values: tuple[str, ...], label: str):
    assert {_model_field(label, name) for name in values} - public_fields(label) == set()


def test_the_notice_document_holds_public_fields_of_the_announcement_and_its_lot_only():
    fields = set(notice_documents.NoticeDocument._doc_type.mapping.properties.to_dict()["properties"])
    announcement = {**notice_documents.ANNOUNCEMENT_FIELDS, **notice_documents.ANNOUNCEMENT_FOLDED}

    results = set(notice_documents.RESULT_FIELDS) | notice_documents.WINNER_FIELDS  # a result's (published identity)
    assert fields == set(announcement) | set(notice_documents.LOT_FIELDS) | notice_documents.DERIVED | results
    assert all(name in public_fields(label) for label, name in notice_documents.RESULT_FIELDS.values())
    assert set(announcement.values()) <= public_fields("auctions.Announcement")
    assert set(notice_documents.LOT_FIELDS.values()) <= public_fields("auctions.Lot")
