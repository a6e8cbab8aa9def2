"""Writes in geo: import jobs — an uploaded file checked by content, imported by a Celery task, with a report."""

import json
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import has_role, is_administrator
from core.archives import ArchiveDamaged, ArchiveLimits, ArchiveRefused, inflate, zip_check
from core.errors import InvalidInput, NotFound
from geo.importers import amenities, parcels, regions
from geo.importers.loader import ImportOptions
from geo.importers.runner import import_path
from geo.importers.source import SUPPORTED_SUFFIXES, ImportRefused
from geo.models import ImportJob

SPECS = {"regions": regions.SPECS, "parcels": parcels.SPECS, "amenities": amenities.SPECS}
ENCODINGS = {"utf-8", "gbk", "gb18030", "gb2312", "big5"}
MAX_UPLOAD_BYTES = settings.GEO_IMPORT_MAX_UPLOAD_BYTES
# What the first bytes of each accepted upload must look like; a Shapefile comes as a .zip of its parts.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".zip": (b"PK\x03\x04",),
    ".gpkg": (b"SQLite format 3\x00",),
    ".geojson": (b"{",),
    ".json": (b"{",),
    ".kml": (b"<?xml", b"<kml"),
}


def _field_error(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [{"code": "invalid", "message": message}]})


def archive_limits() -> ArchiveLimits:
    """The limits of a zipped import (settings GEO_IMPORT_MAX_UNZIPPED_BYTES, GEO_IMPORT_ARCHIVE_*)."""
    return ArchiveLimits(
        total_bytes=settings.GEO_IMPORT_MAX_UNZIPPED_BYTES,
        ratio=settings.GEO_IMPORT_ARCHIVE_MAX_RATIO,
        members=settings.GEO_IMPORT_ARCHIVE_MAX_MEMBERS,
        nested_bytes=settings.UPLOAD_ARCHIVE_MAX_NESTED_BYTES,
    )


def _check_zip(upload: UploadedFile) -> None:
    """A zipped upload within the archive limits, judged by its directory (nothing is inflated in the request)."""
    try:
        zip_check(upload, archive_limits())  # an UploadedFile reads and seeks like IO[bytes]
    except ArchiveRefused as refused:
        fields = {"file": [{"code": refused.code, "message": str(refused.message)}]}
        raise InvalidInput(refused.message, fields=fields) from None
    except ArchiveDamaged:
        raise _field_error("file", _("The file is not a readable zip archive.")) from None
    finally:
        upload.seek(0)


def _check_upload(upload: UploadedFile) -> str:
    name = upload.name or ""
    suffix = Path(name).suffix.lower()
    if suffix not in SIGNATURES and suffix != ".csv":
        raise _field_error("file", _("Upload a .zip (Shapefile and its parts), .gpkg, .geojson, .kml or .csv file."))
    if upload.size is None or upload.size == 0:
        raise _field_error("file", _("The file is empty."))
    if upload.size > MAX_UPLOAD_BYTES:
        raise _field_error("file", _("The file is larger than {n} MB.").format(n=MAX_UPLOAD_BYTES // 1024**2))
    upload.seek(0)
    head = upload.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    upload.seek(0)
    if suffix == ".csv":
        if b"\x00" in head:
            raise _field_error("file", _("The file's content is not CSV text."))
    elif not head.startswith(SIGNATURES[suffix]):
        raise _field_error("file", _("The file's content does not match its {suffix} name.").format(suffix=suffix))
    if suffix == ".zip":
        _check_zip(upload)
    return suffix


def _clean_options(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    known = {"srs", "encoding", "layer", "fields", "code_from_filename", "category"}
    unknown = set(raw) - known
    if unknown:
        raise _field_error("options", _("Unknown options: {names}.").format(names=", ".join(sorted(unknown))))
    options: dict[str, Any] = {}
    for key in ("srs", "layer", "category"):
        value = raw.get(key)
        if value not in (None, ""):
            if not isinstance(value, str) or len(value) > 64:
                raise _field_error(key, _("Give a text of at most 64 characters."))
            options[key] = value.strip()
    encoding = raw.get("encoding")
    if encoding not in (None, ""):
        if not isinstance(encoding, str) or encoding.lower() not in ENCODINGS:
            raise _field_error("encoding", _("Use one of: {names}.").format(names=", ".join(sorted(ENCODINGS))))
        options["encoding"] = encoding.lower()
    options["code_from_filename"] = bool(raw.get("code_from_filename"))
    fields = raw.get("fields") or {}
    targets = {spec.target for spec in SPECS[kind]}
    if not isinstance(fields, dict) or not all(isinstance(v, str) and len(v) <= 64 for v in fields.values()):
        raise _field_error("fields", _('Map fields as {"field": "attribute"}.'))
    if set(fields) - targets:
        raise _field_error(
            "fields",
            _("Unknown fields: {names}; known: {known}.").format(
                names=", ".join(sorted(set(fields) - targets)), known=", ".join(sorted(targets))
            ),
        )
    options["fields"] = {k: v for k, v in fields.items() if v}
    return options


def import_job_create(*, kind: str, upload: UploadedFile, options: dict[str, Any], created_by: User) -> ImportJob:
    """Check the upload and options, store the file and queue the import (after the commit)."""
    if kind not in ImportJob.Kind.values:
        raise _field_error("kind", _("Choose regions, parcels or amenities."))
    _check_upload(upload)
    cleaned = _clean_options(kind, options)
    from geo.tasks import import_job_run_task

    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind, file=upload, options=cleaned, created_by=created_by, language=translation.get_language()
        )
        transaction.on_commit(lambda: import_job_run_task.delay(job.pk))
    return job


def progress_key(job_id: int) -> str:
    return f"geo:import:{job_id}:progress"


def _unpack(job: ImportJob, workdir: Path) -> Path:
    """The uploaded file, or the directory its .zip unpacks into (names flattened; no paths; checked again by its
    directory, and each member copied out with a bound: no more bytes than it declares)."""
    stored = Path(job.file.path)
    if stored.suffix.lower() != ".zip":
        target = workdir / stored.name
        shutil.copyfile(stored, target)
        return target
    try:
        with open(stored, "rb") as raw:
            zip_check(raw, archive_limits())
        with zipfile.ZipFile(stored) as archive:
            for member in archive.infolist():
                name = Path(member.filename).name
                if member.is_dir() or name.startswith(".") or not name:
                    continue
                with archive.open(member) as src, open(workdir / name, "wb") as dst:
                    inflate(src, dst, member.file_size)
    except ArchiveRefused as refused:
        raise ImportRefused(_("{file}: {reason}").format(file=stored.name, reason=refused.message)) from refused
    except (ArchiveDamaged, zipfile.BadZipFile) as exc:
        raise ImportRefused(_("{file}: not a readable zip archive").format(file=stored.name)) from exc
    if not any(p.suffix.lower() in SUPPORTED_SUFFIXES for p in workdir.iterdir()):
        raise ImportRefused(
            _("{file}: the archive holds no Shapefile, GeoPackage, GeoJSON, KML or CSV").format(file=stored.name)
        )
    return workdir


def _import_scope(user: User | None) -> tuple[str, ...] | None:
    """Where the job's files may write: anywhere for an administrator, the regions of GIS staff, nowhere for anyone
    else (a user whose role was taken away after the upload)."""
    if user is not None and is_administrator(user):
        return None
    if user is not None and has_role(user, User.Role.GIS_STAFF):
        return tuple(user.regions)
    return ()


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued job; progress goes to the cache while the import's own transaction is open."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            raise NotFound()
        if job.status != ImportJob.Status.QUEUED:
            return job
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["status"])

    files: dict[str, tuple[int, int]] = {}

    def progress(name: str, done: int, total: int) -> None:
        files[name] = (done, total)
        cache.set(
            progress_key(job_id),
            {
                "file": name,
                "processed": sum(d for d, _t in files.values()),
                "total": sum(t for _d, t in files.values()),
            },
            timeout=24 * 3600,
        )

    options = job.options
    import_options = ImportOptions(
        srs=options.get("srs"),
        encoding=options.get("encoding"),
        layer=options.get("layer"),
        fields=options.get("fields", {}),
        code_from_filename=options.get("code_from_filename", False),
        category=options.get("category"),
        scope=_import_scope(job.created_by),
    )
    with tempfile.TemporaryDirectory(prefix="land-import-") as tmp, translation.override(job.language):
        try:
            path = _unpack(job, Path(tmp))
            reports = import_path(kind=job.kind, path=path, options=import_options, progress=progress)  # type: ignore[arg-type]
            report: dict[str, Any] = {"files": [r.as_dict() for r in reports]}
            ok = all(r.ok for r in reports)
        except ImportRefused as exc:
            report, ok = {"files": [], "error": str(exc.message)}, False

    job.status = ImportJob.Status.SUCCEEDED if ok else ImportJob.Status.FAILED
    job.report = json.loads(json.dumps(report, default=str))
    job.total = sum(f["features"] for f in report["files"])
    job.processed = sum(f["features"] for f in report["files"] if f["ok"])
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "report", "total", "processed", "finished_at"])
    cache.delete(progress_key(job_id))
    return job
