"""The lots layer: public lots only (a published announcement), their attributes and phase by the database clock,
filters, clusters and outlines, and a cache that follows announcements and the next phase boundary."""

import types
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import user_create
from auctions.models import Announcement, Lot
from auctions.services.announcements import announcement_draft, announcement_publish
from auctions.services.lots import Grant, lot_register_submitted, lot_return, lot_submit_by_grantor
from auctions.tests.factories import centre_create, centre_staff_create, listing_terms
from core.clock import db_now
from geo.tests.factories import box, parcel_create, point_in, square_in
from tiles import services
from tiles.grid import TileAddress, tile_of
from tiles.layers import LAYERS
from tiles.tests.conftest import features

pytestmark = pytest.mark.django_db

ORIGIN = (
    -0.005,
    -0.008,
)  # from INSIDE 锦江区 (1685 m from its edge): lots up to 0.006° east of it stay in one z14 tile
LON, LAT = point_in("510104", ORIGIN)
TILE = TileAddress(14, *tile_of(14, LON, LAT))


def url(tile: TileAddress = TILE, query: str = "") -> str:
    return f"/tiles/lots/{tile.z}/{tile.x}/{tile.y}.mvt" + (f"?{query}" if query else "")


@pytest.fixture
def world(tree, settings, tmp_path) -> dict[str, Any]:
    settings.MEDIA_ROOT = str(tmp_path)
    centre = centre_create(region=tree["chengdu"])
    return {
        "centre": centre,
        "staff": centre_staff_create(centre),
        "grantor": user_create(role=User.Role.GRANTOR, regions=["510104"], real_name="成都市锦江区自然资源局"),
        "now": db_now(),  # the database's now() of this test's transaction: the clock the tiles read
    }


def auction_terms(auction_at: datetime) -> Any:
    return listing_terms(
        start=auction_at - timedelta(days=20),
        applications_close_at=auction_at - timedelta(hours=3),
        deposit_deadline=auction_at - timedelta(hours=2),
        trading_mode="auction",
        listing_starts_at=None,
        listing_ends_at=None,
        auction_starts_at=auction_at,
    )


def lot_create(
    world: dict[str, Any],
    title: str,
    *,
    terms: Any = None,
    offset: tuple[float, float] = (0.0, 0.0),
    stage: str = "published",
    **grant: Any,
) -> Lot:
    """A grantor's lot in 锦江区 at `offset` (degrees) from LON, LAT, taken to `stage`: submitted, returned, registered,
    draft (an announcement drafted) or published."""
    values = {"transfer": "grant", "location": (LON + offset[0], LAT + offset[1])} | grant
    lot = lot_submit_by_grantor(
        user=world["grantor"],
        grant=Grant(centre_id=world["centre"].pk, region_code="510104", title=title, **values),
        terms=terms or listing_terms(),
    )
    if stage == "submitted":
        return lot
    if stage == "returned":
        return lot_return(user=world["staff"], lot_id=lot.pk, reason="缺少宗地图")
    lot.documents.create(
        title="出让须知", file="n.pdf", original_name="n.pdf", content_type="application/pdf", size=1, sha256="0" * 64
    )
    lot = lot_register_submitted(user=world["staff"], lot_id=lot.pk)
    if stage == "registered":
        return lot
    draft = announcement_draft(user=world["staff"], lot_id=lot.pk, title=f"{title}出让公告", body="正文")
    if stage == "published":
        announcement_publish(user=world["staff"], announcement_id=draft.pk)
    lot.refresh_from_db()
    return lot


def shown(response: Any) -> dict[int, dict[str, Any]]:
    return {feature["id"]: feature for feature in features(response, "lots")}


def test_a_lots_tile_holds_announced_lots_only_with_their_public_attributes(client: Client, world):
    public = lot_create(world, "锦江区A-01地块", offset=(0.001, 0.001))
    for offset, stage in enumerate(("submitted", "returned", "registered", "draft"), start=2):
        lot_create(world, stage, stage=stage, offset=(0.001 * offset, 0))

    found = shown(client.get(url()))

    assert set(found) == {public.pk}
    assert found[public.pk]["properties"] == {
        "id": public.pk,
        "number": public.number,
        "title": "锦江区A-01地块",
        "trading_mode": "listing",
        "kind": "land_use_right",
        "start_price_wan": 1200.0,
        "region": "510104",
        "phase": "announced",  # applications open in an hour
    }
    assert found[public.pk]["geometry"]["type"] == "Point"


def test_the_phase_follows_the_schedule_at_the_database_clock(client: Client, world):
    now = world["now"]
    hour, day = timedelta(hours=1), timedelta(days=1)
    lots = {
        "announced": lot_create(world, "公告期", terms=listing_terms(start=now - day, applications_open_at=now + hour)),
        "applying": lot_create(world, "报名期", terms=listing_terms(start=now - hour), offset=(0.001, 0)),
        "listing": lot_create(world, "挂牌期", terms=listing_terms(start=now - 10 * day - hour), offset=(0.002, 0)),
        "ended": lot_create(world, "挂牌结束", terms=listing_terms(start=now - 21 * day - hour), offset=(0.003, 0)),
        "auction_day": lot_create(world, "拍卖日", terms=auction_terms(now), offset=(0.004, 0)),
        "auction_ended": lot_create(world, "拍卖结束", terms=auction_terms(now - 2 * day), offset=(0.005, 0)),
        "auction_waiting": lot_create(world, "待拍卖", terms=auction_terms(now + 3 * day), offset=(0.006, 0)),
    }

    found = shown(client.get(url()))

    assert {name: found[lot.pk]["properties"]["phase"] for name, lot in lots.items()} == {
        "announced": "announced",
        "applying": "applying",
        "listing": "listing",
        "ended": "ended",
        "auction_day": "auction_day",
        "auction_ended": "ended",
        "auction_waiting": "applying",  # applications closed, the auction day not come: still 报名期
    }


def test_lots_filters_take_the_notices_names_and_the_phase(client: Client, world, tree):
    now = world["now"]
    listing = lot_create(world, "挂牌", terms=listing_terms(start=now - timedelta(days=10) - timedelta(hours=1)))
    auction = lot_create(world, "拍卖", terms=auction_terms(now + timedelta(days=3)), offset=(0.002, 0))
    mining = lot_create(world, "采矿权", kind="mining_right", transfer="extraction", offset=(0.004, 0))
    every = {listing.pk, auction.pk, mining.pk}

    def ids(query: str) -> set[int]:
        response = client.get(url(query=query))
        return set() if response.status_code == 204 else set(shown(response))

    assert ids("region=510104") == ids("region=510100") == every
    assert ids("region=510105") == set()
    assert ids("trading_mode=auction") == {auction.pk}
    assert ids("lot_kind=mining_right") == {mining.pk}
    assert ids(f"centre={world['centre'].pk}") == every
    assert ids(f"centre={world['centre'].pk + 1000}") == set()
    assert ids("phase=listing") == {listing.pk}
    assert ids("phase=applying,announced") == {auction.pk, mining.pk}
    bad = client.get(url(query="phase=bidding"))
    assert bad.status_code == 400
    assert "phase" in bad.json()["error"]["fields"]


def test_lots_cluster_at_low_zooms_and_show_their_outline_at_high_zooms(client: Client, world, tree, settings):
    parcel = parcel_create(
        code="510104001001GB00001", geometry=square_in("510104", 0.002, offset=ORIGIN), region=tree["jinjiang"]
    )
    on_parcel = lot_create(world, "宗地上的标的", parcel_id=parcel.pk, location=None)
    mining = lot_create(world, "采矿权", kind="mining_right", transfer="extraction", offset=(0.01, 0.015))
    Lot.objects.filter(pk=mining.pk).update(area=box(104.105, 30.605, 104.115, 30.615))
    near = lot_create(world, "近旁", offset=(0.0005, 0.0005))
    low = TileAddress(6, *tile_of(6, LON, LAT))
    high = TileAddress(settings.TILES_LOTS_OUTLINE_MIN_ZOOM, *tile_of(settings.TILES_LOTS_OUTLINE_MIN_ZOOM, LON, LAT))

    clustered = features(client.get(url(low)), "lots")
    outlined = shown(client.get(url(high)))
    mining_tile = TileAddress(high.z, *tile_of(high.z, 104.11, 30.61))
    mining_shape = shown(client.get(url(mining_tile)))[mining.pk]["geometry"]["type"]

    assert [(f["properties"]["cluster"], f["properties"]["count"]) for f in clustered] == [(True, 3)]
    assert outlined[on_parcel.pk]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert outlined[near.pk]["geometry"]["type"] == "Point"
    assert mining_shape in {"Polygon", "MultiPolygon"}


def test_publishing_an_announcement_invalidates_the_cached_lots_tiles(
    client: Client, world, django_capture_on_commit_callbacks
):
    lot_create(world, "已公告", offset=(0.001, 0))
    registered = lot_create(world, "待公告", stage="registered", offset=(0.003, 0))
    first = client.get(url())
    again = client.get(url())

    draft = announcement_draft(user=world["staff"], lot_id=registered.pk, title="待公告出让公告", body="正文")
    with django_capture_on_commit_callbacks(execute=True):
        announcement_publish(user=world["staff"], announcement_id=draft.pk)
    after = client.get(url())

    assert (first["X-Tile-Cache"], again["X-Tile-Cache"]) == ("miss", "hit")
    assert registered.pk not in shown(again)
    assert after["X-Tile-Cache"] == "miss"
    assert registered.pk in shown(after)
    assert Announcement.objects.filter(lot=registered, status="published").exists()


def test_a_cached_lots_tile_is_not_kept_past_the_next_phase_boundary(client: Client, world, monkeypatch):
    now = world["now"]
    opens = now + timedelta(seconds=40)
    lot = lot_create(world, "即将报名", terms=listing_terms(start=now - timedelta(days=1), applications_open_at=opens))
    first = client.get(url())
    cached = client.get(url())
    # The boundary passes: the database's clock is this transaction's, so the lot's schedule moves instead (without
    # a signal, as time passing sends none), and the server's clock jumps past the boundary it cached.
    Lot.objects.filter(pk=lot.pk).update(applications_open_at=now - timedelta(seconds=1))
    later = opens.timestamp() + 1
    monkeypatch.setattr(services, "time", types.SimpleNamespace(time=lambda: later, monotonic=lambda: 0.0))
    after = client.get(url())

    assert shown(first)[lot.pk]["properties"]["phase"] == "announced"
    assert cached["X-Tile-Cache"] == "hit"
    assert 0 <= int(first["Cache-Control"].rsplit("=", 1)[1]) <= 40  # no browser keeps it past the boundary
    assert after["X-Tile-Cache"] == "miss"
    assert shown(after)[lot.pk]["properties"]["phase"] == "applying"


def test_lots_tilejson_names_the_phase_attribute(client: Client, world):
    lot_create(world, "已公告")

    body = client.get("/tiles/lots.json").json()

    (source,) = body["vector_layers"]
    assert source["id"] == "lots"
    assert {"number", "phase", "start_price_wan", "trading_mode", "kind"} <= set(source["fields"])
    west, south, east, north = body["bounds"]
    assert west <= round(LON, 6) <= east
    assert south <= round(LAT, 6) <= north
    assert LAYERS["lots"].next_change is not None


def test_a_lots_tile_price_is_in_ten_thousand_yuan(client: Client, world):
    lot = lot_create(world, "高价", terms=listing_terms(start_price_wan=Decimal("12345.5")))

    assert shown(client.get(url()))[lot.pk]["properties"]["start_price_wan"] == 12345.5


def test_the_maps_lot_list_holds_the_lots_the_tiles_draw_with_phase_and_links(client: Client, world):
    now = world["now"]
    listing = lot_create(world, "挂牌中", terms=listing_terms(start=now - timedelta(days=10, hours=1)))
    lot_create(world, "已登记", stage="registered", offset=(0.002, 0))
    auction = lot_create(world, "拍卖", terms=auction_terms(now + timedelta(days=3)), offset=(0.004, 0))

    every = client.get("/api/auctions/map/lots/").json()
    listing_only = client.get("/api/auctions/map/lots/?phase=listing&region=510104").json()
    bad = client.get("/api/auctions/map/lots/?lot_kind=oil")

    assert [row["id"] for row in every["results"]] == [listing.pk, auction.pk]  # newest announcement start first
    row = every["results"][0]
    announcement = Announcement.objects.get(lot=listing, status="published")
    assert (row["number"], row["phase"], row["start_price_wan"]) == (listing.number, "listing", "1200.0000")
    assert row["page"] == f"/lots/{listing.pk}/"
    assert row["announcement_page"] == f"/notices/{announcement.pk}/"
    assert row["region"] == {"code": "510104", "name": "锦江区"}
    assert row["location"] == pytest.approx([LON, LAT])
    assert [item["id"] for item in listing_only["results"]] == [listing.pk]
    assert bad.status_code == 400
    assert "lot_kind" in bad.json()["error"]["fields"]
