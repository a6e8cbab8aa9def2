"""A contract as a PDF (WeasyPrint, Chinese fonts, from contracts/templates/contracts/contract_pdf.html): its coding
number and status, both parties with ID numbers and phones masked, the parcel, the terms and the dates; a coded or
revoked contract also carries a QR code (segno) of its public verification page, so anyone holding a printed copy
can check it."""

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import segno
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML  # type: ignore[import-untyped]

from contracts.models import Contract
from contracts.selectors_public import VERIFIABLE
from geo.reference import land_use_name
from geo.services_listing import region_full_name
from market.selectors.interactions import mask_phone

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The contract's title and its parties' names by kind (转让: 转让人/受让人, 出租: 出租人/承租人).
TITLES = {
    Contract.Kind.TRANSFER: ("国有建设用地使用权转让合同", "转让人", "受让人"),
    Contract.Kind.LEASE: ("国有建设用地使用权出租合同", "出租人", "承租人"),
}
STATUS_WORDS = {Contract.Status.CODED: "有效（已赋码）", Contract.Status.REVOKED: "已撤销"}


def mask_id_number(number: str) -> str:
    """An ID number or unified credit code with its first six (the region) and last four characters shown:
    110101********1234."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def qr_data_uri(text: str) -> str:
    """A QR code of the text as a PNG data URI: six pixels a module, the standard four-module quiet zone."""
    return str(segno.make(text, error="m", micro=False).png_data_uri(scale=6, border=4))


def contract_pdf(contract: Contract, *, verify_url: str) -> bytes:
    """The contract as a PDF; `verify_url` is the absolute address of its verification page (the QR code's)."""
    return bytes(HTML(string=contract_html(contract, verify_url=verify_url)).write_pdf())


def _moment(value: Any) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value is not None else "—"


def _wan(value: Decimal | None) -> str:
    return f"{value:,.4f}" if value is not None else "—"


def _party(contract: Contract, side: str) -> dict[str, str]:
    def value(name: str) -> str:
        return str(getattr(contract, f"{side}_{name}"))

    return {
        "name": value("name") or "—",
        "id_number": mask_id_number(value("id_number")) if value("id_number") else "—",
        "phone": mask_phone(value("phone")) if value("phone") else "—",
        "address": value("address") or "—",
        "postcode": value("postcode") or "—",
    }


def contract_html(contract: Contract, *, verify_url: str) -> str:
    title, a_role, b_role = TITLES[Contract.Kind(contract.kind)]
    coded = contract.status in VERIFIABLE
    with translation.override("zh-hans"):  # the choices' Chinese names
        context = {
            "contract": contract,
            "title": title,
            "a_role": a_role,
            "b_role": b_role,
            "status": STATUS_WORDS.get(Contract.Status(contract.status), f"未赋码（{contract.get_status_display()}）"),
            "a": _party(contract, "a"),
            "b": _party(contract, "b"),
            "region_name": region_full_name(contract.region) or "—",
            "land_use": f"{land_use_name(contract.land_use) or ''}（{contract.land_use}）"
            if contract.land_use
            else "—",
            "land_nature": contract.get_land_nature_display() or "—",
            "use_right_type": contract.get_use_right_type_display() or "—",
            "certificate_type": contract.get_certificate_type_display() or "—",
            "area_m2": f"{contract.area_m2:,.2f}" if contract.area_m2 is not None else "—",
            "height_m": f"{contract.height_difference_m:,.2f}" if contract.height_difference_m is not None else "—",
            "price_wan": _wan(contract.price_wan),
            "rent_wan": _wan(contract.rent_wan_per_year),
            "delivery_date": contract.delivery_date.isoformat() if contract.delivery_date else "—",
            "created_at": _moment(contract.created_at),
            "confirmed_at": _moment(contract.confirmed_at),
            "coded_at": _moment(contract.coded_at),
            "revoked_at": _moment(contract.revoked_at) if contract.revoked_at else None,
            "coded": coded,
            "verify_url": verify_url if coded else "",
            "qr": qr_data_uri(verify_url) if coded else "",
        }
        return render_to_string("contracts/contract_pdf.html", context)
