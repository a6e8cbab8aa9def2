"""core.money: exact amounts in 万元 and 元 from what callers send, and None for everything else."""

from decimal import Decimal

import pytest

from core import money


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("1234.5678", Decimal("1234.5678")),
        (" 10 ", Decimal("10")),
        (1000, Decimal("1000")),
        (0.1, Decimal("0.1")),  # a float's shortest text, not its binary value
        (Decimal("9999999999.9999"), Decimal("9999999999.9999")),
        ("1.00001", None),  # finer than one yuan
        ("0", None),
        ("-1", None),
        ("1e10", None),  # 10**10 and beyond
        ("NaN", None),
        ("Infinity", None),
        ("", None),
        ("一千", None),
        (True, None),
        (None, None),
        ([1], None),
    ],
)
def test_a_price_in_wan_is_positive_below_ten_billion_and_to_the_yuan(given, expected):
    assert money.wan(given) == expected


def test_yuan_are_to_the_fen_and_zero_only_where_allowed():
    assert money.yuan("2400000.00") == Decimal("2400000.00")
    assert money.yuan("0.001") is None
    assert money.yuan("0") is None
    assert money.yuan("0", zero=True) == Decimal("0")
    assert money.yuan("1e14") is None
