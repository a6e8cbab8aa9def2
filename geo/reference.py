"""Bundled reference tables: GB/T 2260 region codes, province abbreviations, GB/T 21010-2017 land use."""

import csv
import re
from functools import cache
from pathlib import Path
from typing import Literal

DATA_DIR = Path(__file__).resolve().parent / "data"

RegionLevel = Literal["province", "city", "county"]

# Six ASCII digits, a non-zero province part, and no county part under a zero city part (xx00yy).
_REGION_CODE = re.compile(r"(?!00)[0-9]{2}(?:0000|(?!00)[0-9]{2}00|(?!00)[0-9]{4})")


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def _regions() -> dict[str, str]:
    return {row["code"]: row["name"] for row in _read_csv("gbt2260_regions.csv")}


@cache
def _abbreviations() -> dict[str, str]:
    return {row["code"]: row["abbreviation"] for row in _read_csv("province_abbreviations.csv")}


@cache
def _land_use() -> dict[str, tuple[str, str | None]]:
    """Code → (name, parent code or None for a first-level class)."""
    return {row["code"]: (row["name"], row["parent"] or None) for row in _read_csv("gbt21010_2017_land_use.csv")}


@cache
def _land_use_second_level() -> tuple[tuple[str, str], ...]:
    return tuple((code, name) for code, (name, parent) in _land_use().items() if parent is not None)


def _province_code(code: str) -> str:
    return code[:2] + "0000"


def region_name(code: str) -> str | None:
    """The name of a region in the table (``"510104"`` → ``"锦江区"``), or None if the code is not in it."""
    return _regions().get(code)


def is_valid_region_code(code: str) -> bool:
    """Whether the code is a current province-, city- or county-level code in the bundled table."""
    return code in _regions()


def region_level(code: str) -> RegionLevel:
    """The level a GB/T 2260 code's shape denotes: xx0000 province, xxxx00 city, anything else county.

    Raises ValueError for a malformed code: not six ASCII digits, 000000 or any 00xxxx, or xx00yy.
    The code need not be in the table (retired codes still have a level).
    """
    if not isinstance(code, str) or not _REGION_CODE.fullmatch(code):
        raise ValueError(f"malformed GB/T 2260 region code: {code!r}")
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def parent_code(code: str) -> str | None:
    """The nearest ancestor of a code that exists in the table; None for a province.

    510104 → 510100; 429004 仙桃市 (no 429000 row) → 420000; 110101 (no 110100 row) → 110000; 510100 → 510000.
    Works for well-formed codes that are not in the table (e.g. retired ones). Raises ValueError for a
    malformed code or one whose province is not in the table.
    """
    level = region_level(code)
    if level == "province":
        return None
    regions = _regions()
    if level == "county" and (city := code[:4] + "00") in regions:
        return city
    province = _province_code(code)
    if province not in regions:
        raise ValueError(f"unknown province for region code {code!r}")
    return province


def province_abbreviation(code: str) -> str:
    """The one-character province abbreviation (简称) for a code of any level: 510104 → 川.

    Raises ValueError for a malformed code or an unknown province.
    """
    region_level(code)
    try:
        return _abbreviations()[_province_code(code)]
    except KeyError:
        raise ValueError(f"unknown province for region code {code!r}") from None


def land_use_name(code: str) -> str | None:
    """The GB/T 21010-2017 name of a first- or second-level land-use code (``"0601"`` → ``"工业用地"``), or None."""
    entry = _land_use().get(code)
    return entry[0] if entry else None


def land_use_parent(code: str) -> str | None:
    """The first-level code of a second-level land-use code (``"0501"`` → ``"05"``); None otherwise."""
    entry = _land_use().get(code)
    return entry[1] if entry else None


def land_use_choices() -> list[tuple[str, str]]:
    """The 73 second-level classes as (code, name) choices for forms and filters, in code order."""
    return list(_land_use_second_level())


def is_valid_land_use(code: str) -> bool:
    """Whether the code is a first- or second-level GB/T 21010-2017 class."""
    return code in _land_use()


LAND_USE_MAJOR: dict[str, str] = {code: name for code, (name, parent) in _land_use().items() if parent is None}
"""First-level GB/T 21010-2017 classes: code → name (``"05"`` → ``"商服用地"``)."""
