"""Reads of import jobs: the stored row plus live progress from the cache while it runs."""

from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import is_administrator
from core.errors import NotFound
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


def _visible_to(user: User) -> QuerySet[ImportJob]:
    """Jobs a user may follow: an administrator every job, anyone else their own."""
    jobs = ImportJob.objects.all()
    return jobs if is_administrator(user) else jobs.filter(created_by_id=user.pk)


def import_job_get(*, job_id: int, user: User) -> ImportJob:
    """A job its uploader or an administrator follows; NotFound for anyone else."""
    job = _visible_to(user).filter(pk=job_id).first()
    if job is None:
        raise NotFound()
    return job


def import_jobs_recent(*, user: User, limit: int = 20) -> list[ImportJob]:
    return list(_visible_to(user).select_related("created_by").order_by("-created_at")[:limit])
