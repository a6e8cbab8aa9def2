"""Public reads of contracts: the verification of a coded or revoked contract by its token, and the 直接交易 (direct
transactions: coded contracts without a lot) by number. What they show is the public projection of
core/classification.py: the number, kind, status, the parcel's location, region, use, nature and area, the dates,
the signed copy's SHA-256, and the price or rent only when both parties agreed to publish it; never a party's name,
ID number or phone."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.gis.geos import MultiPolygon, Point
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from contracts.models import Contract
from core.errors import NotFound
from geo.models import Region
from geo.reference import land_use_name

C = Contract.Status
VERIFIABLE = (C.CODED, C.REVOKED)


def price_public(contract: Contract) -> bool:
    """Whether the price or rent may be shown: both parties agreed to publish it."""
    return contract.a_publish_price and contract.b_publish_price


def _with_region(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    return contracts.select_related("region__parent__parent")


def contract_verify_get(*, token: str) -> Contract:
    """The coded or revoked contract of a verification token; NotFound for any other token (unknown, or a contract
    not coded yet), with one message, so a token tells nothing about a contract that is not coded."""
    contract = _with_region(Contract.objects.filter(verify_token=token, status__in=VERIFIABLE)).first()
    if contract is None or not token:
        raise NotFound(_("No coded contract has this verification code."))
    return contract


def direct_deals() -> QuerySet[Contract]:
    """The public 直接交易: coded contracts concluded directly between the parties (no lot), not revoked."""
    return Contract.objects.filter(status=C.CODED, lot__isnull=True, number__isnull=False)


def direct_deal_get(*, number: str) -> Contract:
    """A direct transaction by its coding number; NotFound when there is none (revoked, from a lot, not coded)."""
    contract = _with_region(direct_deals().filter(number=number)).first()
    if contract is None:
        raise NotFound(_("No direct transaction has this number."))
    return contract


def direct_deal_rows(*, ids: list[int]) -> list[Contract]:
    """The direct transactions among these contract ids (a search page's), in the order of `ids`."""
    by_id = {row.pk: row for row in _with_region(direct_deals().filter(pk__in=ids))}
    return [by_id[pk] for pk in ids if pk in by_id]


@dataclass(frozen=True)
class ContractPublic:
    """What anyone may see of a coded or revoked contract (the verification page, the 直接交易 list and page)."""

    number: str
    kind: str
    kind_name: str
    status: str  # valid | revoked
    address: str
    region: Region | None
    land_use: str
    land_use_name: str
    land_nature: str
    use_right_type: str
    area_m2: Decimal | None
    price_public: bool
    price_wan: Decimal | None  # a transfer's, when public
    rent_wan_per_year: Decimal | None  # a lease's, when public
    coded_at: datetime | None
    revoked_at: datetime | None
    signed_scan_sha256: str
    location: Point | None
    outline: MultiPolygon | None


def contract_public(contract: Contract) -> ContractPublic:
    """The public projection of a coded or revoked contract: the price or rent only when both parties publish it."""
    shown = price_public(contract)
    return ContractPublic(
        number=contract.number or "",
        kind=contract.kind,
        kind_name=contract.get_kind_display(),
        status="revoked" if contract.status == C.REVOKED else "valid",
        address=contract.address,
        region=contract.region,
        land_use=contract.land_use,
        land_use_name=land_use_name(contract.land_use) or "",
        land_nature=contract.land_nature,
        use_right_type=contract.use_right_type,
        area_m2=contract.area_m2,
        price_public=shown,
        price_wan=contract.price_wan if shown else None,
        rent_wan_per_year=contract.rent_wan_per_year if shown else None,
        coded_at=contract.coded_at,
        revoked_at=contract.revoked_at,
        signed_scan_sha256=contract.signed_scan_sha256,
        location=contract.location,
        outline=contract.outline,
    )
