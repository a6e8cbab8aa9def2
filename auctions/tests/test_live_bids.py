"""Bids beside a busy live channel: a bid that finds no database connection within the pool's timeout (a burst of
bidders queued behind one lot's lock, 2,000 watchers on the same process) is answered 503 busy with Retry-After, never
500, and nothing of it is written (docs/live.md, "Many watchers of one lot")."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from psycopg_pool import PoolTimeout
from rest_framework.test import APIClient

from auctions.models import Bid
from auctions.tests.trading_world import qualified_bidder, shift_to, trading_lot
from core.clock import shifted

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_bid_that_gets_no_database_connection_in_time_is_answered_503_busy_not_500():
    world = trading_lot(mode="auction")
    user, _qualification = qualified_bidder(world, "甲")
    lot = world["lot"]
    client = APIClient()
    client.force_authenticate(user)
    shift = shift_to(lot.auction_starts_at, plus=timedelta(seconds=1))
    pool = getattr(connection, "pool", None)  # PostgreSQL's pool (psycopg-pool), when DATABASE_POOL_MAX_SIZE is set
    if pool is None:
        pytest.skip("the database pool is off (DATABASE_POOL_MAX_SIZE=0)")
    connection.close()  # the test's own connection goes back: the request has to take one from the pool
    taken: list[Any] = []  # every connection busy, as under the burst (a live hub or a server thread may hold some)
    timeout, pool.timeout = pool.timeout, 0.2  # the pool's wait, shortened from DATABASE_POOL_TIMEOUT for the test
    try:
        while len(taken) < pool.max_size:
            try:
                taken.append(pool.getconn(timeout=0.5))
            except PoolTimeout:
                break
        with shifted(shift):
            answer = client.post(
                f"/api/auctions/lots/{lot.pk}/bids/",
                {"client_bid_id": str(uuid.uuid4()), "amount_wan": "1000"},
                format="json",
            )
    finally:
        pool.timeout = timeout
        for each in taken:
            pool.putconn(each)
    assert answer.status_code == 503
    assert answer["Retry-After"] == "1"
    assert answer.json()["error"]["code"] == "busy"
    assert not Bid.objects.filter(lot=lot).exists()
