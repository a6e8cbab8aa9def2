"""Staff-only exports of a region's parcels as streamed GeoJSON and as a GeoPackage."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyogrio
import pyogrio.raw
import pytest
import shapely
from asgiref.sync import async_to_sync
from django.test import AsyncClient, Client

from accounts.models import User
from geo import selectors
from geo.models import Parcel
from geo.tests.factories import FUCHENG_1, JINJIANG_1, JINJIANG_2, QINGYANG_1, parcel_create, square_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcels(tree) -> dict[str, Parcel]:
    return {
        JINJIANG_1: parcel_create(
            code=JINJIANG_1,
            geometry=square_in("510104", 0.001),
            region=tree["jinjiang"],
            land_use="0501",
            land_nature=Parcel.LandNature.STATE_OWNED,
            certificate_number="川(2025)成都市不动产权第0000001号",
            unit_numbers=["510104001001GB00001F00010001", "510104001001GB00001F00010002"],
            floor_area_ratio=Decimal("2.50"),
        ),
        JINJIANG_2: parcel_create(
            code=JINJIANG_2, geometry=square_in("510104", 0.003, offset=(0.02, -0.02)), region=tree["jinjiang"]
        ),
        QINGYANG_1: parcel_create(code=QINGYANG_1, geometry=square_in("510105", 0.002), region=tree["qingyang"]),
        FUCHENG_1: parcel_create(code=FUCHENG_1, geometry=square_in("510703", 0.001), region=tree["fucheng"]),
    }


def gis_staff() -> User:
    """GIS staff of Sichuan and Beijing (510000, 110000, which has no parcels here)."""
    return User.objects.create_user(
        phone="13800000002", password="x" * 12, role=User.Role.GIS_STAFF, regions=["510000", "110000"]
    )


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(gis_staff())
    return client


def content_of(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def geojson_of(response: Any) -> dict:
    return json.loads(content_of(response))


# ------------------------------------------------------------------------------------------------ who may export


@pytest.mark.parametrize("suffix", ["geojson", "gpkg"])
def test_anonymous_exports_are_refused_with_401(client: Client, parcels, suffix):
    response = client.get(f"/api/geo/regions/510100/parcels.{suffix}")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("suffix", ["geojson", "gpkg"])
def test_signed_in_users_who_are_not_staff_are_refused_with_403(client: Client, parcels, suffix):
    client.force_login(User.objects.create_user(phone="13800000001", password="x" * 12))

    response = client.get(f"/api/geo/regions/510100/parcels.{suffix}")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("suffix", ["geojson", "gpkg"])
def test_gis_staff_of_another_province_cannot_export_this_ones_parcels(client: Client, parcels, suffix):
    beijing = User.objects.create_user(
        phone="13800000003", password="x" * 12, role=User.Role.GIS_STAFF, regions=["110000"]
    )
    client.force_login(beijing)

    response = client.get(f"/api/geo/regions/510100/parcels.{suffix}")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "out_of_region"


def test_staff_flag_or_a_reviewer_role_alone_does_not_open_exports(client: Client, parcels):
    """Finding: `is_staff` was the only gate, so a Beijing reviewer exported Sichuan's parcels."""
    flagged = User.objects.create_user(phone="13800000004", password="x" * 12, is_staff=True)
    reviewer = User.objects.create_user(
        phone="13800000005", password="x" * 12, role=User.Role.REVIEWER, regions=["510000"], is_staff=True
    )
    for user in (flagged, reviewer):
        client.force_login(user)
        assert client.get("/api/geo/regions/510100/parcels.geojson").status_code == 403


def test_a_city_gis_staff_exports_their_city_but_not_the_province(client: Client, parcels):
    client.force_login(
        User.objects.create_user(phone="13800000006", password="x" * 12, role=User.Role.GIS_STAFF, regions=["510100"])
    )

    assert client.get("/api/geo/regions/510100/parcels.geojson").status_code == 200
    assert client.get("/api/geo/regions/510000/parcels.geojson").status_code == 403


def test_a_supervisor_of_the_region_exports_it(client: Client, parcels):
    client.force_login(
        User.objects.create_user(phone="13800000007", password="x" * 12, role=User.Role.SUPERVISOR, regions=["510000"])
    )

    assert client.get("/api/geo/regions/510100/parcels.geojson").status_code == 200


@pytest.mark.parametrize(("code", "status"), [("520000", 404), ("5201", 400)])
def test_an_unknown_region_is_404_and_a_malformed_one_400(staff_client: Client, parcels, code, status):
    response = staff_client.get(f"/api/geo/regions/{code}/parcels.geojson")

    assert response.status_code == status
    assert "error" in response.json()


# ------------------------------------------------------------------------------------------------ GeoJSON


def test_the_geojson_export_streams_every_parcel_of_a_city_as_a_feature_collection(staff_client: Client, parcels):
    response = staff_client.get("/api/geo/regions/510100/parcels.geojson", HTTP_ACCEPT="application/geo+json")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"] == 'attachment; filename="parcels-510100.geojson"'
    collection = geojson_of(response)
    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == [JINJIANG_1, JINJIANG_2, QINGYANG_1]
    first = collection["features"][0]
    assert first["type"] == "Feature"
    assert shapely.geometry.shape(first["geometry"]).equals(shapely.box(104.0995, 30.5995, 104.1005, 30.6005))
    properties = first["properties"]
    assert properties["code"] == JINJIANG_1
    assert (properties["region_code"], properties["region_name"]) == ("510104", "锦江区")
    assert properties["certificate_number"] == "川(2025)成都市不动产权第0000001号"
    assert properties["unit_numbers"] == ["510104001001GB00001F00010001", "510104001001GB00001F00010002"]
    # m² and the ratio are JSON numbers with the stored decimals
    assert Decimal(str(properties["area_m2"])) == parcels[JINJIANG_1].area_m2
    assert properties["floor_area_ratio"] == 2.5
    assert properties["green_ratio"] is None


def test_a_province_export_holds_every_county_and_an_empty_region_an_empty_collection(staff_client: Client, parcels):
    province = geojson_of(staff_client.get("/api/geo/regions/510000/parcels.geojson"))
    empty = geojson_of(staff_client.get("/api/geo/regions/110000/parcels.geojson"))

    assert [f["id"] for f in province["features"]] == [JINJIANG_1, JINJIANG_2, QINGYANG_1, FUCHENG_1]
    assert empty == {"type": "FeatureCollection", "features": []}


def test_exports_are_written_in_batches_and_stay_whole(staff_client: Client, parcels, monkeypatch, tmp_path: Path):
    monkeypatch.setattr(selectors, "EXPORT_BATCH_SIZE", 2)

    collection = geojson_of(staff_client.get("/api/geo/regions/510000/parcels.geojson"))
    gpkg = tmp_path / "batched.gpkg"
    gpkg.write_bytes(content_of(staff_client.get("/api/geo/regions/510000/parcels.gpkg")))

    assert [f["id"] for f in collection["features"]] == [JINJIANG_1, JINJIANG_2, QINGYANG_1, FUCHENG_1]
    assert list(pyogrio.raw.read(gpkg, columns=["code"])[3][0]) == [JINJIANG_1, JINJIANG_2, QINGYANG_1, FUCHENG_1]


@pytest.mark.parametrize("suffix", ["geojson", "gpkg"])
def test_an_export_is_four_queries_whatever_its_size(
    staff_client: Client, parcels, monkeypatch, suffix, django_assert_num_queries
):
    monkeypatch.setattr(selectors, "EXPORT_BATCH_SIZE", 1)
    # the session and the staff user, the region, then every parcel through one server-side cursor
    with django_assert_num_queries(4):
        assert len(content_of(staff_client.get(f"/api/geo/regions/510000/parcels.{suffix}"))) > 0


def test_under_asgi_the_geojson_export_streams_from_an_async_iterator(parcels):
    staff = gis_staff()

    async def export() -> tuple[bool, bytes]:
        client = AsyncClient()
        await client.aforce_login(staff)
        response: Any = await client.get("/api/geo/regions/510100/parcels.geojson")
        assert response.status_code == 200
        return response.is_async, b"".join([chunk async for chunk in response.streaming_content])

    is_async, content = async_to_sync(export)()

    assert is_async
    assert [f["id"] for f in json.loads(content)["features"]] == [JINJIANG_1, JINJIANG_2, QINGYANG_1]


# ------------------------------------------------------------------------------------------------ GeoPackage


def test_the_geopackage_export_opens_with_the_city_parcels_in_cgcs2000(staff_client: Client, parcels, tmp_path: Path):
    response = staff_client.get("/api/geo/regions/510100/parcels.gpkg", HTTP_ACCEPT="application/geopackage+sqlite3")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geopackage+sqlite3"
    assert response["Content-Disposition"] == 'attachment; filename="parcels-510100.gpkg"'
    path = tmp_path / "export.gpkg"
    path.write_bytes(content_of(response))
    assert int(response["Content-Length"]) == path.stat().st_size

    info = pyogrio.read_info(path)
    assert info["layer_name"] == "parcels"
    assert info["features"] == 3
    assert info["crs"] == "EPSG:4490"
    assert info["geometry_type"] == "MultiPolygon"
    _meta, _fids, geometries, field_data = pyogrio.raw.read(path)
    columns = dict(zip(info["fields"], field_data, strict=True))
    assert list(columns["code"]) == [JINJIANG_1, JINJIANG_2, QINGYANG_1]
    assert list(columns["region_name"]) == ["锦江区", "锦江区", "青羊区"]
    assert columns["unit_numbers"][0] == "510104001001GB00001F00010001;510104001001GB00001F00010002"
    # m²: the stored decimal as a real number
    assert columns["area_m2"][0] == pytest.approx(float(parcels[JINJIANG_1].area_m2), abs=0.001)
    assert columns["floor_area_ratio"][0] == 2.5
    assert bytes(geometries[0]) == bytes(parcels[JINJIANG_1].geometry.wkb)  # the stored geometry, bit for bit


def test_the_geopackage_of_a_region_without_parcels_is_an_empty_layer(staff_client: Client, parcels, tmp_path):
    path = tmp_path / "empty.gpkg"
    path.write_bytes(content_of(staff_client.get("/api/geo/regions/110000/parcels.gpkg")))

    info = pyogrio.read_info(path)
    assert (info["features"], info["crs"]) == (0, "EPSG:4490")
