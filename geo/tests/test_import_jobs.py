"""Staff upload a file; a real Celery worker imports it; the job shows progress and a report."""

import io
import json
import time
import zipfile
from pathlib import Path

import pytest
import shapely
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.test import Client

from accounts.models import User
from geo.models import ImportJob, Parcel, Region
from geo.tests.gisfiles import square, write_layer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_client(client: Client) -> Client:
    """An administrator, who imports anywhere (GIS staff import into their regions: test_import_scope.py)."""
    client.force_login(User.objects.create_user(phone="13800000002", password="x", role=User.Role.ADMIN))
    return client


def zipped_shapefile(tmp_path: Path) -> bytes:
    shp = write_layer(
        tmp_path / "zd.shp",
        [square(39_500_000 + i * 200, 3_320_000, 100) for i in range(3)],
        {"ZDDM": ["Z1", "Z2", "Z3"], "ZL": ["甲", "乙", "丙"]},
        driver="ESRI Shapefile",
        crs="EPSG:4527",
        encoding="GBK",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in shp.parent.glob("zd.*"):
            archive.write(part, f"data/{part.name}")
    return buffer.getvalue()


def upload(client: Client, name: str, content: bytes, kind: str = "parcels", options: dict | None = None, **headers):
    file = io.BytesIO(content)
    file.name = name
    return client.post(
        "/api/geo/imports/", {"kind": kind, "file": file, "options": json.dumps(options or {})}, **headers
    )


def wait_for(client: Client, job_id: int) -> dict:
    for _ in range(100):
        body = client.get(f"/api/geo/imports/{job_id}/").json()
        if body["status"] in ("succeeded", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {body}")


def test_an_uploaded_zipped_shapefile_is_imported_by_the_worker_with_a_report(staff_client, tmp_path, celery_worker):
    response = upload(staff_client, "zd.zip", zipped_shapefile(tmp_path))
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "queued"

    job = wait_for(staff_client, response.json()["id"])

    assert job["status"] == "succeeded", job["report"]
    assert (job["processed"], job["total"]) == (3, 3)
    [file_report] = job["report"]["files"]
    assert (file_report["file"], file_report["crs"], file_report["inserted"]) == ("zd.shp", "EPSG:4527", 3)
    assert set(Parcel.objects.values_list("address", flat=True)) == {"甲", "乙", "丙"}


def test_a_refused_file_fails_the_job_with_the_reason_and_changes_nothing(staff_client, tmp_path, celery_worker):
    gpkg = write_layer(
        tmp_path / "p.gpkg",
        [shapely.box(104.0, 30.0, 104.001, 30.001)],
        {"name": ["x"]},
        driver="GPKG",
        crs="EPSG:4490",
    )

    job = wait_for(staff_client, upload(staff_client, "p.gpkg", gpkg.read_bytes()).json()["id"])
    english = wait_for(
        staff_client, upload(staff_client, "p.gpkg", gpkg.read_bytes(), HTTP_ACCEPT_LANGUAGE="en").json()["id"]
    )

    assert job["status"] == "failed"
    # The report speaks the uploader's language: Chinese by default, English when the upload asked for it.
    assert job["report"]["files"][0]["error"].startswith("p.gpkg：找不到 code 对应的属性字段")
    assert english["report"]["files"][0]["error"].startswith("p.gpkg: no attribute for code")
    assert not Parcel.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "options", "field"),
    [
        ("p.gpkg", b"PK\x03\x04 not a geopackage", {}, "file"),
        ("p.zip", b"SQLite format 3\x00", {}, "file"),
        ("p.exe", b"MZ", {}, "file"),
        ("p.geojson", b"", {}, "file"),
        ("p.geojson", b'{"type": "FeatureCollection"}', {"encoding": "latin-9"}, "encoding"),
        ("p.geojson", b'{"type": "FeatureCollection"}', {"fields": {"colour": "X"}}, "fields"),
        ("p.geojson", b'{"type": "FeatureCollection"}', {"drop_tables": True}, "options"),
    ],
)
def test_bad_uploads_are_refused_by_content_and_option_and_create_no_job(staff_client, name, content, options, field):
    response = upload(staff_client, name, content, options=options)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    "fields", [{}, {"is_staff": True}, {"role": User.Role.REVIEWER, "regions": ["510000"], "is_staff": True}]
)
def test_only_gis_staff_and_administrators_may_import(client: Client, fields):
    client.force_login(User.objects.create_user(phone="13800000001", password="x", **fields))

    response = upload(client, "p.geojson", b"{}")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not ImportJob.objects.exists()


def test_gis_staff_of_another_province_cannot_load_parcels_here(client: Client, tmp_path, celery_worker):
    """The zipped shapefile's squares lie in 池州 (Anhui); Beijing's GIS staff may not write them."""
    guichi = MultiPolygon(Polygon.from_bbox((116.9, 29.9, 117.1, 30.1)))
    Region.objects.create(code="341702", name="贵池区", level="county", boundary=guichi)  # the parcels' county
    beijing = User.objects.create_user(phone="13800000003", password="x", role=User.Role.GIS_STAFF, regions=["110000"])
    client.force_login(beijing)

    job = wait_for(client, upload(client, "zd.zip", zipped_shapefile(tmp_path)).json()["id"])

    assert job["status"] == "failed"
    assert "outside your regions" in job["report"]["files"][0]["error"]
    assert not Parcel.objects.exists()


def test_an_import_job_is_seen_by_its_uploader_and_administrators_only(staff_client):
    job_id = upload(staff_client, "p.geojson", b'{"type": "FeatureCollection", "features": []}').json()["id"]
    other = Client()
    other.force_login(
        User.objects.create_user(phone="13800000004", password="x", role=User.Role.GIS_STAFF, regions=["510000"])
    )

    assert other.get(f"/api/geo/imports/{job_id}/").status_code == 404
    assert staff_client.get(f"/api/geo/imports/{job_id}/").status_code == 200
