"""Tests of the bundled reference tables and their readers in geo.reference (no database)."""

import csv

import pytest

from geo.reference import (
    DATA_DIR,
    LAND_USE_MAJOR,
    is_valid_land_use,
    is_valid_region_code,
    land_use_choices,
    land_use_name,
    land_use_parent,
    parent_code,
    province_abbreviation,
    region_level,
    region_name,
)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


REGION_CODES = [row["code"] for row in _rows("gbt2260_regions.csv")]
LAND_USE_ROWS = _rows("gbt21010_2017_land_use.csv")

MALFORMED_REGION_CODES = ["", "51010", "5101040", "51O104", "５１０１０４", "000000", "001234", "510004", " 51010"]


# --- GB/T 2260 regions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("110000", "北京市"),
        ("510100", "成都市"),
        ("510104", "锦江区"),
        ("460100", "海口市"),
        ("429004", "仙桃市"),
        ("710000", "台湾省"),
    ],
)
def test_region_name_returns_the_official_name(code: str, name: str) -> None:
    assert region_name(code) == name


def test_region_name_is_none_for_a_code_not_in_the_table() -> None:
    assert region_name("519999") is None
    assert region_name("") is None


def test_region_table_has_current_changes_up_to_2026() -> None:
    # 2025-11: Chongqing merged 江北区 (500105) and 渝北区 (500112) into 两江新区 (500157);
    # 2024-12: 和田地区 gained 和安县/和康县; 2026-03: 喀什地区 岑岭县.
    assert region_name("500157") == "两江新区"
    assert not is_valid_region_code("500105")
    assert not is_valid_region_code("500112")
    assert region_name("653229") == "和安县"
    assert region_name("653132") == "岑岭县"


def test_region_table_row_counts_are_in_the_expected_ranges() -> None:
    levels = [region_level(code) for code in REGION_CODES]
    # The bundled MCA snapshot (fetched 2026-09-11, see geo/data/README.md) has 34 / 333 / 2 847 units.
    assert levels.count("province") == 34
    assert 320 <= levels.count("city") <= 345
    assert 2800 <= levels.count("county") <= 2900
    assert 3150 <= len(REGION_CODES) <= 3300


def test_every_region_code_is_six_ascii_digits_and_unique() -> None:
    assert all(len(code) == 6 and code.isascii() and code.isdigit() for code in REGION_CODES)
    assert len(set(REGION_CODES)) == len(REGION_CODES)
    assert all(region_name(code) for code in REGION_CODES)


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("510000", "province"),
        ("510100", "city"),
        ("441900", "city"),  # 东莞市, a prefecture-level city without counties
        ("510104", "county"),
        ("429004", "county"),
        ("110101", "county"),
    ],
)
def test_region_level_follows_the_code_shape(code: str, level: str) -> None:
    assert region_level(code) == level


@pytest.mark.parametrize("code", MALFORMED_REGION_CODES)
def test_region_level_refuses_a_malformed_code(code: str) -> None:
    with pytest.raises(ValueError, match="malformed"):
        region_level(code)


@pytest.mark.parametrize(
    ("code", "parent"),
    [
        ("510104", "510100"),  # county → its city
        ("510100", "510000"),  # city → its province
        ("510000", None),  # province → none
        ("429004", "420000"),  # 仙桃市, 省直辖县级市: the table has no 429000 row
        ("469002", "460000"),  # 琼海市, likewise
        ("110101", "110000"),  # a municipality's district: no 110100 row
        ("500112", "500000"),  # a retired code (渝北区) still finds its province
    ],
)
def test_parent_code_returns_the_nearest_ancestor_in_the_table(code: str, parent: str | None) -> None:
    assert parent_code(code) == parent


def test_every_region_parent_chain_ends_at_a_province_in_the_table() -> None:
    for code in REGION_CODES:
        chain = [code]
        while (parent := parent_code(chain[-1])) is not None:
            assert is_valid_region_code(parent), f"{chain} → {parent}"
            chain.append(parent)
        assert region_level(chain[-1]) == "province"
        assert len(chain) <= 3


def test_parent_code_refuses_malformed_or_unknown_province_codes() -> None:
    with pytest.raises(ValueError, match="malformed"):
        parent_code("51010")
    with pytest.raises(ValueError, match="unknown province"):
        parent_code("990101")


def test_is_valid_region_code_only_accepts_codes_in_the_table() -> None:
    assert is_valid_region_code("510104")
    assert not is_valid_region_code("510199")
    assert not any(is_valid_region_code(code) for code in MALFORMED_REGION_CODES)


# --- province abbreviations --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "abbreviation"),
    [("510104", "川"), ("510100", "川"), ("510000", "川"), ("460100", "琼"), ("110101", "京"), ("150000", "蒙")],
)
def test_province_abbreviation_works_for_codes_of_any_level(code: str, abbreviation: str) -> None:
    assert province_abbreviation(code) == abbreviation


def test_every_province_in_the_table_has_a_distinct_one_character_abbreviation() -> None:
    provinces = [code for code in REGION_CODES if region_level(code) == "province"]
    abbreviations = [province_abbreviation(code) for code in provinces]
    assert all(len(abbreviation) == 1 for abbreviation in abbreviations)
    assert len(set(abbreviations)) == len(provinces) == 34
    assert {row["code"] for row in _rows("province_abbreviations.csv")} == set(provinces)


def test_province_abbreviation_refuses_malformed_or_unknown_codes() -> None:
    with pytest.raises(ValueError, match="malformed"):
        province_abbreviation("000000")
    with pytest.raises(ValueError, match="unknown province"):
        province_abbreviation("990000")


# --- GB/T 21010-2017 land use ------------------------------------------------------------------------------------


def test_land_use_table_has_12_first_level_and_73_second_level_classes() -> None:
    # GB/T 21010-2017, foreword and table 1: 12 first-level classes and 73 second-level classes
    # (the foreword: "一二级类数量变更为73个"; the 2007 edition had 56).
    assert len(LAND_USE_MAJOR) == 12
    assert list(LAND_USE_MAJOR) == [f"{n:02d}" for n in range(1, 13)]
    assert len(land_use_choices()) == 73
    assert len(LAND_USE_ROWS) == 12 + 73


def test_every_second_level_class_belongs_to_a_first_level_class_by_its_prefix() -> None:
    for code, _name in land_use_choices():
        parent = land_use_parent(code)
        assert parent in LAND_USE_MAJOR
        assert code[:2] == parent
        assert len(code) == 4


def test_land_use_codes_are_unique_and_at_most_four_characters() -> None:
    codes = [row["code"] for row in LAND_USE_ROWS]
    assert len(set(codes)) == len(codes)
    assert all(len(code) <= 4 for code in codes)


@pytest.mark.parametrize(
    ("code", "name", "parent"),
    [
        ("05", "商服用地", None),
        ("0501", "零售商业用地", "05"),
        ("0601", "工业用地", "06"),
        ("0701", "城镇住宅用地", "07"),
        ("0101", "水田", "01"),
        ("1207", "裸岩石砾地", "12"),
    ],
)
def test_land_use_name_and_parent_of_known_classes(code: str, name: str, parent: str | None) -> None:
    assert land_use_name(code) == name
    assert land_use_parent(code) == parent


def test_land_use_choices_are_second_level_code_name_pairs_in_code_order() -> None:
    choices = land_use_choices()
    assert choices[0] == ("0101", "水田")
    assert choices[-1] == ("1207", "裸岩石砾地")
    assert [code for code, _ in choices] == sorted(code for code, _ in choices)
    choices.clear()  # the caller's copy; the table is unchanged
    assert len(land_use_choices()) == 73


@pytest.mark.parametrize("code", ["05", "0501", "12", "1207"])
def test_is_valid_land_use_accepts_first_and_second_level_codes(code: str) -> None:
    assert is_valid_land_use(code)


@pytest.mark.parametrize("code", ["", "5", "00", "13", "0508", "05H1", "08H2", "0810A", "501", " 0501"])
def test_is_valid_land_use_refuses_unknown_or_malformed_codes(code: str) -> None:
    # 05H1/08H2/0810A are 第三次全国国土调查 working codes, not GB/T 21010-2017 classes.
    assert not is_valid_land_use(code)
    assert land_use_name(code) is None
    assert land_use_parent(code) is None
