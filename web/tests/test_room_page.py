"""The trading room page (/lots/<id>/room/): an announced lot's room to anyone, with the live data's addresses and
the script's words in Chinese; a lot never announced is not found; the lot page links the room during trading only."""

import json
from datetime import timedelta

import pytest
from django.test import Client

from auctions.models import Lot
from auctions.tests.trading_world import shift_to, trading_lot
from core.clock import shifted

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)


def test_an_announced_lots_room_is_public_and_a_lot_never_announced_is_not_found():
    world = trading_lot(mode="auction")
    lot = world["lot"]
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/lots/{lot.pk}/room/")
    html = response.content.decode()
    labels = json.loads(html.split('id="room-labels" type="application/json">')[1].split("</script>")[0])
    assert response.status_code == 200
    assert f'data-events-url="/api/auctions/lots/{lot.pk}/events/"' in html
    assert 'id="lot-summary"' in html
    assert labels["reconnecting"] == "连接中断，正在重连…"
    assert labels["synced"] == "已同步"
    assert labels["confirm"] == "确认出价 {amount} 万元?"
    Lot.objects.filter(pk=lot.pk).update(status=Lot.Status.REGISTERED)
    assert Client().get(f"/lots/{lot.pk}/room/").status_code == 404
    assert Client().get("/lots/999999/room/").status_code == 404


def test_the_lot_page_links_its_room_during_trading_only():
    world = trading_lot(mode="auction")
    lot = world["lot"]
    before = Client().get(f"/lots/{lot.pk}/").content.decode()
    with shifted(shift_to(lot.auction_starts_at, plus=SECOND)):
        during = Client().get(f"/lots/{lot.pk}/").content.decode()
    assert 'id="lot-room-link"' not in before
    assert f'href="/lots/{lot.pk}/room/" id="lot-room-link"' in during
