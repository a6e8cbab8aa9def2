"""Supervision's warnings (监管预警, auctions.models.Anomaly): noting a bidder refused many times within a minute and a
close that ran late. They decide nothing; the supervisors of the lot's region read them (docs/supervision.md).

Refusals are counted in Redis per lot and bidder over a 60 s window that starts at the bidder's first refusal; the
count is noted after the refused bid's transaction, so the accepted bid's path never pays for it. The late close is
noted by the close itself, in its transaction."""

import logging
from datetime import datetime

import redis
from django.conf import settings

from accounts.models import User
from auctions.models import Anomaly, Qualification
from auctions.services.evidence import utc_text
from core.clock import db_now
from core.redis_clients import redis_client

logger = logging.getLogger("auctions.anomalies")

WINDOW_SECONDS = 60


def refusal_note(*, user: User, lot_id: int, code: str) -> Anomaly | None:
    """Count a refused bid of `user` on the lot (call it after the bid's transaction, never inside it). When the
    bidder's refusals in the current window reach SUPERVISION_REFUSALS_PER_MINUTE, write one `refusals` anomaly for
    that window and return it. Someone not qualified for the lot is counted by user id and named in no detail. Redis
    down or absent: the refusal is not counted (a warning is logged) and the bidder's answer is unchanged."""
    qualification = (
        Qualification.objects.filter(lot_id=lot_id, application__applicant=user.principal)
        .values_list("pk", "bidder_number")
        .first()
    )
    who = f"q{qualification[0]}" if qualification else f"u{user.pk}"
    key = f"land:{settings.DATABASES['default']['NAME']}:refusals:{lot_id}:{who}"
    try:
        noted = _counted(key)
    except (OSError, redis.RedisError) as error:
        logger.warning("supervision: a refusal on lot %s was not counted (%s)", lot_id, type(error).__name__)
        return None
    if noted is None:
        return None
    detail = {
        "bidder_number": qualification[1] if qualification else None,
        "refusals": noted,
        "window_seconds": WINDOW_SECONDS,
        "last_code": code,
    }
    return Anomaly.objects.create(lot_id=lot_id, kind=Anomaly.Kind.REFUSALS, detail=detail, created_at=db_now())


def _counted(key: str) -> int | None:
    """Add one to the window's count (INCR and the window's EXPIRE in one round trip); the count when it reaches the
    threshold and this window has no anomaly yet (a SET NX guard that lives as long as the window), else None."""
    url = settings.REDIS_URL
    if not url:
        return None  # no Redis: nothing is counted
    client = redis_client(url)
    pipe = client.pipeline()
    pipe.incr(key)
    pipe.expire(key, WINDOW_SECONDS, nx=True)  # the window starts at the first refusal
    pipe.ttl(key)
    count, _started, ttl = pipe.execute()
    if count < settings.SUPERVISION_REFUSALS_PER_MINUTE:
        return None
    if not client.set(f"{key}:noted", 1, nx=True, ex=max(int(ttl), 1)):
        return None  # this window's anomaly is written already
    return int(count)


def late_close_note(*, lot_id: int, deadline: datetime | None, closed_at: datetime) -> Anomaly | None:
    """In the close's transaction: a `late_close` anomaly when the close ran more than SUPERVISION_LATE_CLOSE_SECONDS
    after the deadline the clock had decided the end at; None when it ran in time."""
    if deadline is None:
        return None
    late = (closed_at - deadline).total_seconds()
    if late <= settings.SUPERVISION_LATE_CLOSE_SECONDS:
        return None
    detail = {"deadline": utc_text(deadline), "closed_at": utc_text(closed_at), "seconds_late": round(late, 3)}
    return Anomaly.objects.create(lot_id=lot_id, kind=Anomaly.Kind.LATE_CLOSE, detail=detail, created_at=closed_at)
