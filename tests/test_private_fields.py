"""Canary: owner- and staff-only values (core.classification) never reach anonymous visitors or signed-in
non-owners, on any GET route of the URL conf (API, OGC, tiles, search, pages), nor the search index."""

import itertools
import json
import math
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import mapbox_vector_tile  # type: ignore[import-untyped]
import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from elasticsearch import Elasticsearch

from accounts.models import Message, RealNameVerification, User
from accounts.tests.factories import user_create
from auctions.models import (
    Bank,
    BidApplication,
    DepositAccount,
    DepositArrival,
    DepositMovement,
    Entrustment,
    Lot,
    LotResult,
    LotTrading,
    Qualification,
)
from contracts.models import Contract
from contracts.tests.factories import coded_contract, contract_create, revocation_create
from geo.models import SRID, Amenity, ImportJob, Parcel
from geo.tests.factories import parcel_create, sichuan_tree, square
from market.models import (
    Demand,
    IntentionQuote,
    PolicyDocument,
    PreAnnouncement,
    SupplyAttachment,
    SupplyListing,
    ViewingAppointment,
)
from market.tests.factories import supply_create
from search import indexing
from search.tests.notices_world import announcement_create, notice_with_document
from tiles.layers import LAYERS

# Owner- and staff-only values, each unique; phones are mobile numbers, as their fields require.
PHONES = {
    "owner_user_phone": "13911170231",
    "seeker_user_phone": "13911170232",
    "supply_owner_phone": "13911170233",
    "supply_agent_phone": "13911170234",
    "demand_contact_phone": "13911170235",
    "pre_announcement_contact_phone": "13911170236",
    "appointment_phone": "13911170237",
    "application_contact_phone": "13911170238",  # a bid application: its bidder's and its centre's
    "winner_user_phone": "13911170239",  # the winner of the world's lot: only its bidder number and name are published
    "contract_b_phone": "13911170240",  # party B of a coded direct contract: the parties' and the authority's
}
TEXTS = {
    "parcel_certificate_number": "QZXPARCELCERT0001",
    "parcel_registration_authority": "QZXPARCELREGAUTH0002",
    "parcel_unit_number": "QZXPARCELUNIT0003",
    "supply_certificate_number": "QZXSUPPLYCERT0004",
    "supply_registration_authority": "QZXSUPPLYREGAUTH0005",
    "supply_unit_number": "QZXSUPPLYUNIT0006",
    "supply_owner_name": "QZXOWNERNAME0007",
    "supply_owner_id_number": "QZXOWNERID0008",
    "supply_owner_address": "QZXOWNERADDR0009",
    "supply_agent_id_number": "QZXAGENTID0010",
    "supply_agent_address": "QZXAGENTADDR0011",
    "supply_reason": "QZXSUPPLYREASON0012",
    "document_name": "QZXDOCUMENT0013.pdf",
    "demand_reason": "QZXDEMANDREASON0014",
    "pre_announcement_id_number": "QZXPREID0015",
    "pre_announcement_reason": "QZXPREREASON0016",
    "user_real_name": "QZXREALNAME0017",
    "user_contact_address": "QZXUSERADDR0018",
    "user_email": "qzxmail0019@example.com",
    "verification_id_number": "QZXVERIFYID0020",
    "appointment_name": "QZXVISITOR0021",
    "message_title": "QZXMESSAGE0022",
    "import_report": "QZXIMPORTREPORT0023",
    "quoter_real_name": "QZXQUOTER0024",
    "lot_reason": "QZXLOTREASON0025",  # staff-only: why a grantor's lot was returned
    "draft_announcement_title": "QZXDRAFTNOTICE0026",  # a draft change announcement: nobody's business yet
    "entrustment_owner_address": "QZXENTRUSTADDR0027",  # an entrustment: its owner's and its centre's
    "entrustment_title": "QZXENTRUSTTITLE0028",
    "deposit_account_number": "QZXDEPOSITACCOUNT0029",  # a bid application's deposit sub-account
    "application_address": "QZXAPPLYADDR0030",
    "refund_account": "QZXREFUNDACCOUNT0031",  # where a bidder's deposit is refunded: its own and its centre's
    "winner_address": "QZXWINNERADDR0032",  # the winning application's address: the winner's and its centre's
    # a coded direct contract (its verification page and 直接交易 entry are public): the parties' data stays theirs
    "contract_a_name": "QZXCONTRACTA0033",
    "contract_b_name": "QZXCONTRACTB0034",
    "contract_a_id_number": "QZXCONTRACTAID0035",
    "contract_b_id_number": "QZXCONTRACTBID0036",
    "contract_b_account": "QZXCONTRACTACCT0037",
    "contract_payment_schedule": "QZXCONTRACTPAY0038",
    "contract_plane_boundary": "QZXCONTRACTPLANE0039",
}
SENTINELS = {**PHONES, **TEXTS}
MASKED_PHONE = re.compile(r"1[3-9][0-9]\*{4}[0-9]{4}")

# GET routes the walker does not request, each with its reason.
SKIPPED = {
    "admin/": "the staff admin site: every page redirects anonymous and non-staff callers to its login",
    "api/auth/captcha/<slug:key>.png": "a captcha image under a random key: no stored data",
    "api/schema/": "the OpenAPI schema: no records",
    "api/schema/swagger-ui/": "the schema's viewer: no records",
    "api/schema/redoc/": "the schema's viewer: no records",
    "api/auctions/lots/<int:lot_id>/events/": "an endless event stream: auctions/tests/test_live.py reads it (trading"
    " entries by bidder number only)",
}
ZOOMS = (8, 12, 16)  # clusters, the parcels' first zoom, single features


@dataclass
class World:
    parcel: Parcel
    listing: SupplyListing
    demand: Demand
    pre_announcement: PreAnnouncement
    verification: RealNameVerification
    params: dict[str, list[Any]]
    tiles: list[tuple[int, int, int]]


def _tile(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return z, int((lon + 180) / 360 * n), int(y)


@pytest.fixture
def world(db: Any) -> World:
    regions = sichuan_tree()
    jinjiang = regions["510104"]
    owner = user_create(phone=PHONES["owner_user_phone"], real_name=TEXTS["user_real_name"])
    User.objects.filter(pk=owner.pk).update(contact_address=TEXTS["user_contact_address"], email=TEXTS["user_email"])
    verification = RealNameVerification.objects.create(
        user=owner, kind=User.Kind.INDIVIDUAL, name="王五", id_number=TEXTS["verification_id_number"]
    )
    quoter = user_create(phone=PHONES["seeker_user_phone"], real_name=TEXTS["quoter_real_name"])
    parcel = parcel_create(
        code="510104001001GB09999",
        geometry=square(104.10, 30.60, 0.004),  # about 385 m × 445 m
        region=jinjiang,
        land_use="0501",
        certificate_number=TEXTS["parcel_certificate_number"],
        registration_authority=TEXTS["parcel_registration_authority"],
        unit_numbers=[TEXTS["parcel_unit_number"]],
    )
    Amenity.objects.create(code="A-1", category="school", name="学校", location=Point(104.101, 30.601, srid=SRID))
    listing = supply_create(
        owner=owner,
        region=jinjiang,
        status=SupplyListing.Status.CERTIFIED,
        parcel=parcel,
        location=parcel.centroid,
        certificate_number=TEXTS["supply_certificate_number"],
        registration_authority=TEXTS["supply_registration_authority"],
        unit_numbers=[TEXTS["supply_unit_number"]],
        owner_name=TEXTS["supply_owner_name"],
        owner_id_number=TEXTS["supply_owner_id_number"],
        owner_address=TEXTS["supply_owner_address"],
        owner_phone=PHONES["supply_owner_phone"],
        agent_id_number=TEXTS["supply_agent_id_number"],
        agent_address=TEXTS["supply_agent_address"],
        agent_phone=PHONES["supply_agent_phone"],
        reason=TEXTS["supply_reason"],
    )
    document = SupplyAttachment.objects.create(
        listing=listing,
        kind=SupplyAttachment.Kind.IDENTITY_PROOF,
        file=f"supply/test/{uuid.uuid4().hex}.pdf",
        original_name=TEXTS["document_name"],
        content_type="application/pdf",
        size=10,
        uploaded_by=owner,
    )
    IntentionQuote.objects.create(listing=listing, user=quoter, amount_wan=Decimal("1300"))
    ViewingAppointment.objects.create(
        listing=listing,
        user=quoter,
        name=TEXTS["appointment_name"],
        phone=PHONES["appointment_phone"],
        visit_at=timezone.now(),
    )
    now = timezone.now()
    demand = Demand.objects.create(
        owner=owner,
        created_by=owner,
        kind=Demand.Kind.PURCHASE,
        status=Demand.Status.REGISTERED,
        title="求购锦江区商服用地",
        region=jinjiang,
        location=Point(104.102, 30.602, srid=SRID),
        land_use="0501",
        contact_name="张三",
        contact_phone=PHONES["demand_contact_phone"],
        reason=TEXTS["demand_reason"],
        registered_at=now,
    )
    pre_announcement = PreAnnouncement.objects.create(
        owner=owner,
        status=PreAnnouncement.Status.PUBLISHED,
        title="锦江区闲置土地预公告",
        contract_number="510104-2020-001",
        region=jinjiang,
        address="锦江区东大街1号",
        area_m2=Decimal(3000),
        land_use="0501",
        use_years=40,
        supply_method="挂牌出让",
        transferor="某某公司",
        contact_phone=PHONES["pre_announcement_contact_phone"],
        id_type="营业执照",
        id_number=TEXTS["pre_announcement_id_number"],
        reason=TEXTS["pre_announcement_reason"],
        published_at=now,
    )
    policy = PolicyDocument.objects.create(
        title="政策", category="law", body="正文", published_at=now, created_by=owner
    )
    Message.objects.create(user=owner, title=TEXTS["message_title"])
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.PARCELS,
        file="imports/x/p.geojson",
        report={"note": TEXTS["import_report"]},
        created_by=owner,
    )
    notice, notice_document = notice_with_document(jinjiang.code)  # a published announcement of a lot
    Lot.objects.filter(pk=notice.lot_id).update(reason=TEXTS["lot_reason"])
    announcement_create(
        notice.lot, "", None, status="draft", kind="change", supersedes=notice, title=TEXTS["draft_announcement_title"]
    )
    entrustment = Entrustment.objects.create(
        owner=owner,
        created_by=owner,
        listing=listing,
        mode="transfer",
        region=jinjiang,
        status="draft",
        title=TEXTS["entrustment_title"],
        owner_address=TEXTS["entrustment_owner_address"],
    )
    entrustment_attachment = entrustment.attachments.create(
        kind="identity_proof",
        file="e.pdf",
        original_name="e.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=owner,
    )
    application = BidApplication.objects.create(
        lot_id=notice.lot_id,
        applicant=owner,
        created_by=owner,
        contact_name="王五",
        contact_phone=PHONES["application_contact_phone"],
        address=TEXTS["application_address"],
        submitted_at=now,
    )
    bank = Bank.objects.create(code="CANARY", name="金丝雀银行")
    account = DepositAccount.objects.create(application=application, bank=bank, number=TEXTS["deposit_account_number"])
    arrival = DepositArrival.objects.create(
        bank=bank,
        serial="CANARY-1",
        account_number=account.number,
        account=account,
        amount_yuan=Decimal("100.00"),
        payer_name="王五",
        payer_account=TEXTS["refund_account"],
        arrived_at=now,
        received_at=now,
        counted=True,
    )
    DepositMovement.objects.create(
        arrival=arrival,
        kind="refund",
        cause="lost",
        amount_yuan=arrival.amount_yuan,
        to_account=TEXTS["refund_account"],
        created_at=now,
    )
    _deal(notice.lot_id, now)
    contract = contract_create(initiator=owner, region=jinjiang, status=Contract.Status.IN_REVIEW)
    coded = coded_contract(
        region=jinjiang,
        initiator=owner,
        a_name=TEXTS["contract_a_name"],
        b_name=TEXTS["contract_b_name"],
        a_id_number=TEXTS["contract_a_id_number"],
        b_id_number=TEXTS["contract_b_id_number"],
        b_phone=PHONES["contract_b_phone"],
        b_account=TEXTS["contract_b_account"],
        payment_schedule=TEXTS["contract_payment_schedule"],
        plane_boundary=TEXTS["contract_plane_boundary"],
    )
    revocation = revocation_create(coded)
    lon, lat = parcel.centroid.x, parcel.centroid.y
    return World(
        parcel=parcel,
        listing=listing,
        demand=demand,
        pre_announcement=pre_announcement,
        verification=verification,
        params={
            "listing_id": [listing.pk],
            "demand_id": [demand.pk],
            "pre_announcement_id": [pre_announcement.pk],
            "policy_id": [policy.pk],
            "attachment_id": [document.pk],
            "job_id": [job.pk],
            "pk": [verification.pk],
            "code": [jinjiang.code, parcel.code],
            "collection_id": ["regions", "parcels", "amenities"],
            "feature_id": [jinjiang.code, parcel.code, "A-1"],
            "layer": list(LAYERS),
            "announcement_id": [notice.pk],
            "lot_id": [notice.lot_id],
            "document_id": [notice_document.pk],
            "entrustment_id": [entrustment.pk],
            "entrustment_attachment_id": [entrustment_attachment.pk],
            "application_id": [application.pk],
            "centre_id": [Lot.objects.get(pk=notice.lot_id).centre_id],
            "contract_id": [contract.pk],
            "contract_attachment_id": [contract.attachments.values_list("pk", flat=True)[0]],
            "revocation_id": [revocation.pk],
            "revocation_document_id": [revocation.documents.values_list("pk", flat=True)[0]],
            "token": [coded.verify_token],
            "number": [coded.number],
        },
        tiles=[_tile(lon, lat, z) for z in ZOOMS],
    )


def _deal(lot_id: int, now: Any) -> None:
    """The lot closed in a deal won by a bidder whose name (published) is no canary and whose phone and address are."""
    winner = user_create(phone=PHONES["winner_user_phone"], real_name="竞得人甲")
    application = BidApplication.objects.create(
        lot_id=lot_id,
        applicant=winner,
        created_by=winner,
        contact_name="竞得人甲",
        contact_phone="13800138000",
        address=TEXTS["winner_address"],
        status=BidApplication.Status.APPROVED,
        submitted_at=now,
        decided_at=now,
    )
    winning = Qualification.objects.create(
        application=application, lot_id=lot_id, bidder_number="246810", issued_at=now
    )
    LotTrading.objects.create(lot_id=lot_id, closed_at=now, outcome=LotTrading.Outcome.DEAL)
    LotResult.objects.create(lot_id=lot_id, outcome="deal", winner=winning, price_wan=1300, decided_at=now)


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _answers_get(pattern: URLPattern) -> bool:
    view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    return view is None or hasattr(view, "get")


def _paths(route: str, world: World) -> list[str]:
    """Every path of a route with its parameters filled from the world's objects; AssertionError for a parameter
    the walker cannot fill."""
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    tile = {"z", "x", "y"} <= set(names)
    others = [name for name in names if not (tile and name in "zxy")]
    unfilled = [name for name in others if name not in world.params]
    assert not unfilled, f"{route}: no value for {unfilled}; fill it in `world` or list the route in SKIPPED"
    paths = []
    for values in itertools.product(*(world.params[name] for name in others)):
        for z, x, y in world.tiles if tile else [(0, 0, 0)]:
            filled = dict(zip(others, values, strict=True)) | {"z": z, "x": x, "y": y}
            path = route
            for name, value in filled.items():
                path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
            paths.append("/" + path)
    return paths


def _body(response: Any) -> str:
    """The response as text; a vector tile decoded to JSON."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.mapbox-vector-tile") and content:
        return json.dumps(mapbox_vector_tile.decode(content), default=str, ensure_ascii=False)
    return content.decode("utf-8", errors="replace")


def _leaks(text: str) -> list[str]:
    return [name for name, value in SENTINELS.items() if value in text or value.lower() in text.lower()]


@pytest.fixture
def search_index(settings: Any, world: World) -> Iterator[str]:
    """Indices of this test only holding the world's listing and demand."""
    settings.SEARCH_INDEX_PREFIX = f"{settings.SEARCH_INDEX_PREFIX}_canary_{uuid.uuid4().hex[:8]}"
    indexing.ensure_indices()
    indexing.index_now("supply", [world.listing.pk])
    indexing.index_now("demand", [world.demand.pk])
    indexing.index_now("notice", world.params["announcement_id"])
    yield settings.SEARCH_INDEX_PREFIX
    indexing.delete_indices()


def test_no_private_value_reaches_anonymous_visitors_or_signed_in_non_owners_on_any_get_route(
    world: World, search_index: str, clear_cache: None
):
    stranger = user_create(real_name="路人")
    callers = {"anonymous": Client(), "non-owner": Client()}
    callers["non-owner"].force_login(stranger)
    leaks: list[str] = []
    statuses: dict[str, int] = {}
    checked = 0
    for route, pattern in _routes(get_resolver().url_patterns):
        if not _answers_get(pattern) or any(route == skip or route.startswith(skip) for skip in SKIPPED):
            continue
        for path in _paths(route, world):
            for caller, client in callers.items():
                response = client.get(path)
                checked += 1
                statuses[f"{caller} {path}"] = response.status_code
                leaks += [f"{caller} GET {path}: {name}" for name in _leaks(_body(response))]

    assert leaks == []
    # The walk saw the records, so the absence of leaks means something: their public routes answered 200.
    public = [
        f"/api/geo/parcels/{world.parcel.code}/",
        "/api/geo/parcels/",
        f"/ogc/collections/parcels/items/{world.parcel.code}",
        "/ogc/collections/parcels/items",
        f"/api/market/supply/{world.listing.pk}/",
        f"/api/market/demand/{world.demand.pk}/",
        f"/api/market/pre-announcements/{world.pre_announcement.pk}/",
        f"/api/market/supply/{world.listing.pk}/quotes/",
        "/api/search/supply",
        "/api/search/demand",
        "/tiles/parcels/{}/{}/{}.mvt".format(*world.tiles[-1]),
        f"/supply/{world.listing.pk}/",
        f"/parcels/{world.parcel.code}/",
        "/api/search/notices",
        "/notices/",
        f"/notices/{world.params['announcement_id'][0]}/",
        f"/lots/{world.params['lot_id'][0]}/",
        f"/api/auctions/announcements/{world.params['announcement_id'][0]}/",
        f"/api/auctions/lots/{world.params['lot_id'][0]}/",
        f"/results/{world.params['lot_id'][0]}/",  # the lot's deal (成交公示)
        f"/api/auctions/lots/{world.params['lot_id'][0]}/protocol/",
        "/api/auctions/roots/",  # the published roots (their leaves are never shown)
        "/roots/",
        f"/contracts/verify/{world.params['token'][0]}/",  # a coded contract's verification page
        f"/api/contracts/verify/{world.params['token'][0]}/",
        f"/direct-deals/{world.params['number'][0]}/",  # and its 直接交易 entry
        f"/api/contracts/direct/{world.params['number'][0]}/",
    ]
    assert {path: statuses[f"anonymous {path}"] for path in public} == dict.fromkeys(public, 200)
    assert checked >= 240  # 124 paths × 2 callers when written


def test_a_page_that_shows_a_contact_shows_it_masked(world: World, clear_cache: None):
    demand = Client().get(f"/api/market/demand/{world.demand.pk}/").json()
    pre_announcement = Client().get(f"/api/market/pre-announcements/{world.pre_announcement.pk}/").json()
    listing = Client().get(f"/api/market/supply/{world.listing.pk}/").json()

    assert demand["contact_phone"] == "139****0235"
    assert pre_announcement["contact_phone"] == "139****0236"
    assert listing["agent_phone_masked"] == "139****0234"
    assert "parcel_id" not in listing


def test_owners_and_reviewers_in_scope_see_contacts_in_full_and_reviewers_elsewhere_do_not(
    world: World, clear_cache: None
):
    owner, reviewer, elsewhere = Client(), Client(), Client()
    owner.force_login(world.demand.owner)
    reviewer.force_login(user_create(role=User.Role.REVIEWER, regions=["510104"]))
    elsewhere.force_login(user_create(role=User.Role.REVIEWER, regions=["510107"]))
    demand, pre = (
        f"/api/market/demand/{world.demand.pk}/",
        f"/api/market/pre-announcements/{world.pre_announcement.pk}/",
    )

    for client in (owner, reviewer):
        assert client.get(demand).json()["contact_phone"] == PHONES["demand_contact_phone"]
        assert client.get(pre).json()["contact_phone"] == PHONES["pre_announcement_contact_phone"]
    assert elsewhere.get(demand).json()["contact_phone"] == "139****0235"
    assert elsewhere.get(pre).json()["contact_phone"] == "139****0236"


def test_gis_staff_of_the_parcels_region_see_its_certificate_and_others_do_not(world: World, clear_cache: None):
    in_scope, elsewhere = Client(), Client()
    in_scope.force_login(user_create(role=User.Role.GIS_STAFF, regions=["510100"]))
    elsewhere.force_login(user_create(role=User.Role.GIS_STAFF, regions=["510700"]))
    path = f"/api/geo/parcels/{world.parcel.code}/"

    staff = in_scope.get(path).json()["properties"]
    assert staff["certificate_number"] == TEXTS["parcel_certificate_number"]
    assert staff["registration_authority"] == TEXTS["parcel_registration_authority"]
    assert staff["unit_numbers"] == [TEXTS["parcel_unit_number"]]
    assert "certificate_number" not in elsewhere.get(path).json()["properties"]


def test_the_search_index_holds_no_private_value_and_finds_nothing_by_one(world: World, search_index: str):
    client = Elasticsearch(settings.ELASTICSEARCH_URL)
    aliases = [indexing.index_alias(kind) for kind in ("supply", "demand")]
    hits = client.search(index=aliases, query={"match_all": {}}, size=100)["hits"]["hits"]
    by_value = client.search(
        index=aliases, query={"multi_match": {"query": " ".join(TEXTS.values()), "fields": ["*"]}}, size=10
    )["hits"]["hits"]

    assert sorted(hit["_id"] for hit in hits) == sorted([str(world.listing.pk), str(world.demand.pk)])
    assert [name for hit in hits for name in _leaks(json.dumps(hit["_source"], ensure_ascii=False))] == []
    assert by_value == []
    for value in (TEXTS["supply_certificate_number"], TEXTS["parcel_certificate_number"]):
        body = Client().get("/api/search/supply", {"keywords": value}).json()
        assert body["results"] == []
