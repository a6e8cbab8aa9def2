"""Celery tasks of market: thin wrappers over services."""

from celery import shared_task

from market.services.demand import demand_expire_due
from market.services.pre_announcements import pre_announcement_expire_due
from market.services.supply import supply_expire_due


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def expire_listings() -> dict[str, int]:
    """Supply, demand and pre-announcements published more than six months ago leave the public (Celery beat)."""
    return {
        "supply": supply_expire_due(),
        "demand": demand_expire_due(),
        "pre_announcements": pre_announcement_expire_due(),
    }
