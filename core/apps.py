"""The shared kernel: errors, pagination, health."""

import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("core")


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import health

        health.register_default_checks()
        if settings.CELERY_TASK_ALWAYS_EAGER:
            logger.warning(
                "DEGRADED: no Redis broker configured (REDIS_URL is empty); Celery tasks run eagerly "
                "inside the web process and the cache is per-process."
            )
