"""The grant registry (一级市场供地) a pre-announcement is looked up in: a local table or the registry's HTTP API."""

import csv
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import phone_validator
from core.errors import ServiceUnavailable
from geo.models import Region
from geo.reference import is_valid_land_use
from market.models import PrimaryGrant

logger = logging.getLogger(__name__)

DEFAULT_CSV = Path(__file__).resolve().parent / "data" / "primary_grants.csv"
CSV_COLUMNS = (
    "contract_number",
    "phone",
    "region",
    "address",
    "area_m2",
    "land_use",
    "use_years",
    "supply_method",
    "industry",
    "land_grade",
    "grantee",
    "grantee_id_type",
    "grantee_id_number",
    "investment_ratio",
)


@dataclass(frozen=True)
class GrantRecord:
    """One grant as the registry answers it; `region_code` is a GB/T 2260 code."""

    contract_number: str
    phone: str
    region_code: str
    address: str
    area_m2: Decimal
    land_use: str
    use_years: int
    supply_method: str
    industry: str
    land_grade: str
    grantee: str
    grantee_id_type: str
    grantee_id_number: str
    investment_ratio: Decimal  # % of the investment completed


class GrantRegistry(Protocol):
    def lookup(self, contract_number: str) -> GrantRecord | None:
        """The grant with this contract number, or None when the registry has none."""
        ...


class GrantRegistryUnavailable(ServiceUnavailable):
    default_code = "grant_registry_unavailable"
    default_message = _("The grant registry does not answer; try again later.")


class LocalGrantRegistry:
    """Grants from the PrimaryGrant table (development and provinces that import the registry's data)."""

    def lookup(self, contract_number: str) -> GrantRecord | None:
        grant = PrimaryGrant.objects.filter(contract_number=contract_number).first()
        if grant is None:
            return None
        return GrantRecord(
            contract_number=grant.contract_number,
            phone=grant.phone,
            region_code=grant.region_id,
            address=grant.address,
            area_m2=grant.area_m2,
            land_use=grant.land_use,
            use_years=grant.use_years,
            supply_method=grant.supply_method,
            industry=grant.industry,
            land_grade=grant.land_grade,
            grantee=grant.grantee,
            grantee_id_type=grant.grantee_id_type,
            grantee_id_number=grant.grantee_id_number,
            investment_ratio=grant.investment_ratio,
        )


class HttpGrantRegistry:
    """The registry's API: `GET {url}/grants/<contract number>` with `Authorization: Bearer <key>`, answering JSON
    with the fields of GrantRecord (decimals as strings or numbers); 404 when it has no such grant."""

    def __init__(self, *, url: str, key: str, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.key = key
        self.timeout = timeout

    def lookup(self, contract_number: str) -> GrantRecord | None:
        if not self.url:
            logger.error("GRANT_REGISTRY is http but GRANT_REGISTRY_URL is empty")
            raise GrantRegistryUnavailable()
        request = urllib.request.Request(  # noqa: S310 (the URL is our setting, http or https)
            f"{self.url}/grants/{urllib.parse.quote(contract_number, safe='')}",
            headers={"Authorization": f"Bearer {self.key}", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(1024 * 1024)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            logger.warning("grant registry answered %s for a lookup", exc.code)
            raise GrantRegistryUnavailable() from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            logger.warning("grant registry unreachable: %s", exc)
            raise GrantRegistryUnavailable() from exc
        try:
            return _record_from_json(json.loads(body))
        except (ValueError, TypeError, KeyError, InvalidOperation) as exc:
            logger.warning("grant registry answered an unreadable body: %s", exc)
            raise GrantRegistryUnavailable() from exc


def _record_from_json(data: Any) -> GrantRecord:
    if not isinstance(data, dict):
        raise TypeError("the answer is not a JSON object")
    text = {name: str(data.get(name) or "") for name in ("industry", "land_grade")}
    return GrantRecord(
        contract_number=str(data["contract_number"]),
        phone=str(data["phone"]),
        region_code=str(data["region_code"]),
        address=str(data["address"]),
        area_m2=Decimal(str(data["area_m2"])),
        land_use=str(data["land_use"]),
        use_years=int(data["use_years"]),
        supply_method=str(data["supply_method"]),
        grantee=str(data["grantee"]),
        grantee_id_type=str(data["grantee_id_type"]),
        grantee_id_number=str(data["grantee_id_number"]),
        investment_ratio=Decimal(str(data["investment_ratio"])),
        **text,
    )


def grant_registry() -> GrantRegistry:
    """The registry the setting GRANT_REGISTRY names ("local" or "http")."""
    if settings.GRANT_REGISTRY == "http":
        return HttpGrantRegistry(
            url=settings.GRANT_REGISTRY_URL, key=settings.GRANT_REGISTRY_KEY, timeout=settings.GRANT_REGISTRY_TIMEOUT
        )
    if settings.GRANT_REGISTRY != "local":
        logger.error("unknown GRANT_REGISTRY %r; expected local or http", settings.GRANT_REGISTRY)
        raise GrantRegistryUnavailable()
    return LocalGrantRegistry()


class GrantFileError(Exception):
    """A grant file that cannot be loaded: every problem, by line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class GrantLoadResult:
    created: int
    updated: int


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(str(message) for message in error.messages)


@transaction.atomic
def primary_grants_load(*, path: Path) -> GrantLoadResult:
    """Load a CSV of grants (columns CSV_COLUMNS, region by code) into PrimaryGrant, by contract number: new ones
    are created, known ones updated. All or nothing: any bad row refuses the whole file (GrantFileError)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [name for name in CSV_COLUMNS if name not in (reader.fieldnames or [])]
        if missing:
            raise GrantFileError([f"missing columns: {', '.join(missing)}"])
        rows = list(reader)
    known_regions = set(Region.objects.filter(code__in={row["region"] for row in rows}).values_list("code", flat=True))
    problems: list[str] = []
    grants: list[PrimaryGrant] = []
    for line, row in enumerate(rows, start=2):
        grant = PrimaryGrant(
            contract_number=(row["contract_number"] or "").strip(),
            phone=(row["phone"] or "").strip(),
            region_id=(row["region"] or "").strip(),
            address=row["address"] or "",
            area_m2=row["area_m2"],
            land_use=(row["land_use"] or "").strip(),
            use_years=row["use_years"],
            supply_method=row["supply_method"] or "",
            industry=row["industry"] or "",
            land_grade=row["land_grade"] or "",
            grantee=row["grantee"] or "",
            grantee_id_type=row["grantee_id_type"] or "",
            grantee_id_number=row["grantee_id_number"] or "",
            investment_ratio=row["investment_ratio"],
        )
        try:
            grant.clean_fields(exclude=["region"])
            phone_validator(grant.phone)
        except ValidationError as exc:
            problems.append(f"line {line}: {_describe(exc)}")
            continue
        if grant.region_id not in known_regions:
            problems.append(f"line {line}: unknown region {grant.region_id!r}")
            continue
        if not is_valid_land_use(grant.land_use):
            problems.append(f"line {line}: unknown land use {grant.land_use!r} (GB/T 21010-2017)")
            continue
        grants.append(grant)
    numbers = [grant.contract_number for grant in grants]
    duplicates = sorted({number for number in numbers if numbers.count(number) > 1})
    if duplicates:
        problems.append(f"contract numbers repeated: {', '.join(duplicates)}")
    if problems:
        raise GrantFileError(problems)
    existing = set(PrimaryGrant.objects.filter(contract_number__in=numbers).values_list("contract_number", flat=True))
    fields = [name for name in CSV_COLUMNS if name not in ("contract_number", "region")] + ["region"]
    PrimaryGrant.objects.bulk_create(
        grants, update_conflicts=True, unique_fields=["contract_number"], update_fields=fields
    )
    return GrantLoadResult(created=len(numbers) - len(existing), updated=len(existing))
