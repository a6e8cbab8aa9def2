"""Reads of import jobs: the stored row plus live progress from the cache while it runs."""

from typing import Any

from django.core.cache import cache

from geo.models import ImportJob
from geo.services import progress_key


def import_job_state(*, job: ImportJob) -> dict[str, Any]:
    state: dict[str, Any] = {
        field: getattr(job, field)
        for field in (
            "id",
            "kind",
            "file",
            "status",
            "processed",
            "total",
            "options",
            "report",
            "created_at",
            "finished_at",
        )
    }
    state["file"] = (job.file.name or "").rsplit("/", 1)[-1]
    state["current_file"] = None
    if job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        live = cache.get(progress_key(job.pk))
        if live:
            state.update(processed=live["processed"], total=live["total"], current_file=live["file"])
    return state


def import_jobs_recent(*, limit: int = 20) -> list[ImportJob]:
    return list(ImportJob.objects.select_related("created_by").order_by("-created_at")[:limit])
