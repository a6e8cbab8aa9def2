"""A task goes through the real Redis broker to a real worker and its result comes back through Redis."""

from config.celery import app


@app.task(name="tests.stack.add_areas")
def add_areas(*areas_m2: str) -> str:
    from decimal import Decimal

    return str(sum(Decimal(a) for a in areas_m2))


def test_a_task_runs_on_a_worker_through_redis(celery_worker, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert not app.conf.task_always_eager

    result = add_areas.delay("1200.50", "333.25")

    assert result.get(timeout=20) == "1533.75"
    assert result.backend.__class__.__name__ == "RedisBackend"
    assert result.successful()
