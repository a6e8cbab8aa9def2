"""Viewing appointments (预约看地) through the API: booking, the details it needs, the owner's list, my bookings
(我的申购-预约看地), marking one viewed and cancelling one."""

from datetime import UTC, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Message, User
from accounts.tests.factories import user_create
from geo.models import Region
from market.models import SupplyListing, ViewingAppointment
from market.tests.factories import supply_create

pytestmark = pytest.mark.django_db
S = SupplyListing.Status


@pytest.fixture
def listing(owner: User, regions: dict[str, Region]) -> SupplyListing:
    return supply_create(owner=owner, region=regions["510104"], status=S.PUBLISHED)


def _in(days: float = 0, **delta: float) -> str:
    """An ISO 8601 time with the +08:00 offset, `days` (and more) from now."""
    return timezone.localtime(timezone.now() + timedelta(days=days, **delta)).isoformat()


def _book(client: Client, listing_id: int, **fields: Any) -> Any:
    body = {"name": "王小明", "phone": "13812345678", "visit_at": _in(days=3)} | fields
    return client.post(
        f"/api/market/supply/{listing_id}/appointments/",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _state(listing: SupplyListing) -> tuple[int, int, int]:
    """Appointments stored, the listing's appointment count, the owner's messages."""
    listing.refresh_from_db()
    return listing.appointments.count(), listing.appointment_count, Message.objects.filter(user=listing.owner).count()


def _booked(client: Client, listing: SupplyListing, user: User, **fields: Any) -> int:
    client.force_login(user)
    response = _book(client, listing.pk, **fields)
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def _move_to_the_past(appointment_id: int) -> None:
    ViewingAppointment.objects.filter(pk=appointment_id).update(visit_at=timezone.now() - timedelta(hours=1))


# Booking


@pytest.mark.parametrize("status", [S.PUBLISHED, S.CERTIFIED])
def test_a_verified_seeker_books_a_viewing_of_a_public_listing(client: Client, owner, regions, seeker, status):
    listing = supply_create(owner=owner, region=regions["510104"], status=status)
    client.force_login(seeker)
    visit_at = _in(days=2)

    response = _book(client, listing.pk, visit_at=visit_at)

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["phone"], body["status"], body["viewed_at"]) == (
        "王小明",
        "13812345678",
        "upcoming",
        None,
    )
    assert body["visit_at"] == visit_at
    assert body["visit_at"].endswith("+08:00")
    assert body["listing"]["id"] == listing.pk
    appointment = ViewingAppointment.objects.get()
    assert appointment.user == seeker
    assert _state(listing) == (1, 1, 1)


def test_a_time_in_another_offset_is_the_same_instant(client: Client, listing, seeker):
    client.force_login(seeker)
    instant = timezone.now() + timedelta(days=5)

    response = _book(client, listing.pk, visit_at=instant.astimezone(UTC).isoformat().replace("+00:00", "Z"))

    assert response.status_code == 201
    assert ViewingAppointment.objects.get().visit_at == instant
    assert response.json()["visit_at"] == timezone.localtime(instant).isoformat()


def test_the_owner_is_told_of_a_booking(client: Client, listing, seeker):
    client.force_login(seeker)

    _book(client, listing.pk, name="王小明", phone="13812345678")

    message = Message.objects.get(user=listing.owner)
    assert message.link == f"/supply/{listing.pk}/"
    assert "王小明" in message.body
    assert "13812345678" in message.body


def test_html_in_a_name_is_stored_and_returned_verbatim(client: Client, listing, seeker):
    client.force_login(seeker)
    name = '<script>alert("x")</script>&amp;'

    response = _book(client, listing.pk, name=name)

    assert response.status_code == 201
    assert response.json()["name"] == name
    assert ViewingAppointment.objects.get().name == name


def test_a_name_of_64_characters_is_taken(client: Client, listing, seeker):
    client.force_login(seeker)

    assert _book(client, listing.pk, name="王" * 64).status_code == 201


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"name": "王" * 10_000}, "name", "max_length"),
        ({"name": "王" * 65}, "name", "max_length"),
        ({"name": "王\n" * 40}, "name", "max_length"),
        ({"name": ""}, "name", "blank"),
        ({"name": "   "}, "name", "blank"),
        ({"name": "王\x00明"}, "name", "null_characters_not_allowed"),
        ({"name": None}, "name", "null"),
        ({"phone": "12345678901"}, "phone", "invalid_phone"),
        ({"phone": "1381234567"}, "phone", "invalid_phone"),
        ({"phone": "138123456789"}, "phone", "invalid_phone"),
        ({"phone": "+8613812345678"}, "phone", "invalid_phone"),
        ({"phone": "138-1234-5678"}, "phone", "invalid_phone"),
        ({"phone": "1381234567８"}, "phone", "invalid_phone"),  # a full-width digit
        ({"phone": "1" * 1000}, "phone", "invalid_phone"),
        ({"phone": ["13812345678"]}, "phone", "invalid"),
        ({"visit_at": "tomorrow"}, "visit_at", "invalid"),
        ({"visit_at": "2030-13-01T10:00:00+08:00"}, "visit_at", "invalid"),
        ({"visit_at": "2030-02-30T10:00:00+08:00"}, "visit_at", "invalid"),
        ({"visit_at": 1_900_000_000}, "visit_at", "invalid"),
        ({"visit_at": ""}, "visit_at", "invalid"),
        ({"visit_at": "2030-01-01"}, "visit_at", "naive"),
        ({"visit_at": "9999-12-31T23:59:59-14:00"}, "visit_at", "overflow"),
        ({"visit_at": "0001-01-01T00:00:00+14:00"}, "visit_at", "overflow"),
        ({"visit_at": "2030-01-01T10:00:00"}, "visit_at", "naive"),
    ],
)
def test_bad_details_are_a_400_on_the_field(client: Client, listing, seeker, fields, field, code):
    client.force_login(seeker)

    response = _book(client, listing.pk, **fields)

    assert response.status_code == 400
    errors = response.json()["error"]["fields"]
    assert list(errors) == [field]
    assert errors[field][0]["code"] == code
    assert _state(listing) == (0, 0, 0)


def test_a_naive_time_is_refused_with_a_message_that_asks_for_the_offset(client: Client, listing, seeker):
    client.force_login(seeker)

    response = _book(client, listing.pk, visit_at=timezone.localtime().replace(tzinfo=None).isoformat())

    assert "offset" in response.json()["error"]["fields"]["visit_at"][0]["message"]


@pytest.mark.parametrize(
    ("visit_at", "code"),
    [
        (lambda: _in(minutes=-1), "not_future"),
        (lambda: _in(days=-400), "not_future"),
        (lambda: _in(days=90, minutes=5), "too_far"),
        (lambda: _in(days=3650), "too_far"),
    ],
)
def test_a_time_in_the_past_or_more_than_90_days_ahead_is_refused(client: Client, listing, seeker, visit_at, code):
    client.force_login(seeker)

    response = _book(client, listing.pk, visit_at=visit_at())

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["visit_at"][0]["code"] == code
    assert _state(listing) == (0, 0, 0)


def test_a_time_89_days_ahead_is_taken(client: Client, listing, seeker):
    client.force_login(seeker)

    assert _book(client, listing.pk, visit_at=_in(days=89)).status_code == 201


def test_every_bad_field_is_named_at_once(client: Client, listing, seeker):
    client.force_login(seeker)

    response = _book(client, listing.pk, name="", phone="123", visit_at=_in(days=-1))

    assert sorted(response.json()["error"]["fields"]) == ["name", "phone", "visit_at"]


def test_the_owner_cannot_book_a_viewing_of_their_own_listing(client: Client, listing, owner):
    for user in (owner, user_create(parent=owner)):
        client.force_login(user)
        response = _book(client, listing.pk)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "own_listing"
    assert _state(listing) == (0, 0, 0)


@pytest.mark.parametrize("status", [S.DRAFT, S.IN_REVIEW, S.REJECTED, S.DELISTED, S.EXPIRED])
def test_a_listing_the_public_does_not_see_takes_no_booking(client: Client, owner, regions, seeker, status):
    listing = supply_create(owner=owner, region=regions["510104"], status=status)
    client.force_login(seeker)

    response = _book(client, listing.pk)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "listing_not_public"
    assert _state(listing) == (0, 0, 0)


def test_an_unverified_user_cannot_book(client: Client, listing):
    client.force_login(user_create(verified=False))

    response = _book(client, listing.pk)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "verification_required"
    assert _state(listing) == (0, 0, 0)


def test_an_anonymous_booking_is_401(client: Client, listing):
    response = _book(client, listing.pk)

    assert response.status_code == 401
    assert _state(listing) == (0, 0, 0)


def test_a_booking_of_a_listing_that_does_not_exist_is_404(client: Client, seeker):
    client.force_login(seeker)

    assert _book(client, 999_999).status_code == 404


# The owner's list


def test_the_owner_lists_the_bookings_with_the_seekers_details(client: Client, listing, owner, seeker):
    later = _booked(client, listing, seeker, visit_at=_in(days=10), name="王小明", phone="13812345678")
    sooner = _booked(
        client, listing, user_create(real_name="李四光"), visit_at=_in(days=1), name="李四", phone="13987654321"
    )

    for viewer in (owner, user_create(parent=owner)):
        client.force_login(viewer)
        response = client.get(f"/api/market/supply/{listing.pk}/appointments/")
        assert response.status_code == 200
        assert [(a["id"], a["name"], a["phone"], a["status"]) for a in response.json()["results"]] == [
            (later, "王小明", "13812345678", "upcoming"),
            (sooner, "李四", "13987654321", "upcoming"),
        ]


def test_nobody_but_the_owner_sees_a_listings_bookings(client: Client, listing, seeker):
    _booked(client, listing, seeker)
    client.logout()

    assert client.get(f"/api/market/supply/{listing.pk}/appointments/").status_code == 401
    for user in (seeker, user_create(), user_create(role=User.Role.REVIEWER, regions=["510000"])):
        client.force_login(user)
        response = client.get(f"/api/market/supply/{listing.pk}/appointments/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_the_owners_list_is_read_in_a_fixed_number_of_queries(
    client: Client, listing, owner, seeker, django_assert_num_queries
):
    _booked(client, listing, seeker)
    client.force_login(owner)
    # session, user, the listing with its owner, count, page
    with django_assert_num_queries(5):
        assert client.get(f"/api/market/supply/{listing.pk}/appointments/").json()["count"] == 1
    for n in range(4):
        _booked(client, listing, user_create(real_name=f"用户{n}"))
    client.force_login(owner)
    with django_assert_num_queries(5):
        assert client.get(f"/api/market/supply/{listing.pk}/appointments/").json()["count"] == 5


# 我的申购-预约看地


def test_my_bookings_show_the_listing_its_contact_and_what_i_left(client: Client, listing, seeker):
    booked = _booked(client, listing, seeker, name="王小明", phone="13812345678")

    response = client.get("/api/market/my/appointments/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == booked
    assert row["listing"] == {
        "id": listing.pk,
        "title": listing.title,
        "status": "published",
        "link": f"/supply/{listing.pk}/",
    }
    assert (row["contact_name"], row["contact_phone"]) == ("李四", "13800138000")  # the listing's agent
    assert (row["name"], row["phone"], row["status"]) == ("王小明", "13812345678", "upcoming")
    assert row["created_at"].endswith("+08:00")


def test_my_bookings_filter_by_title_status_and_listing_status(client: Client, listing, seeker, owner, regions):
    other = supply_create(owner=owner, region=regions["510107"], title="武侯区800平方米工业用地出租")
    first = _booked(client, listing, seeker, visit_at=_in(days=1))
    second = _booked(client, other, seeker, visit_at=_in(days=2))
    _move_to_the_past(first)
    client.post(f"/api/market/appointments/{first}/viewed/")
    SupplyListing.objects.filter(pk=other.pk).update(status=S.DELISTED)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/market/my/appointments/{query}")
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids("") == [second, first]
    assert ids("?title=武侯") == [second]
    assert ids("?status=viewed") == [first]
    assert ids("?status=upcoming") == [second]
    assert ids("?listing_status=delisted") == [second]
    assert ids("?title=&status=&listing_status=") == [second, first]


@pytest.mark.parametrize("query", ["?status=maybe", "?listing_status=gone", f"?title={'x' * 201}"])
def test_my_bookings_refuse_unknown_filters(client: Client, seeker, query):
    client.force_login(seeker)

    response = client.get(f"/api/market/my/appointments/{query}")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_my_bookings_are_mine_alone(client: Client, listing, seeker):
    _booked(client, listing, user_create(real_name="李四光"))
    client.force_login(seeker)

    assert client.get("/api/market/my/appointments/").json()["count"] == 0
    client.logout()
    assert client.get("/api/market/my/appointments/").status_code == 401


def test_my_bookings_are_read_in_a_fixed_number_of_queries(
    client: Client, listing, seeker, owner, regions, django_assert_num_queries
):
    _booked(client, listing, seeker)
    # session, user, count, page with the listings
    with django_assert_num_queries(4):
        assert client.get("/api/market/my/appointments/").json()["count"] == 1
    for _n in range(4):
        _booked(client, supply_create(owner=owner, region=regions["510107"]), seeker)
    with django_assert_num_queries(4):
        assert client.get("/api/market/my/appointments/").json()["count"] == 5


# Viewed (已看地)


def test_a_booking_is_marked_viewed_once_its_time_has_passed(client: Client, listing, seeker):
    booked = _booked(client, listing, seeker)
    _move_to_the_past(booked)

    response = client.post(f"/api/market/appointments/{booked}/viewed/")

    assert response.status_code == 200
    assert response.json()["status"] == "viewed"
    assert response.json()["viewed_at"].endswith("+08:00")
    assert ViewingAppointment.objects.get().viewed_at is not None


def test_marking_it_viewed_again_keeps_the_first_time(client: Client, listing, seeker):
    booked = _booked(client, listing, seeker)
    _move_to_the_past(booked)
    first = client.post(f"/api/market/appointments/{booked}/viewed/").json()["viewed_at"]

    again = client.post(f"/api/market/appointments/{booked}/viewed/")

    assert again.status_code == 200
    assert again.json()["viewed_at"] == first


def test_a_booking_cannot_be_marked_viewed_before_its_time(client: Client, listing, seeker):
    booked = _booked(client, listing, seeker)

    response = client.post(f"/api/market/appointments/{booked}/viewed/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "visit_not_passed"
    assert ViewingAppointment.objects.get().viewed_at is None


def test_nobody_else_marks_my_booking_viewed(client: Client, listing, seeker, owner):
    booked = _booked(client, listing, seeker)
    _move_to_the_past(booked)

    client.logout()
    assert client.post(f"/api/market/appointments/{booked}/viewed/").status_code == 401
    for user in (owner, user_create(real_name="李四光")):
        client.force_login(user)
        response = client.post(f"/api/market/appointments/{booked}/viewed/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert ViewingAppointment.objects.get().viewed_at is None


# Cancelling


def test_a_booking_is_cancelled_before_its_time(client: Client, listing, seeker):
    booked = _booked(client, listing, seeker)
    _booked(client, listing, user_create(real_name="李四光"))
    client.force_login(seeker)

    response = client.post(f"/api/market/appointments/{booked}/cancel/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 204
    assert not ViewingAppointment.objects.filter(pk=booked).exists()
    assert _state(listing) == (1, 1, 3)  # two bookings and a cancellation told to the owner
    assert "cancelled" in Message.objects.filter(user=listing.owner).latest("id").title


def test_a_booking_cannot_be_cancelled_once_its_time_has_passed(client: Client, listing, seeker):
    booked = _booked(client, listing, seeker)
    _move_to_the_past(booked)

    response = client.post(f"/api/market/appointments/{booked}/cancel/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "visit_passed"
    assert _state(listing) == (1, 1, 1)


def test_nobody_else_cancels_my_booking(client: Client, listing, seeker, owner):
    booked = _booked(client, listing, seeker)

    client.logout()
    assert client.post(f"/api/market/appointments/{booked}/cancel/").status_code == 401
    for user in (owner, user_create(real_name="李四光")):
        client.force_login(user)
        assert client.post(f"/api/market/appointments/{booked}/cancel/").status_code == 404
    assert client.post("/api/market/appointments/999999/cancel/").status_code == 404
    assert _state(listing) == (1, 1, 1)


def test_a_booking_of_a_listing_that_left_the_public_can_still_be_cancelled(client: Client, listing, seeker):
    booked = _booked(client, listing, seeker)
    SupplyListing.objects.filter(pk=listing.pk).update(status=S.DELISTED)

    assert client.post(f"/api/market/appointments/{booked}/cancel/").status_code == 204
    assert _state(listing)[:2] == (0, 0)
