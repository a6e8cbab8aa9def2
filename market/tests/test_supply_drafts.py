"""Supply drafts through the API: who may create and edit them, field checks, the generated title and remaining
years, and linking the land to a parcel, a drawn outline or a point."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import shapely
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import user_create
from geo.tests.factories import GEOD, box, parcel_create, region_create
from market.models import SupplyListing
from market.services.supply import remaining_years
from market.tests import factories
from market.tests.test_supply_helpers import AGENT_ID_NUMBER, API, complete_fields, create_draft, logged_in

pytestmark = pytest.mark.django_db
S = SupplyListing.Status


def fields_of(response) -> dict:
    return response.json()["error"]["fields"]


# ------------------------------------------------------------------------------------------------ who may create


def test_a_verified_user_saves_a_complete_draft_with_the_seed_title(regions, owner):
    client = logged_in(owner)

    body = create_draft(client, **complete_fields())

    listing = SupplyListing.objects.get(pk=body["id"])
    assert listing.status == S.DRAFT
    assert listing.owner == owner
    assert listing.created_by == owner
    assert body["title"] == "四川省成都市锦江区5000平方米商服用地转让"
    today = timezone.localdate()
    assert body["remaining_years"] == (29 if today > date(today.year, 6, 30) else 30)  # ends on 30 June in 30 years
    assert body["actions"] == ["edit", "delete", "view"]
    assert body["owner_id_number"] == AGENT_ID_NUMBER  # the owner sees everything


def test_a_draft_may_be_saved_with_only_its_mode(regions, owner):
    response = logged_in(owner).post(f"{API}/supply/", {"mode": "lease"}, content_type="application/json")

    assert response.status_code == 201
    assert (
        response.json()["title"] == "土地出租"
    )  # the seed's own example without a use: 河北省石家庄市1000平米土地转让
    assert response.json()["remaining_years"] is None


def test_a_sub_account_creates_listings_in_the_name_of_its_enterprise(regions):
    enterprise = user_create(kind=User.Kind.ENTERPRISE)
    sub_account = user_create(parent=enterprise, verified=False)

    body = create_draft(logged_in(sub_account), region="510104")

    listing = SupplyListing.objects.get(pk=body["id"])
    assert (listing.owner, listing.created_by) == (enterprise, sub_account)
    assert logged_in(enterprise).get(f"{API}/supply/{listing.pk}/").json()["owner"] == enterprise.pk


def test_an_unverified_user_may_not_create_a_draft(regions):
    client = logged_in(user_create(verified=False))

    response = client.post(f"{API}/supply/", {"mode": "transfer"}, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_required"
    assert not SupplyListing.objects.exists()


def test_a_visitor_must_sign_in_to_create_a_draft(regions):
    response = Client().post(f"{API}/supply/", {"mode": "transfer"}, content_type="application/json")

    assert response.status_code == 401
    assert not SupplyListing.objects.exists()


def test_the_mode_is_required_and_must_be_a_choice(regions, owner):
    client = logged_in(owner)

    missing = client.post(f"{API}/supply/", {}, content_type="application/json")
    wrong = client.post(f"{API}/supply/", {"mode": "mortgage"}, content_type="application/json")

    assert fields_of(missing)["mode"][0]["code"] == "required"
    assert fields_of(wrong)["mode"][0]["code"] == "invalid_choice"


# ------------------------------------------------------------------------------------------------ editing


def test_the_owner_saves_part_of_a_draft_and_the_title_follows(regions, owner):
    client = logged_in(owner)
    listing_id = create_draft(client, **complete_fields())["id"]

    response = client.patch(
        f"{API}/supply/{listing_id}/",
        {"area_m2": "1234.56", "land_use": "0601", "region": "510107", "location": [104.0, 30.6]},  # in 武侯区
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["title"] == "四川省成都市武侯区1235平方米工矿仓储用地转让"  # whole m², rounded half up
    listing = SupplyListing.objects.get(pk=listing_id)
    assert listing.area_m2 == Decimal("1234.56")
    assert listing.address == "锦江区东大街100号"  # what was not sent stays


def test_a_rejected_listing_is_editable(regions, owner):
    listing = factories.supply_create(owner=owner, region=regions["510104"], status=S.REJECTED, reason="照片不清")

    response = logged_in(owner).patch(
        f"{API}/supply/{listing.pk}/", {"notes": "已补充"}, content_type="application/json"
    )

    assert response.status_code == 200
    listing.refresh_from_db()
    assert (listing.notes, listing.status) == ("已补充", S.REJECTED)


@pytest.mark.parametrize("state", [S.IN_REVIEW, S.PUBLISHED, S.CERTIFIED, S.DELISTED, S.EXPIRED])
def test_a_listing_out_of_draft_cannot_be_edited_in_place(regions, owner, state):
    listing = factories.supply_create(owner=owner, region=regions["510104"], status=state)
    before = SupplyListing.objects.values().get(pk=listing.pk)

    response = logged_in(owner).patch(f"{API}/supply/{listing.pk}/", {"notes": "改"}, content_type="application/json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_editable"
    assert SupplyListing.objects.values().get(pk=listing.pk) == before


def test_another_users_draft_is_not_found(regions, owner, seeker):
    listing_id = create_draft(logged_in(owner), **complete_fields())["id"]
    client = logged_in(seeker)

    read = client.get(f"{API}/supply/{listing_id}/")
    edit = client.patch(f"{API}/supply/{listing_id}/", {"notes": "x"}, content_type="application/json")

    assert (read.status_code, edit.status_code) == (404, 404)
    assert edit.json()["error"]["code"] == "not_found"
    assert SupplyListing.objects.get(pk=listing_id).notes == ""


def test_a_visitor_gets_404_for_a_draft(regions, owner):
    listing_id = create_draft(logged_in(owner))["id"]

    assert Client().get(f"{API}/supply/{listing_id}/").status_code == 404


# ------------------------------------------------------------------------------------------------ field checks


def test_every_bad_field_is_named_in_one_400_and_nothing_is_saved(regions, owner):
    client = logged_in(owner)
    listing_id = create_draft(client, **complete_fields())["id"]
    before = SupplyListing.objects.values().get(pk=listing_id)

    response = client.patch(
        f"{API}/supply/{listing_id}/",
        {
            "land_use": "05",  # first level only
            "region": "510100",  # a city, not a county
            "area_m2": "0",
            "green_ratio": "100.01",
            "building_density": "-1",
            "price_wan": "-0.01",
            "right_end_date": timezone.localdate().isoformat(),
            "agent_phone": "1380013800a",
            "agent_id_number": "110105194912310021",  # wrong check character
            "unit_numbers": ["51010400100GB00001F00010001"],  # 27 characters
            "notes": "字" * 1001,
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    codes = {name: errors[0]["code"] for name, errors in fields_of(response).items()}
    assert codes == {
        "land_use": "invalid",
        "region": "invalid",
        "area_m2": "out_of_range",
        "green_ratio": "out_of_range",
        "building_density": "out_of_range",
        "price_wan": "out_of_range",
        "right_end_date": "not_in_future",
        "agent_phone": "invalid_phone",
        "agent_id_number": "invalid_id_number",
        "unit_numbers": "invalid_unit_number",
        "notes": "max_length",
    }
    assert SupplyListing.objects.values().get(pk=listing_id) == before


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("area_m2", "1000000000000", "out_of_range"),  # 10¹² m²
        ("area_m2", "-5", "out_of_range"),
        ("area_m2", "1.234", "max_decimal_places"),
        ("area_m2", "NaN", "invalid"),
        ("area_m2", "1e999999", "out_of_range"),
        ("price_wan", "10000000000", "out_of_range"),  # 10¹⁰ 万元 does not fit numeric(14, 4)
        ("height_limit_m", "10000", "out_of_range"),
        ("floor_area_ratio", "-0.5", "out_of_range"),
        ("lease_term_years", 0, "out_of_range"),
        ("lease_term_years", 71, "out_of_range"),
        ("right_end_date", "2001-01-01", "not_in_future"),
        ("land_use", "9999", "invalid"),
        ("region", "510199", "invalid"),  # no such county
        ("parcel_id", 10**30, "max_value"),
        ("address", "路" * 10_000, "max_length"),
        ("land_nature", "private", "invalid_choice"),
    ],
)
def test_an_out_of_range_value_is_refused_with_its_field(regions, owner, field, value, code):
    client = logged_in(owner)
    listing_id = create_draft(client)["id"]

    response = client.patch(f"{API}/supply/{listing_id}/", {field: value}, content_type="application/json")

    assert response.status_code == 400
    assert fields_of(response)[field][0]["code"] == code


def test_the_largest_area_below_10_to_the_12_is_accepted(regions, owner):
    client = logged_in(owner)
    listing_id = create_draft(client)["id"]

    response = client.patch(
        f"{API}/supply/{listing_id}/", {"area_m2": "999999999999.99"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["area_m2"] == "999999999999.99"


def test_html_and_script_in_text_fields_are_stored_and_returned_verbatim(regions, owner):
    text = '<script>alert("x")</script><b onmouseover="steal()">地块</b> & 1 < 2'
    client = logged_in(owner)
    listing_id = create_draft(client, notes=text, address=text[:255], agent_name=text[:64])["id"]

    body = client.get(f"{API}/supply/{listing_id}/").json()

    assert (body["notes"], body["address"], body["agent_name"]) == (text, text[:255], text[:64])
    assert SupplyListing.objects.get(pk=listing_id).notes == text


def test_a_landline_with_its_area_code_is_a_valid_phone(regions, owner):
    body = create_draft(logged_in(owner), agent_phone="028-86001234")

    assert body["agent_phone"] == "028-86001234"


def test_unit_numbers_of_28_characters_are_kept(regions, owner):
    numbers = ["510104001001GB00001F00010001", "510104001001GB00001F00010002"]

    body = create_draft(logged_in(owner), unit_numbers=numbers)

    assert body["unit_numbers"] == numbers


# ------------------------------------------------------------------------------------------------ title and years


def test_a_municipality_is_named_once_in_the_title(owner):
    beijing = region_create(code="110000", name="北京市", abbreviation="京")
    city = region_create(code="110100", name="北京市", parent=beijing, abbreviation="京")
    region_create(code="110105", name="朝阳区", parent=city, abbreviation="京")

    body = create_draft(logged_in(owner), region="110105", area_m2="5000", land_use="0501")

    assert body["title"] == "北京市朝阳区5000平方米商服用地转让"  # not 北京市北京市朝阳区


def test_a_lease_title_ends_in_chu_zu(regions, owner):
    body = create_draft(logged_in(owner), mode="lease", region="510104", area_m2="3000", land_use="0601")

    assert body["title"] == "四川省成都市锦江区3000平方米工矿仓储用地出租"


@pytest.mark.parametrize(
    ("today", "end", "years"),
    [
        (date(2000, 1, 1), date(2020, 4, 15), 20),  # the seed's example: 20 years 3 months 15 days → 20
        (date(2024, 6, 30), date(2025, 6, 30), 1),
        (date(2024, 7, 1), date(2025, 6, 30), 0),
        (date(2024, 2, 29), date(2028, 2, 28), 3),
        (date(2025, 1, 1), date(2024, 1, 1), 0),  # past: 0
    ],
)
def test_remaining_years_are_whole_years_to_the_end_date(today, end, years):
    assert remaining_years(end, today=today) == years


# ------------------------------------------------------------------------------------------------ linking the land


@pytest.fixture
def parcel(regions):
    """A parcel in 锦江区, 104.08–104.09 × 30.58–30.59 degrees."""
    return parcel_create(
        code="510104001001GB00001", geometry=box(104.08, 30.58, 104.09, 30.59), region=regions["510104"]
    )


def test_a_parcel_picked_on_the_map_is_linked_with_its_centroid_and_county(regions, owner, parcel):
    body = create_draft(logged_in(owner), parcel_id=parcel.pk)

    assert body["parcel_id"] == parcel.pk
    assert body["location"] == pytest.approx([104.085, 30.585])
    assert body["region"] == "510104"  # taken from the parcel when none was given


def test_a_location_alone_links_the_parcel_under_it(regions, owner, parcel):
    client = logged_in(owner)

    inside = create_draft(client, location=[104.081, 30.581])
    outside = create_draft(client, location=[104.2, 30.6])

    assert inside["parcel_id"] == parcel.pk
    assert inside["location"] == pytest.approx([104.081, 30.581])
    assert outside["parcel_id"] is None


def test_a_drawn_outline_is_stored_and_measured_on_the_ellipsoid(regions, owner):
    ring = [[104.10, 30.60], [104.101, 30.60], [104.101, 30.601], [104.10, 30.601], [104.10, 30.60]]

    body = create_draft(logged_in(owner), outline={"type": "Polygon", "coordinates": [ring]})

    # The geodesic area of the same ring on GRS80 (CGCS2000's ellipsoid), by pyproj.Geod: about 9,231 m².
    expected, _perimeter = GEOD.geometry_area_perimeter(shapely.Polygon(ring))
    assert float(body["area_m2"]) == pytest.approx(abs(expected), abs=0.5)
    assert body["outline"]["type"] == "MultiPolygon"
    assert body["parcel_id"] is None
    assert body["location"] is not None


BOW_TIE = [[104.1, 30.6], [104.2, 30.7], [104.2, 30.6], [104.1, 30.7], [104.1, 30.6]]  # crosses itself
PARIS = [[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]]


@pytest.mark.parametrize(
    ("outline", "code"),
    [
        ({"type": "Polygon", "coordinates": [BOW_TIE]}, "invalid_geometry"),
        ({"type": "Polygon", "coordinates": [PARIS]}, "out_of_range"),
        ({"type": "Point", "coordinates": [104.1, 30.6]}, "invalid_type"),
        ({"type": "Polygon", "coordinates": "nonsense"}, "invalid"),
        ("POLYGON((0 0, 1 0, 1 1, 0 0))", "invalid"),
    ],
)  # fmt: skip
def test_a_bad_outline_is_refused_with_the_reason(regions, owner, outline, code):
    response = logged_in(owner).post(
        f"{API}/supply/", {"mode": "transfer", "outline": outline}, content_type="application/json"
    )

    assert response.status_code == 400
    assert fields_of(response)["outline"][0]["code"] == code
    assert not SupplyListing.objects.exists()


def test_an_unknown_parcel_or_a_point_outside_china_is_refused(regions, owner):
    client = logged_in(owner)

    unknown = client.post(f"{API}/supply/", {"mode": "transfer", "parcel_id": 999999}, content_type="application/json")
    abroad = client.post(
        f"{API}/supply/", {"mode": "transfer", "location": [-0.12, 51.5]}, content_type="application/json"
    )

    assert fields_of(unknown)["parcel_id"][0]["code"] == "not_found"
    assert fields_of(abroad)["location"][0]["code"] == "out_of_range"


def test_an_expired_right_cannot_be_entered_but_the_years_of_an_old_one_are_zero(regions, owner):
    listing = factories.supply_create(
        owner=owner, region=regions["510104"], right_end_date=timezone.localdate() - timedelta(days=1)
    )

    body = Client().get(f"{API}/supply/{listing.pk}/").json()

    assert body["remaining_years"] == 0
