"""The notices pages: the search page with its tabs and the seed's filters, an announcement's page (its lot, text,
documents with SHA-256 and change chain) and a lot's page (schedule in Asia/Shanghai, rules in words); drafts and
lots never announced are not found. The header links the notices."""

import pytest
from django.test import Client

from search.tests.notices_world import Notices, notice_with_document, notices  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_notices_page_has_both_tabs_the_filters_and_the_header_link(client: Client, notices: Notices):  # noqa: F811
    page = client.get("/notices/").content.decode()
    results = client.get("/notices/?tab=results").content.decode()

    assert 'href="/notices/"' in page  # the header's 交易公示
    assert "交易公告" in page
    assert "成交公示" in page
    assert 'value="510000"' in page
    assert "四川省" in page
    assert 'name="published" value="3d"' in page
    assert "目前尚无交易产生成交结果" in results


def test_an_announcement_page_shows_its_lot_text_documents_and_chain(client: Client, notices: Notices):  # noqa: F811
    changed = notices.announcements["a1"]
    page = client.get(f"/notices/{changed.pk}/").content.decode()
    assert "川自然资源字[2026]0001号" in page
    assert "川DZR[2026]0012" in page
    assert "宗地位于锦江区三圣乡" in page
    assert f'href="/notices/{notices.announcements["a2"].pk}/"' in page  # changed by a2
    announcement, document = notice_with_document("510104")
    with_document = client.get(f"/notices/{announcement.pk}/").content.decode()
    assert document.sha256 in with_document
    assert f"/api/auctions/announcements/{announcement.pk}/documents/{document.pk}/file" in with_document


def test_drafts_and_lots_never_announced_are_not_found(client: Client, notices: Notices):  # noqa: F811
    assert client.get(f"/notices/{notices.announcements['draft'].pk}/").status_code == 404
    assert client.get(f"/lots/{notices.lots['drafted'].pk}/").status_code == 404


def test_a_lot_page_shows_its_schedule_rules_and_announcements(client: Client, notices: Notices):  # noqa: F811
    lot = notices.lots["fucheng"]
    page = client.get(f"/lots/{lot.pk}/").content.decode()

    assert "川DCR[2026]0001" in page
    assert "时间安排（北京时间）" in page
    assert "限时竞价阶段每次报价后重新倒计时 300 秒" in page
    assert "川自然资源字[2026]0013号" in page
    assert "川自然资源字[2026]0012号" in page
