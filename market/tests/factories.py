"""Plain functions that create market objects with the ORM in any state, for tests of any app."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from geo.models import Region
from market.models import SupplyListing


def supply_create(
    *,
    owner: User,
    region: Region,
    status: str = SupplyListing.Status.PUBLISHED,
    mode: str = SupplyListing.Mode.TRANSFER,
    **fields: Any,
) -> SupplyListing:
    """A supply listing with every required field filled; public states get published_at and expires_at."""
    now = timezone.now()
    values: dict[str, Any] = {
        "title": f"{region.name}5000平方米商服用地转让",
        "land_nature": "state_owned",
        "use_right_type": "granted",
        "land_type": "enterprise",
        "land_use": "0501",
        "area_m2": Decimal("5000.00"),
        "right_end_date": date(now.year + 30, 6, 30),
        "address": f"{region.name}高新大道100号",
        "price_wan": Decimal("1200.0000"),
        "certificate_type": "real_estate",
        "certificate_number": "川(2020)成都市不动产权第0012345号",
        "registration_authority": f"{region.name}不动产登记中心",
        "with_buildings": False,
        "investment_over_25": True,
        "institution": f"{region.name}自然资源主管部门",  # the computed authority (market.services.institutions)
        "owner_nature": "enterprise",
        "owner_name": "测试企业有限公司",
        "owner_id_type": "营业执照",
        "owner_id_number": "91510100MA61234567",
        "owner_address": "成都市高新区天府大道1号",
        "owner_phone": owner.phone,
        "agent_name": "李四",
        "agent_phone": "13800138000",
    }
    if status in SupplyListing.PUBLIC_STATUSES:
        values |= {"submitted_at": now, "published_at": now, "expires_at": now + timedelta(days=183)}
    if status == SupplyListing.Status.CERTIFIED:
        values["certified_at"] = now
    values |= fields
    return SupplyListing.objects.create(
        owner=owner, created_by=owner, region=region, status=status, mode=mode, **values
    )
