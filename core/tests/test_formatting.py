"""core.formatting: money, unit prices, areas and dates in Chinese and English, on the table format.js is tested on."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from core import formatting

CASES = json.loads((Path(__file__).parent / "formatting_cases.json").read_text(encoding="utf-8"))
FUNCTIONS: dict[str, Any] = {
    "money": formatting.money,
    "wanNumber": formatting.wan_number,
    "unitPrice": formatting.unit_price,
    "area": formatting.area,
    "range": lambda low, high, kind, **options: formatting.value_range(low, high, kind=kind, **options),
    "date": formatting.date,
    "dateTime": formatting.date_time,
}
KEYWORDS = {"places": "places", "withMu": "with_mu"}
TAKES_LANG = {"money", "unitPrice", "area", "range", "date"}


def render(case: dict[str, Any], lang: str) -> str:
    options = {KEYWORDS[key]: value for key, value in case["opts"].items()}
    if case["fn"] in TAKES_LANG:
        options["lang"] = lang
    return str(FUNCTIONS[case["fn"]](*case["args"], **options))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['fn']}-{c['why']}" for c in CASES])
def test_the_formatter_reads_as_chinese_users_expect(case: dict[str, Any]) -> None:
    assert render(case, "zh-hans") == case["zh"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['fn']}-{c['why']}" for c in CASES])
def test_the_formatter_reads_naturally_in_english(case: dict[str, Any]) -> None:
    assert render(case, "en") == case["en"]


def test_the_active_language_is_used_when_none_is_given() -> None:
    with translation.override("en"):
        english = formatting.money(Decimal("2468.5"))
    with translation.override("zh-hans"):
        chinese = formatting.money(Decimal("2468.5"))
    assert (english, chinese) == ("CNY 24,685,000", "2,468.5 万元")


def test_unit_price_is_exact_yuan_per_square_metre_not_a_rounded_wan_figure() -> None:
    # 13410.5079 万元 over 95,716.23 m²: 1,401.07 元/m² exactly (half up), where 0.1401 万元/m² would read 1,401
    assert formatting.unit_price_yuan(Decimal("13410.5079"), Decimal("95716.23")) == Decimal("1401.07")
