"""Banks' adapters, configured per bank in settings.BANKS ({code: {"url", "key_env"}}); keys from the environment."""

import os

from django.conf import settings

from auctions.banks.http import HttpBank
from auctions.banks.protocol import (
    BankAdapter,
    BankRefused,
    BankUnavailable,
    MovementLine,
    Order,
    StatementLine,
    signature,
    signature_valid,
)

__all__ = [
    "BankAdapter",
    "BankRefused",
    "BankUnavailable",
    "MovementLine",
    "Order",
    "StatementLine",
    "adapter_for",
    "bank_key",
    "signature",
    "signature_valid",
]


def bank_key(code: str) -> str:
    """The bank's shared key (from the environment variable its settings name); "" when it has none."""
    config = settings.BANKS.get(code) or {}
    name = config.get("key_env") or ""
    return os.environ.get(name, "") if name else ""


def adapter_for(code: str) -> BankAdapter:
    """The bank's adapter; BankUnavailable when the bank is not configured."""
    config = settings.BANKS.get(code) or {}
    key = bank_key(code)
    if not config.get("url") or not key:
        raise BankUnavailable(code="bank_not_configured")
    return HttpBank(code=code, url=config["url"], key=key, timeout=settings.BANK_TIMEOUT)
