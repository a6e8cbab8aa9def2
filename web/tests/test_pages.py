"""The home page renders in Chinese by default and in English on request."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_page_is_chinese_by_default(client: Client):
    response = client.get("/")

    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "土地二级市场交易服务平台" in response.content.decode()


def test_home_page_speaks_english_when_asked(client: Client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert "Land Secondary Market Trading Service Platform" in response.content.decode()


def test_the_language_can_be_switched_and_is_remembered(client: Client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert "Land Secondary Market Trading Service Platform" in client.get("/").content.decode()
