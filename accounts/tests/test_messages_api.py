"""My messages (我的消息) through the API: business and system notifications, own only, read and unread."""

import pytest
from django.test import Client

from accounts.models import Message, User
from accounts.services.messages import message_send
from accounts.tests.factories import user_create

pytestmark = pytest.mark.django_db

URL = "/api/auth/messages/"


@pytest.fixture
def user() -> User:
    return user_create()


def signed_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def business(user: User, title: str = "您的地源已通过初审") -> Message:
    return message_send(user=user, title=title, body="详情", link="/supply/1/")


def system(user: User, title: str = "系统维护通知") -> Message:
    return message_send(user=user, title=title, category=Message.Category.SYSTEM)


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def unread_ids(user: User) -> set[int]:
    return set(Message.objects.filter(user=user, read_at__isnull=True).values_list("id", flat=True))


# ------------------------------------------------------------------------------------------------- listing


def test_i_see_my_own_messages_newest_first_paged(user):
    first, second, third = business(user), system(user), business(user)
    business(user_create(), "别人的消息")

    response = signed_in(user).get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert ids(response) == [third.pk, second.pk, first.pk]
    row = response.json()["results"][2]
    assert row == {
        "id": first.pk,
        "category": "business",
        "title": "您的地源已通过初审",
        "body": "详情",
        "link": "/supply/1/",
        "is_read": False,
        "read_at": None,
        "created_at": row["created_at"],
    }
    assert [row["id"] for row in signed_in(user).get(URL, {"page_size": 2, "page": 2}).json()["results"]] == [first.pk]


def test_messages_filter_by_category(user):
    notice = business(user)
    maintenance = system(user)

    assert ids(signed_in(user).get(URL, {"category": "business"})) == [notice.pk]
    assert ids(signed_in(user).get(URL, {"category": "system"})) == [maintenance.pk]


def test_messages_filter_by_unread_and_read(user):
    read, unread = business(user), business(user)
    signed_in(user).post(f"{URL}{read.pk}/read/")

    assert ids(signed_in(user).get(URL, {"unread": "true"})) == [unread.pk]
    assert ids(signed_in(user).get(URL, {"unread": "false"})) == [read.pk]
    assert ids(signed_in(user).get(URL, {"unread": "true", "category": "system"})) == []


@pytest.mark.parametrize(("params", "field"), [({"category": "spam"}, "category"), ({"unread": "maybe"}, "unread")])
def test_bad_filters_are_refused(user, params, field):
    response = signed_in(user).get(URL, params)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_a_page_past_the_end_is_404(user):
    business(user)

    assert signed_in(user).get(URL, {"page": 5}).status_code == 404


def test_html_in_a_message_comes_back_as_text(user):
    message = business(user, "<script>alert(1)</script>")

    assert signed_in(user).get(URL).json()["results"][0]["title"] == message.title == "<script>alert(1)</script>"


def test_listing_messages_takes_a_fixed_number_of_queries(user, django_assert_max_num_queries):
    for _ in range(30):
        business(user)
    client = signed_in(user)

    with django_assert_max_num_queries(5):
        assert client.get(URL, {"page_size": 30}).status_code == 200


# ------------------------------------------------------------------------------------------------- unread counts


def test_the_unread_count_is_in_all_and_by_category(user):
    business(user), business(user), system(user)
    read = system(user)
    signed_in(user).post(f"{URL}{read.pk}/read/")
    business(user_create())

    response = signed_in(user).get(f"{URL}unread-count/")

    assert response.status_code == 200
    assert response.json() == {"total": 3, "business": 2, "system": 1}


def test_the_unread_count_of_a_new_user_is_zero(user):
    assert signed_in(user).get(f"{URL}unread-count/").json() == {"total": 0, "business": 0, "system": 0}


# ------------------------------------------------------------------------------------------------- marking read


def test_marking_a_message_read_keeps_the_first_time(user):
    message = business(user)

    first = signed_in(user).post(f"{URL}{message.pk}/read/")
    second = signed_in(user).post(f"{URL}{message.pk}/read/")

    assert first.status_code == 200
    assert second.status_code == 200
    assert first.json()["is_read"] is True
    assert first.json()["read_at"] == second.json()["read_at"] is not None
    assert unread_ids(user) == set()


def test_someone_elses_message_is_404_and_stays_unread(user):
    theirs = business(user_create())

    response = signed_in(user).post(f"{URL}{theirs.pk}/read/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_unknown_message_is_404(user):
    assert signed_in(user).post(f"{URL}999999/read/").status_code == 404
    assert signed_in(user).post(f"{URL}{2**63}/read/").status_code == 404


def test_read_all_marks_all_my_unread_messages_and_no_one_elses(user):
    business(user), system(user)
    other = user_create()
    theirs = business(other)

    response = signed_in(user).post(f"{URL}read-all/", {}, content_type="application/json")

    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    assert unread_ids(user) == set()
    assert unread_ids(other) == {theirs.pk}


def test_read_all_by_category(user):
    business(user)
    maintenance = system(user)

    response = signed_in(user).post(f"{URL}read-all/", {"category": "business"}, content_type="application/json")

    assert response.json() == {"marked": 1}
    assert unread_ids(user) == {maintenance.pk}


def test_read_all_with_an_unknown_category_changes_nothing(user):
    message = business(user)

    response = signed_in(user).post(f"{URL}read-all/", {"category": "all"}, content_type="application/json")

    assert response.status_code == 400
    assert "category" in response.json()["error"]["fields"]
    assert unread_ids(user) == {message.pk}


def test_a_message_already_read_is_not_counted_again(user):
    message = business(user)
    signed_in(user).post(f"{URL}{message.pk}/read/")

    assert signed_in(user).post(f"{URL}read-all/").json() == {"marked": 0}


def test_anonymous_callers_are_asked_to_sign_in():
    client = Client()

    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}unread-count/").status_code == 401
    assert client.post(f"{URL}read-all/").status_code == 401
