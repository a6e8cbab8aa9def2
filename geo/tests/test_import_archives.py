"""Zipped GIS uploads judged by their directory before a job is made (zip bombs, too many members, encryption),
and checked again by the worker before it unpacks anything."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from accounts.models import User
from core.tests.samples import MIB, encrypted, zip_bomb, zip_of
from geo.models import ImportJob
from geo.services import import_job_run
from geo.tests.gisfiles import square, write_layer

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator() -> User:
    return User.objects.create_user(phone="13800000002", password="x", role=User.Role.ADMIN)


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client: Client, name: str, content: bytes):
    file = io.BytesIO(content)
    file.name = name
    return client.post("/api/geo/imports/", {"kind": "parcels", "file": file, "options": json.dumps({})})


@pytest.mark.parametrize(
    ("content", "overrides", "code"),
    [
        # 1 GiB of zeros deflated to 1,043,774 bytes: a ratio of 1029, over GEO_IMPORT_ARCHIVE_MAX_RATIO (1000).
        pytest.param(zip_bomb(), {}, "archive_ratio", id="1gib-bomb"),
        pytest.param(zip_bomb(), {"GEO_IMPORT_MAX_UNZIPPED_BYTES": 512 * MIB}, "archive_too_large", id="total"),
        pytest.param(
            zip_of({f"zd{i}.prj": b"x" for i in range(11)}),
            {"GEO_IMPORT_ARCHIVE_MAX_MEMBERS": 10},
            "archive_too_many_files",
            id="members",
        ),
        pytest.param(encrypted(zip_of({"zd.shp": b"x" * 100})), {}, "archive_encrypted", id="encrypted"),
    ],
)
def test_a_zip_over_the_limits_is_refused_at_upload_and_makes_no_job(
    client, administrator, media, settings, content, overrides, code
):
    for name, value in overrides.items():
        setattr(settings, name, value)
    client.force_login(administrator)

    response = upload(client, "zd.zip", content)

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"][0]["code"] == code
    assert not ImportJob.objects.exists()
    assert not any(p.is_file() for p in Path(media).rglob("*"))


def test_a_zipped_shapefile_with_blank_padded_attributes_passes_the_check(client, administrator, tmp_path):
    """Empty text columns pad the DBF with blanks that deflate about 100 times: a real file, not a bomb."""
    shp = write_layer(
        tmp_path / "zd.shp",
        [square(39_500_000 + (i % 100) * 200, 3_320_000 + (i // 100) * 200, 100) for i in range(20_000)],
        {"ZDDM": [f"Z{i}" for i in range(20_000)], "BZ": [""] * 20_000, "QLR": [None] * 20_000},
        driver="ESRI Shapefile",
        crs="EPSG:4527",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in shp.parent.glob("zd.*"):
            archive.write(part, part.name)
    client.force_login(administrator)

    response = upload(client, "zd.zip", buffer.getvalue())

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "queued"


def test_the_worker_checks_a_stored_zip_again_before_unpacking_it(administrator, settings):
    """A job whose file skipped the upload check (stored before the limits, or the limits lowered since)."""
    job = ImportJob.objects.create(
        kind="parcels", file=ContentFile(zip_bomb(), name="zd.zip"), options={}, created_by=administrator, language="en"
    )
    settings.GEO_IMPORT_MAX_UNZIPPED_BYTES = 512 * MIB

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.report["error"].endswith(": The archive unpacks to more than 512 MB.")
