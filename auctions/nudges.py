"""The nudge that wakes every process's live hub (auctions/live.py) after a change to a lot's trading commits: a
message {"lot": id} on the deployment's pub/sub channel. It carries no data (the hubs read the entries from the
database), so a lost nudge delays an event by at most one tick and loses nothing."""

import json
import logging

import redis
from django.conf import settings
from django.db import transaction

from core.redis_clients import redis_client

logger = logging.getLogger("auctions.live")

# The entries that go out live (docs/live.md): the trade's own. Applications, deposits and qualifications stay in the
# log: live they would tell who and how many are bidding before the close.
LIVE_KINDS = frozenset(
    {
        "bid.accepted",
        "trading.suspended",
        "trading.resumed",
        "trading.terminated",
        "reserve.committed",
        "reserve.revealed",
        "result",
        "result.revoked",
    }
)


def channel() -> str:
    """The pub/sub channel of this deployment (Redis pub/sub ignores the database number: the name keeps two sites or
    two test runs on one Redis apart)."""
    return f"land:{settings.DATABASES['default']['NAME']}:lot-events"


def publish_on_commit(lot_id: int) -> None:
    """Nudge every process's hub after the current transaction commits (nothing is sent if it rolls back)."""
    transaction.on_commit(lambda: publish(lot_id))


def publish(lot_id: int) -> None:
    url = settings.REDIS_URL
    if not url:
        return  # no Redis: the hubs' tickers alone carry the entries, within a tick
    try:
        redis_client(url).publish(channel(), json.dumps({"lot": lot_id}))
    except (OSError, redis.RedisError) as error:  # Redis down: the tickers carry the entries; the change stands
        logger.warning("live: the nudge for lot %s was not published (%s)", lot_id, type(error).__name__)
