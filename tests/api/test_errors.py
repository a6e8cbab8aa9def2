"""Every API error has one body, {"error": {"code", "message", "fields"}}, in Chinese by default or English."""

import pytest
from django.test import Client
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIRequestFactory

from core.errors import Conflict, exception_handler

pytestmark = pytest.mark.django_db


def test_missing_fields_are_named_with_codes_and_chinese_messages(client: Client, clear_cache):
    response = client.post("/api/auth/token/", {}, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "输入有误。",
            "fields": {
                "phone": [{"code": "required", "message": "该字段是必填项。"}],
                "password": [{"code": "required", "message": "该字段是必填项。"}],
            },
        }
    }


def test_messages_follow_accept_language_english(client: Client, clear_cache):
    response = client.post(
        "/api/auth/token/", {"phone": "x"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    error = response.json()["error"]
    assert error["message"] == "Invalid input."
    assert error["fields"] == {"password": [{"code": "required", "message": "This field is required."}]}


def test_malformed_json_is_a_structured_400(client: Client, clear_cache):
    response = client.post("/api/auth/token/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_unknown_api_path_is_a_structured_404(client: Client):
    response = client.get("/api/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "未找到。", "fields": {}}}


def test_unknown_page_is_an_html_404(client: Client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert b"Page not found." in response.content


def test_wrong_method_is_a_structured_405(client: Client):
    response = client.delete("/api/auth/token/")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_nested_field_errors_are_flattened_to_dotted_paths():
    class Item(serializers.Serializer):
        area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2)

    class Input(serializers.Serializer):
        items = Item(many=True)

    data = Input(data={"items": [{"area_m2": "12.5"}, {"area_m2": "abc"}]})
    assert not data.is_valid()
    request = APIRequestFactory().post("/")

    response = exception_handler(ValidationError(data.errors), {"request": request})

    assert response is not None
    assert list(response.data["error"]["fields"]) == ["items.1.area_m2"]
    assert response.data["error"]["fields"]["items.1.area_m2"][0]["code"] == "invalid"


def test_application_errors_carry_their_status_code_and_fields():
    error = Conflict("该地块已挂牌。", code="invalid_transition", fields={"status": [{"code": "x", "message": "y"}]})

    response = exception_handler(error, {})

    assert response is not None
    assert response.status_code == 409
    assert response.data == {
        "error": {
            "code": "invalid_transition",
            "message": "该地块已挂牌。",
            "fields": {"status": [{"code": "x", "message": "y"}]},
        }
    }


def test_sign_in_with_redis_down_is_a_structured_503_not_a_500(client: Client, settings):
    """Sign-in limits, captchas and SMS codes live in Redis; without it sign-in is refused, and says why."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }

    response = client.post(
        "/api/auth/login/",
        {
            "phone": "13800000001",
            "password": "x" * 12,
            "captcha_key": "k" * 20,
            "captcha_answer": "abcd",
            "sms_code": "123456",
        },
        content_type="application/json",
    )

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
