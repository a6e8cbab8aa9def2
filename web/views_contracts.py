"""Contract pages (合同网签赋码): the choice of contract service, the contract's page (the seed's five steps: the
drafting wizard while party A edits, then what the contract waits for and what the viewer may do) and the
authority's review queue. The pages are shells: their scripts call the contracts API (/api/contracts/), which
decides who sees a contract and every action on it."""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from accounts.selectors import has_role
from auctions.models import Lot
from contracts.models import Contract, ContractAttachment
from market.models import CertificateType, LandNature, SupplyListing, UseRightType
from web.views_market import land_use_table

KIND = ContractAttachment.Kind


def _kind_of(listing: str, lot: str) -> str:
    """The contract kind a listing's mode or a lot's transfer implies ("" when neither says): a lease stays a lease."""
    if listing.isdigit():
        mode = SupplyListing.objects.filter(pk=int(listing)).values_list("mode", flat=True).first()
        return Contract.Kind.LEASE if mode == SupplyListing.Mode.LEASE else Contract.Kind.TRANSFER if mode else ""
    if lot.isdigit():
        transfer = Lot.objects.filter(pk=int(lot)).values_list("transfer", flat=True).first()
        return Contract.Kind.LEASE if transfer == Lot.Transfer.LEASE else Contract.Kind.TRANSFER if transfer else ""
    return ""


def _wizard_context(**extra: Any) -> dict[str, Any]:
    """What the contract page's form needs: the parcel's choices, the attachment list and the land-use table; and
    whether its confirmation and approval must be signed (docs/signing.md)."""
    return {
        "signature_required": settings.CONTRACTS_SIGNATURE_REQUIRED,
        "use_right_types": UseRightType.choices,
        "land_natures": LandNature.choices,
        "certificate_types": CertificateType.choices,
        "documents": [(kind.value, str(kind.label), kind in ContractAttachment.REQUIRED_KINDS) for kind in KIND],
        "land_uses": land_use_table(),
        **extra,
    }


@login_required
def contract_new(request: HttpRequest) -> HttpResponse:
    """合同服务: with a kind and an origin (?kind=&origin=, and ?listing= or ?lot= where it starts), the page creates
    the draft and opens the wizard; without them, the choice of contract service (合同网签 or 合同赋码申请, transfer
    or lease), keeping the listing or the lot."""
    kind = request.GET.get("kind", "")
    origin = request.GET.get("origin", "")
    listing = request.GET.get("listing", "")
    lot = request.GET.get("lot", "")
    start = {"listing": listing if listing.isdigit() else "", "lot": lot if lot.isdigit() else ""}
    if kind not in Contract.Kind.values or origin not in Contract.Origin.values:
        implied = _kind_of(start["listing"], start["lot"])
        kinds = [(value, label) for value, label in Contract.Kind.choices if not implied or value == implied]
        context = {"kinds": kinds, "origins": Contract.Origin.choices, **start}
        return render(request, "web/contracts/choose.html", context)
    context = _wizard_context(contract_id="", kind=kind, origin=origin, **start)
    return render(request, "web/contracts/contract.html", context)


@login_required
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    """A contract's page: the wizard while party A may edit it, else its content, step, what it waits for and the
    viewer's actions (parties and the authority of its region; the API answers 404 to anyone else)."""
    return render(request, "web/contracts/contract.html", _wizard_context(contract_id=contract_id, kind="", origin=""))


@login_required
def contract_review(request: HttpRequest) -> HttpResponse:
    """合同审核: the contracts and revocation applications of the reviewer's regions (reviewers, administrators)."""
    if not has_role(request.user, User.Role.REVIEWER):  # type: ignore[arg-type]
        raise PermissionDenied()
    context = {"kinds": Contract.Kind.choices, "signature_required": settings.CONTRACTS_SIGNATURE_REQUIRED}
    return render(request, "web/contracts/review.html", context)
