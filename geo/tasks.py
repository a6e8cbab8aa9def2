"""Celery tasks of geo: thin wrappers over services."""

from celery import shared_task

from geo import services


@shared_task(name="geo.import_job_run", acks_late=True)
def import_job_run_task(job_id: int) -> str:
    return services.import_job_run(job_id=job_id).status
