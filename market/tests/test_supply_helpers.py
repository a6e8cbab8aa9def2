"""Helpers of the supply tests (no tests here): real files made on the spot, a complete form, API shortcuts."""

import io
import os
import struct
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from accounts.models import User
from core.tests import samples
from geo.models import Region
from geo.tests.factories import SICHUAN
from market.models import SupplyAttachment

API = "/api/market"
# A resident ID number with the right GB 11643 check character: 11010519491231002 + X (weighted sum mod 11 = 2).
AGENT_ID_NUMBER = "11010519491231002X"


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (32, 24)) -> bytes:
    """A real image of `size` pixels encoded by Pillow as PNG, JPEG or GIF."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, fmt)
    return out.getvalue()


def noise_png(min_bytes: int) -> bytes:
    """A real PNG of random pixels at least `min_bytes` long (noise does not compress)."""
    side = int((min_bytes / 3) ** 0.5) + 16
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=0)
    return out.getvalue()


def pdf_bytes() -> bytes:
    """A minimal whole PDF (one empty page, its cross-reference table and trailer: pypdf reads it)."""
    return samples.pdf_bytes()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4_bytes(payload_bytes: int = 300_000) -> bytes:
    """A minimal MP4 as ISO/IEC 14496-12 lays it out: ftyp (brand isom), moov with a movie header (mvhd, version 0:
    times, timescale 1000, duration 0, rate 1.0, volume 1.0, the unity matrix, next track id 1) and an mdat."""
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 0x200) + b"isomiso2avc1mp41")
    matrix = struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
    mvhd = _box(
        b"mvhd",
        bytes(4)  # version 0, flags
        + struct.pack(">IIII", 0, 0, 1000, 0)  # creation, modification, timescale, duration
        + struct.pack(">IH", 0x00010000, 0x0100)  # rate 1.0, volume 1.0
        + bytes(10)  # reserved
        + matrix
        + bytes(24)  # pre-defined
        + struct.pack(">I", 1),  # next track id
    )
    return ftyp + _box(b"moov", mvhd) + _box(b"mdat", bytes(payload_bytes))


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def inside(region_code: str) -> tuple[float, float]:
    """A point surely inside the region's boundary as the test database holds it (lon, lat degrees)."""
    boundary = Region.objects.only("boundary").get(code=region_code).boundary
    assert boundary is not None  # the fixtures give every county a boundary
    lon, lat = boundary.point_on_surface.coords
    return lon, lat


def complete_fields(region_code: str = "510104") -> dict[str, Any]:
    """Every starred field of the seed's form, valid (as JSON for the API), placed by a point inside the region's
    boundary (`inside`)."""
    lon, lat = inside(region_code)
    return {
        "land_nature": "state_owned",
        "region": region_code,
        "location": [lon, lat],
        "use_right_type": "granted",
        "land_type": "enterprise",
        "land_use": "0501",
        "area_m2": "5000.00",
        "right_end_date": date(timezone.localdate().year + 30, 6, 30).isoformat(),
        "address": "锦江区东大街100号",
        "price_wan": "1200.0000",
        "certificate_type": "real_estate",
        "certificate_number": "川(2020)成都市不动产权第0012345号",
        "registration_authority": "成都市不动产登记中心",
        "with_buildings": False,
        "institution": f"{SICHUAN[region_code][0]}自然资源主管部门",  # the computed one: no authority configured
        "owner_nature": "individual",
        "owner_name": "王五",
        "owner_id_type": "居民身份证",
        "owner_id_number": AGENT_ID_NUMBER,
        "owner_address": "成都市锦江区红星路1号",
        "owner_phone": "13912345678",
        "agent_name": "李四",
        "agent_id_number": AGENT_ID_NUMBER,
        "agent_phone": "13800138000",
    }


def logged_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def create_draft(client: Client, mode: str = "transfer", **fields: Any) -> dict[str, Any]:
    response = client.post(f"{API}/supply/", {"mode": mode, **fields}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def attach_required_documents(client: Client, listing_id: int) -> None:
    for kind in SupplyAttachment.REQUIRED_KINDS:
        response = client.post(
            f"{API}/supply/{listing_id}/attachments/", {"kind": kind, "file": upload(f"{kind}.pdf", pdf_bytes())}
        )
        assert response.status_code == 201, response.content


def submitted_listing(client: Client, region_code: str = "510104") -> int:
    """A complete draft with its required documents, submitted for review through the API; its id."""
    listing_id = create_draft(client, **complete_fields(region_code))["id"]
    attach_required_documents(client, listing_id)
    response = client.post(f"{API}/supply/{listing_id}/submit/")
    assert response.status_code == 200, response.content
    return listing_id
