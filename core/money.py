"""Exact amounts from what callers send: prices in 万元 to the yuan (four decimals), money in 元 to the fen (two).
Every service that takes an amount reads it here and names its own field and rule in its refusal."""

from decimal import Decimal, InvalidOperation
from typing import Any

WAN_PLACES = 4  # 万元 to 0.0001: one yuan
YUAN_PLACES = 2  # 元 to 0.01: one fen
WAN_BELOW = 10  # 万元 amounts below 10**10 (the DecimalField holds 14 digits, four decimal)
YUAN_BELOW = 14  # 元 amounts below 10**14


def exact_amount(value: Any, *, places: int | None, below: int, zero: bool = False) -> Decimal | None:
    """`value` as a finite Decimal that is positive (or zero, with `zero`), below 10**`below`, with at most `places`
    decimals (any with None); None when it is not one. A float's shortest text is taken (0.1 is 0.1), never its
    binary value; a bool is not a number."""
    if isinstance(value, bool):
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not zero) or amount >= Decimal(10) ** below:
        return None
    if places is not None and amount != amount.quantize(Decimal(1).scaleb(-places)):
        return None
    return amount


def wan(value: Any) -> Decimal | None:
    """A positive price in 万元 to the yuan, or None."""
    return exact_amount(value, places=WAN_PLACES, below=WAN_BELOW)


def yuan(value: Any, *, zero: bool = False) -> Decimal | None:
    """A positive (or, with `zero`, not negative) amount in 元 to the fen, or None."""
    return exact_amount(value, places=YUAN_PLACES, below=YUAN_BELOW, zero=zero)


def text(amount: Decimal, places: int) -> str:
    """The amount written with exactly `places` decimals (the form signed messages carry: "1200.5000")."""
    return f"{amount.quantize(Decimal(1).scaleb(-places)):f}"
