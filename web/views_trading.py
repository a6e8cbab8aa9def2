"""Trading pages (委托交易): the entrustment form, the trading centre's console and the grantor's lots; their
scripts call the trading API (/api/auctions/), which decides every action."""

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Field
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from accounts.selectors import has_role
from auctions.models import Announcement, EntrustmentAttachment, Lot, RuleProfile
from auctions.selectors import centres_of
from market.models import CertificateType, LandNature, LandType, OwnerNature, SupplyListing, UseRightType
from web.views_market import _map_config, land_use_table

KIND = EntrustmentAttachment.Kind
LAND_DOCUMENTS = [kind for kind in KIND if kind not in (KIND.ENTRUSTMENT_LETTER, KIND.ENTRUSTMENT_OTHER)]
ENTRUSTMENT_DOCUMENTS = [KIND.ENTRUSTMENT_LETTER, KIND.ENTRUSTMENT_OTHER]


def _documents(kinds: Sequence[EntrustmentAttachment.Kind]) -> list[tuple[str, str, bool]]:
    return [(kind.value, str(kind.label), kind in EntrustmentAttachment.REQUIRED_KINDS) for kind in kinds]


@login_required
def entrustment_form(request: HttpRequest, entrustment_id: int | None = None) -> HttpResponse:
    """申请委托交易: the three steps, of a published listing (?listing=), from scratch (?mode=) or a draft being
    edited; without any of them, the choice of mode (选择土地流转方式)."""
    listing = request.GET.get("listing", "")
    mode = request.GET.get("mode", "")
    if entrustment_id is None and not listing.isdigit() and mode not in SupplyListing.Mode.values:
        return render(request, "web/trading/entrustment_choose.html", {"modes": SupplyListing.Mode.choices})
    context: dict[str, Any] = {
        "entrustment_id": entrustment_id,
        "listing_id": listing if listing.isdigit() else "",
        "mode": mode or SupplyListing.Mode.TRANSFER,
        "modes": SupplyListing.Mode.choices,
        "land_natures": LandNature.choices,
        "use_right_types": UseRightType.choices,
        "land_types": LandType.choices,
        "certificate_types": CertificateType.choices,
        "owner_natures": OwnerNature.choices,
        "land_documents": _documents(LAND_DOCUMENTS),
        "entrustment_documents": _documents(ENTRUSTMENT_DOCUMENTS),
        "land_uses": land_use_table(),
        "map_config": _map_config(),
    }
    return render(request, "web/trading/entrustment_form.html", context)


@login_required
def centre_console(request: HttpRequest) -> HttpResponse:
    """交易中心工作台: entrustments to accept, lots to register, announcements to publish (centre staff of a centre,
    administrators)."""
    user: User = request.user  # type: ignore[assignment]
    if not centres_of(user).exists():
        raise PermissionDenied()
    context = {
        "centres": list(centres_of(user).order_by("name").values("id", "name")),
        "lot_statuses": Lot.Status.choices,
        "trading_modes": Lot.TradingMode.choices,
        "processes": Lot.Process.choices,
        "announcement_kinds": Announcement.Kind.choices,
        "rule_fields": _rule_fields(),
        "labels": {
            "owner_nature": dict(OwnerNature.choices),
            "certificate_type": dict(CertificateType.choices),
            "trading_mode": dict(Lot.TradingMode.choices),
            "process": dict(Lot.Process.choices),
            "announcement_kind": dict(Announcement.Kind.choices),
            "announcement_status": dict(Announcement.Status.choices),
        },
    }
    return render(request, "web/trading/centre.html", context)


def _rule_fields() -> list[dict[str, Any]]:
    """The lot rules' parameters for the override form: name, label and, for a choice, its choices."""
    fields = []
    for name in RuleProfile.PARAMETERS:
        field = RuleProfile._meta.get_field(name)
        assert isinstance(field, Field)  # noqa: S101 - the parameters are the model's own columns
        choices = [[value, str(label)] for value, label in field.choices] if field.choices else None
        fields.append({"name": name, "label": str(field.verbose_name), "choices": choices})
    return fields


@login_required
def grantor_lots(request: HttpRequest) -> HttpResponse:
    """出让登记: the grantor's primary-market lots and the submission form (grantors, administrators)."""
    if not has_role(request.user, User.Role.GRANTOR):  # type: ignore[arg-type]
        raise PermissionDenied()
    context = {
        "transfers": [(t.value, t.label) for t in Lot.Transfer if t not in (Lot.Transfer.TRANSFER, Lot.Transfer.LEASE)],
        "kinds": Lot.Kind.choices,
        "trading_modes": Lot.TradingMode.choices,
        "processes": Lot.Process.choices,
        "land_uses": land_use_table(),
    }
    return render(request, "web/trading/grantor.html", context)
