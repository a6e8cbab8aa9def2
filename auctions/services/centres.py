"""Writes on a trading centre by its own staff: contact details, the performance bond's account and its banks."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from auctions.models import Bank, TradingCentre
from auctions.selectors import centre_staff_covers
from core.errors import InvalidInput, NotFound, invalid_input_from

STAFF_FIELDS = ("address", "phone", "contact", "bond_payee", "bond_bank", "bond_account")


@transaction.atomic
def centre_update(*, user: User, centre_id: int, **fields: Any) -> TradingCentre:
    """Change the centre's contact details, bond account and banks (`banks`: bank codes) — its staff or an
    administrator; the name, region, rule profile and staff stay with administrators (the admin site)."""
    centre = TradingCentre.objects.select_for_update().filter(pk=centre_id).first()
    if centre is None or not centre_staff_covers(user, centre):
        raise NotFound(_("No trading centre has this id."))
    unknown = sorted(set(fields) - set(STAFF_FIELDS) - {"banks"})
    if unknown:
        message = _("Only administrators change this.")
        raise InvalidInput(fields={name: [{"code": "unknown_field", "message": message}] for name in unknown})
    codes = fields.pop("banks", None)
    banks = None
    if codes is not None:
        banks = list(Bank.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {bank.code for bank in banks})
        if missing:
            message = _("No bank has the code %(code)s.")
            errors = [{"code": "unknown_bank", "message": message % {"code": code}} for code in missing]
            raise InvalidInput(fields={"banks": errors})
    for name, value in fields.items():
        setattr(centre, name, value)
    try:
        centre.full_clean(exclude=["region", "rule_profile"], validate_unique=False)
    except ValidationError as error:
        raise invalid_input_from(error) from None
    if fields:
        centre.save(update_fields=list(fields))
    if banks is not None:
        centre.banks.set(banks)
    return centre
