"""Health: a cheap public liveness answer, and every component's check (apps register their own) for staff."""

import logging
import time
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.db import connection

logger = logging.getLogger("core.health")

Check = Callable[[], dict[str, Any]]
_checks: dict[str, Check] = {}
ESSENTIAL = {"database"}  # without these the product is down, not degraded


def register(name: str) -> Callable[[Check], Check]:
    def decorator(check: Check) -> Check:
        _checks[name] = check
        return check

    return decorator


def run_checks() -> dict[str, Any]:
    """{"status": "ok"|"degraded"|"down", "components": {name: {"status": "up"|"down", ...}}}."""
    components: dict[str, Any] = {}
    for name, check in _checks.items():
        started = time.monotonic()
        try:
            result = check()
        except Exception as exc:  # a check that breaks reports its component down, never the page
            logger.warning("health check %s failed: %s", name, exc)
            result = {"status": "down", "detail": f"{type(exc).__name__}: {exc}"}
        result["latency_ms"] = round((time.monotonic() - started) * 1000, 1)
        components[name] = result
    down = {name for name, c in components.items() if c["status"] != "up"}
    status = "ok" if not down else "down" if down & ESSENTIAL else "degraded"
    if down:
        logger.warning("health %s: %s", status, ", ".join(sorted(down)))
    return {"status": status, "components": components}


def liveness() -> dict[str, str]:
    """The public answer: {"status": "ok"} while the database answers, else {"status": "down"}; one cheap query, no
    other server asked, nothing named (no versions, hosts or workers: those are in run_checks, for staff)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure to reach the database means down
        logger.warning("liveness: the database does not answer: %s", exc)
        return {"status": "down"}
    return {"status": "ok"}


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), postgis_lib_version()")
        postgres, postgis = cursor.fetchone()
    return {"status": "up", "postgresql": postgres, "postgis": postgis}


def check_redis() -> dict[str, Any]:
    if not settings.REDIS_URL:
        return {"status": "down", "detail": "REDIS_URL is not set: per-process cache, Celery runs eagerly"}
    timeout = settings.HEALTH_CHECK_TIMEOUT
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        info = client.info("server")
    finally:
        client.close()
    return {"status": "up", "version": info["redis_version"]}


def check_celery() -> dict[str, Any]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": "down", "detail": "no broker configured: tasks run eagerly in the web process"}
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_CHECK_TIMEOUT)
    replies = app.control.ping(timeout=settings.HEALTH_CHECK_TIMEOUT) or []
    workers = sorted(name for reply in replies for name in reply)
    if not workers:
        return {"status": "down", "workers": [], "detail": "no Celery worker answered"}
    return {"status": "up", "workers": workers}


def register_default_checks() -> None:
    register("database")(check_database)
    register("redis")(check_redis)
    register("celery")(check_celery)
