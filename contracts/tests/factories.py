"""Plain functions that create contracts with the ORM in any state, for tests of any app (contracts, search, web)."""

import hashlib
import secrets
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import reviewer_create, user_create
from contracts.models import Contract, ContractAttachment, Revocation, RevocationDocument
from contracts.services.numbering import coding_number
from core.tests import samples
from geo.models import Region
from geo.tests.factories import INSIDE


def _stored(folder: str, content: bytes, extension: str) -> tuple[str, str]:
    """The content saved in default_storage under `folder`; (its name, its SHA-256)."""
    digest = hashlib.sha256(content).hexdigest()
    name = default_storage.save(f"{folder}/{timezone.now():%Y/%m}/{digest[:32]}.{extension}", ContentFile(content))
    return name, digest


def attachments_add(contract: Contract, *, kinds: tuple[str, ...] = ContractAttachment.REQUIRED_KINDS) -> None:
    """One small PDF of each kind (by default the four required ones), uploaded by party A."""
    content = samples.pdf_bytes()
    for kind in kinds:
        name, digest = _stored("contracts", content, "pdf")
        ContractAttachment.objects.create(
            contract=contract,
            kind=kind,
            file=name,
            original_name=f"{kind}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=digest,
            uploaded_by=contract.initiator,
        )


def signed_copy_set(contract: Contract, content: bytes | None = None) -> None:
    """A signed copy (a one-page PDF unless `content` is given) stored on the contract with its SHA-256."""
    content = content or samples.pdf_bytes()
    name, digest = _stored("contracts", content, "pdf")
    contract.signed_scan = name
    contract.signed_scan_name = "signed.pdf"
    contract.signed_scan_content_type = "application/pdf"
    contract.signed_scan_sha256 = digest
    contract.save()


def contract_create(
    *,
    initiator: User,
    region: Region,
    counterparty: User | None = None,
    kind: str = Contract.Kind.TRANSFER,
    origin: str = Contract.Origin.ONLINE,
    status: str = Contract.Status.DRAFT,
    attachments: bool = True,
    signed_copy: bool | None = None,
    **fields: Any,
) -> Contract:
    """A contract of `initiator` (party A) with every required field filled for the county `region`, party B being
    `counterparty` (a new verified user named 王五 unless given: b_name and b_phone are theirs); with the four required
    attachments unless `attachments` is false, and a signed copy when `signed_copy` (default: in the states after
    step 3 or offline). `fields` override any model field (lot, listing, price_wan, address, a_publish_price …)."""
    counterparty = counterparty or user_create(real_name="王五")
    now = timezone.now()
    lon, lat = INSIDE.get(region.code, (104.08, 30.65))
    values: dict[str, Any] = {
        "a_name": initiator.real_name or "张三",
        "a_id_number": "91510100MA61234567",
        "a_phone": initiator.phone,
        "a_address": "成都市高新区天府大道1号",
        "a_postcode": "610041",
        "b_name": counterparty.real_name,
        "b_id_number": "110101199003077777",
        "b_phone": counterparty.phone,
        "b_address": "成都市锦江区红星路2号",
        "b_postcode": "610021",
        "address": f"{region.name}东大街100号",
        "region": region,
        "plane_boundary": "东至东大街，西至规划道路，南至某公司，北至河道",
        "upper_boundary": "+45.00 m",
        "lower_boundary": "-10.00 m",
        "height_difference_m": Decimal("55.00"),
        "use_right_type": "granted",
        "land_use": "0501",
        "land_nature": "state_owned",
        "certificate_type": "real_estate",
        "certificate_number": "川(2020)成都市不动产权第0012345号",
        "unit_numbers": f"{region.code}001001GB00001F00010001",
        "area_m2": Decimal("5000.00"),
        "location": f"SRID=4490;POINT({lon} {lat})",
        "payment_schedule": "合同签订后30日内一次付清",
        "term_years": 40,
        "delivery_date": now.date(),
        "institution": f"{region.name}自然资源主管部门",
        "created_at": now,
        "updated_at": now,
    }
    if kind == Contract.Kind.TRANSFER:
        values["price_wan"] = Decimal("1200.0000")
    else:
        values["rent_wan_per_year"] = Decimal("36.5000")
    after_step_3 = status in (
        Contract.Status.SCAN_UPLOADED,
        Contract.Status.IN_REVIEW,
        Contract.Status.REJECTED,
        Contract.Status.CODED,
        Contract.Status.REVOKED,
    )
    if status != Contract.Status.DRAFT and status != Contract.Status.CANCELLED:
        values["submitted_at"] = now
    if status not in (Contract.Status.DRAFT, Contract.Status.AWAITING_CONFIRMATION, Contract.Status.RETURNED):
        values["confirmed_at"] = now
    if status in (Contract.Status.CODED, Contract.Status.REVOKED) or (
        status == Contract.Status.IN_REVIEW and origin == Contract.Origin.ONLINE
    ):
        values["scan_confirmed_at"] = now
    contract = Contract.objects.create(
        kind=kind,
        origin=origin,
        status=status,
        initiator=initiator,
        counterparty=counterparty if status != Contract.Status.DRAFT else None,
        verify_token=secrets.token_urlsafe(32),
        **(values | fields),
    )
    if attachments:
        attachments_add(contract)
    if signed_copy if signed_copy is not None else after_step_3 or origin == Contract.Origin.OFFLINE:
        signed_copy_set(contract)
    return contract


def coded_contract(
    *, region: Region, initiator: User | None = None, reviewer: User | None = None, **fields: Any
) -> Contract:
    """A coded contract in the county `region` (its number the next of the series, as an approval gives it), of
    `initiator` (a new verified user named 张三 unless given), coded by `reviewer` (a new reviewer of the region unless
    given); `fields` as contract_create's (kind, lot, counterparty, address, price_wan …)."""
    initiator = initiator or user_create(real_name="张三")
    reviewer = reviewer or reviewer_create(regions=[region.code])
    contract = contract_create(initiator=initiator, region=region, status=Contract.Status.IN_REVIEW, **fields)
    with transaction.atomic():
        now = timezone.now()
        contract.number = coding_number(county_code=region.code, kind=contract.kind, coded_at=now)
        contract.status = Contract.Status.CODED
        contract.coded_at = now
        contract.reviewed_by = reviewer
        contract.save()
    return contract


def revocation_create(contract: Contract, *, applicant: User | None = None, reason: str = "双方协议解除") -> Revocation:
    """A pending revocation application of the coded `contract` by `applicant` (party A unless given), with one
    stored PDF document."""
    content = samples.pdf_bytes()
    name, digest = _stored("contracts/revocations", content, "pdf")
    revocation = Revocation.objects.create(
        contract=contract, applicant=applicant or contract.initiator, reason=reason, created_at=timezone.now()
    )
    RevocationDocument.objects.create(
        revocation=revocation,
        file=name,
        original_name="agreement.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=digest,
    )
    return revocation
