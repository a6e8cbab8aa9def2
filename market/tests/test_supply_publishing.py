"""Publishing supply on the map: the reviewing institution follows from the place, the applicant from the verified
identity, a form step is saved only when it validates, and a drawn outline is measured by the server on GRS80."""

import math
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import RealNameVerification
from accounts.tests.factories import user_create
from geo.services_listing import county_get
from market.models import ReviewingAuthority, SupplyListing
from market.services.institutions import institution_options
from market.tests.test_supply_helpers import (
    AGENT_ID_NUMBER,
    API,
    attach_required_documents,
    complete_fields,
    create_draft,
    inside,
    logged_in,
)

pytestmark = pytest.mark.django_db


def fields_of(response) -> dict:
    return response.json()["error"]["fields"]


def post(client: Client, url: str, data: dict, method: str = "post"):
    return getattr(client, method)(f"{API}{url}", data, content_type="application/json")


# ------------------------------------------------------------------------------------------------ 审核机构


def test_without_configured_authorities_the_one_option_is_the_countys_computed_name(regions):
    body = Client().get(f"{API}/supply/institutions/", {"region": "510104"}).json()

    assert body == {"region": "510104", "options": ["锦江区自然资源主管部门"]}


def test_the_configured_authorities_of_county_city_and_province_are_offered_nearest_first(regions):
    ReviewingAuthority.objects.create(region=regions["510000"], name="四川省自然资源厅")
    ReviewingAuthority.objects.create(region=regions["510104"], name="成都市锦江区规划和自然资源局")
    ReviewingAuthority.objects.create(region=regions["510100"], name="成都市规划和自然资源局")
    ReviewingAuthority.objects.create(region=regions["510703"], name="绵阳市涪城区自然资源局")  # another county

    body = Client().get(f"{API}/supply/institutions/", {"region": "510104"}).json()

    assert body["options"] == ["成都市锦江区规划和自然资源局", "成都市规划和自然资源局", "四川省自然资源厅"]
    assert institution_options(county=regions["510107"]) == ["成都市规划和自然资源局", "四川省自然资源厅"]


def test_the_institutions_of_a_region_that_is_not_a_county_are_refused(regions):
    response = Client().get(f"{API}/supply/institutions/", {"region": "510100"})

    assert response.status_code == 400
    assert fields_of(response)["region"][0]["code"] == "invalid"


def test_a_typed_institution_that_is_not_one_of_the_places_is_a_field_error_and_nothing_is_saved(regions, owner):
    response = post(
        logged_in(owner), "/supply/", {"mode": "transfer", **complete_fields(), "institution": "随便写的局"}
    )

    assert response.status_code == 400
    assert fields_of(response)["institution"][0]["code"] == "invalid_choice"
    assert not SupplyListing.objects.exists()


def test_a_configured_authority_of_the_places_city_is_accepted(regions, owner):
    ReviewingAuthority.objects.create(region=regions["510100"], name="成都市规划和自然资源局")

    body = create_draft(logged_in(owner), **{**complete_fields(), "institution": "成都市规划和自然资源局"})

    assert body["institution"] == "成都市规划和自然资源局"


def test_moving_the_place_to_another_county_drops_the_old_countys_institution(regions, owner):
    client = logged_in(owner)
    listing_id = create_draft(client, **complete_fields("510104"))["id"]

    response = post(client, f"/supply/{listing_id}/", {"location": list(inside("510107"))}, method="patch")

    assert response.status_code == 200, response.content
    assert response.json()["region"] == "510107"
    assert response.json()["institution"] == ""


def test_an_authority_renamed_after_the_draft_was_saved_stops_the_submission(regions, owner):
    authority = ReviewingAuthority.objects.create(region=regions["510104"], name="锦江区国土资源局")
    client = logged_in(owner)
    listing_id = create_draft(client, **{**complete_fields(), "institution": "锦江区国土资源局"})["id"]
    attach_required_documents(client, listing_id)
    authority.name = "锦江区规划和自然资源局"
    authority.save()

    response = client.post(f"{API}/supply/{listing_id}/submit/")

    assert response.status_code == 400
    assert fields_of(response)["institution"][0]["code"] == "invalid_choice"
    assert SupplyListing.objects.get(pk=listing_id).status == SupplyListing.Status.DRAFT


# ------------------------------------------------------------------------------------------------ 申请人 as verified


def test_the_applicant_is_the_verified_identity_whatever_the_request_claims(regions):
    owner = user_create(real_name="王五", phone="13911112222")
    RealNameVerification.objects.create(
        user=owner,
        kind="individual",
        name="王五",
        id_number=AGENT_ID_NUMBER,
        status=RealNameVerification.Status.APPROVED,
        reviewed_at=timezone.now(),
    )
    crafted = {
        "owner_nature": "enterprise",
        "owner_name": "别人的公司",
        "owner_id_type": "营业执照",
        "owner_id_number": "91510100MA61234567",
        "owner_phone": "13800000000",
    }

    body = create_draft(logged_in(owner), **{**complete_fields(), **crafted})
    identity = logged_in(owner).get(f"{API}/supply/identity/").json()

    listing = SupplyListing.objects.get(pk=body["id"])
    assert (
        listing.owner_nature,
        listing.owner_name,
        listing.owner_id_type,
        listing.owner_id_number,
        listing.owner_phone,
    ) == ("individual", "王五", "居民身份证", AGENT_ID_NUMBER, "13911112222")
    assert identity["verified"] is True
    assert identity["identity"]["owner_name"] == "王五"
    assert identity["identity"]["owner_id_number"] == AGENT_ID_NUMBER


def test_a_sub_account_publishes_as_its_verified_enterprise(regions):
    enterprise = user_create(kind="enterprise", real_name="成都某某置业有限公司")
    clerk = user_create(parent=enterprise, real_name="职员")

    body = create_draft(logged_in(clerk), **{**complete_fields(), "owner_name": "职员"})

    listing = SupplyListing.objects.get(pk=body["id"])
    assert (listing.owner_id, listing.owner_nature, listing.owner_name, listing.owner_phone) == (
        enterprise.pk,
        "enterprise",
        "成都某某置业有限公司",
        enterprise.phone,
    )


def test_an_unverified_user_learns_it_from_the_identity_api_and_cannot_save(regions):
    newcomer = user_create(verified=False)
    client = logged_in(newcomer)

    identity = client.get(f"{API}/supply/identity/").json()
    response = post(client, "/supply/", {"mode": "transfer", **complete_fields()})

    assert identity == {"verified": False, "verification": None, "identity": None}
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_required"


# ------------------------------------------------------------------------------------------------ 下一步


def test_next_on_an_empty_first_step_saves_nothing_and_names_every_required_field(regions, owner):
    response = post(logged_in(owner), "/supply/", {"mode": "transfer", "step": 1})

    assert response.status_code == 400
    fields = fields_of(response)
    assert set(fields) == {
        "land_nature", "region", "use_right_type", "land_type", "land_use", "area_m2", "right_end_date", "address",
        "certificate_type", "certificate_number", "registration_authority", "with_buildings", "institution",
        "location",
    }  # fmt: skip
    assert not SupplyListing.objects.exists()


def test_next_on_the_applicant_step_saves_nothing_until_it_is_complete(regions, owner):
    client = logged_in(owner)
    step_one = {name: value for name, value in complete_fields().items() if not name.startswith(("owner_", "agent_"))}
    listing_id = post(client, "/supply/", {"mode": "transfer", "step": 1, **step_one}).json()["id"]

    refused = post(client, f"/supply/{listing_id}/", {"step": 2, "agent_name": "李四"}, method="patch")
    accepted = post(
        client,
        f"/supply/{listing_id}/",
        {"step": 2, "owner_id_number": AGENT_ID_NUMBER, "owner_address": "锦江区红星路1号", "agent_name": "李四",
         "agent_phone": "13800138000"},
        method="patch",
    )  # fmt: skip

    assert refused.status_code == 400
    assert set(fields_of(refused)) == {"owner_id_number", "owner_address", "agent_phone"}  # the rest as verified
    assert accepted.status_code == 200, accepted.content
    assert SupplyListing.objects.get(pk=listing_id).agent_name == "李四"


def test_a_refused_step_leaves_the_saved_draft_as_it_was(regions, owner):
    client = logged_in(owner)
    listing_id = create_draft(client, **complete_fields())["id"]

    response = post(client, f"/supply/{listing_id}/", {"step": 1, "address": "", "notes": "新的说明"}, method="patch")

    assert response.status_code == 400
    assert set(fields_of(response)) == {"address"}
    listing = SupplyListing.objects.get(pk=listing_id)
    assert (listing.address, listing.notes) == (complete_fields()["address"], "")


# ------------------------------------------------------------------------------------------------ drawn outline


def quadrangle_area_m2(west: float, south: float, east: float, north: float) -> float:
    """The area between two parallels and two meridians on GRS80 (a = 6378137 m, f = 1/298.257222101), from the
    authalic-latitude formula A = b²/2 · Δλ · (q(φ₂) − q(φ₁)); a geodesic edge along a parallel of 0.01° differs from
    the parallel by under 10⁻⁹ of the area."""
    a, f = 6378137.0, 1 / 298.257222101
    e2 = f * (2 - f)
    e, b = math.sqrt(e2), a * (1 - f)

    def q(latitude: float) -> float:
        s = math.sin(math.radians(latitude))
        return s / (1 - e2 * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)

    return b * b / 2 * math.radians(east - west) * (q(north) - q(south))


def test_the_server_measures_a_drawn_outline_on_the_ellipsoid_and_ignores_a_typed_area(regions, owner):
    lon, lat = inside("510104")
    west, south, east, north = lon - 0.005, lat - 0.005, lon + 0.005, lat + 0.005
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]

    body = create_draft(logged_in(owner), area_m2="5000", outline={"type": "Polygon", "coordinates": [ring]})

    # About 1,063,179 m² (a 0.01° square at 30.6° N).
    assert float(body["area_m2"]) == pytest.approx(quadrangle_area_m2(west, south, east, north), abs=1)
    assert body["region"] == "510104"
    listing = SupplyListing.objects.get(pk=body["id"])
    assert listing.outline is not None
    assert listing.location is not None
    assert listing.outline.point_on_surface.equals_exact(listing.location, 1e-9)


def test_an_absurdly_large_outline_is_refused(regions, owner):
    ring = [[104.0, 30.5], [104.1, 30.5], [104.1, 30.6], [104.0, 30.6], [104.0, 30.5]]  # about 107 km²

    response = post(
        logged_in(owner), "/supply/", {"mode": "transfer", "outline": {"type": "Polygon", "coordinates": [ring]}}
    )

    assert response.status_code == 400
    assert fields_of(response)["outline"][0]["code"] == "too_large"
    assert not SupplyListing.objects.exists()


def test_a_self_intersecting_outline_is_refused(regions, owner):
    lon, lat = inside("510104")
    bow_tie = [[lon, lat], [lon + 0.001, lat + 0.001], [lon + 0.001, lat], [lon, lat + 0.001], [lon, lat]]

    response = post(
        logged_in(owner), "/supply/", {"mode": "transfer", "outline": {"type": "Polygon", "coordinates": [bow_tie]}}
    )

    assert response.status_code == 400
    assert fields_of(response)["outline"][0]["code"] == "invalid_geometry"
    assert not SupplyListing.objects.exists()


# ------------------------------------------------------------------------------------------------ the demo


def test_the_demo_names_authorities_and_every_demo_listing_names_one_of_its_places():
    call_command("seed_demo", parcels=300, amenities=0, stdout=StringIO())
    call_command("seed_market_demo", password="demo password 2026", stdout=StringIO())

    assert ReviewingAuthority.objects.get(region_id="510000").name == "四川省自然资源厅"
    assert ReviewingAuthority.objects.get(region_id="510100").name == "成都市规划和自然资源局"
    for listing in SupplyListing.objects.all():
        county = county_get(code=listing.region_id or "")
        assert county is not None
        assert listing.institution == institution_options(county=county)[0], listing.pk
