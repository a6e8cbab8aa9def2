"""Check characters of resident ID numbers (GB 11643) and unified social credit codes (GB 32100).

Every expected check character below was worked out by hand from the standards' formulas, with the sum written
next to it, not by running accounts.checksums:
- GB 11643 (ISO 7064 MOD 11-2): S = sum of digit × weight, weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; the check
  character is "10X98765432"[S mod 11].
- GB 32100: characters 0-9 A-Z without I O Z S V are worth 0…30 (A=10 … Y=30); weights 1 3 9 27 19 26 16 17 20 29
  25 13 8 24 10 30 28; check value 31 − (S mod 31), 31 → 0.
- GB 11714 (the organization code, characters 9-17): digits 0-9, letters A=10 … Z=35; weights 3 7 9 10 5 8 4 2;
  check value 11 − (S mod 11), 10 → X, 11 → 0.
"""

import datetime

import pytest

from accounts.checksums import credit_code_valid, resident_id_valid

# The example in GB 11643-1999 itself: S = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167, 167 mod 11 = 2 → X.
STANDARD_EXAMPLE_ID = "11010519491231002X"
# The standard's second example, born 1 January 1880: S = 195, 195 mod 11 = 8 → 4.
STANDARD_EXAMPLE_ID_1880 = "440524188001010014"
# 成都锦江区 510104, born 7 March 1990: S = 35+9+0+5+0+16+2+9+54+0+0+27+0+35+8+8+6 = 214, 214 mod 11 = 5 → 7.
CHENGDU_ID = "510104199003071237"
# Born 29 February 2000 (a leap year): S = 128, 128 mod 11 = 7 → 5.
LEAP_DAY_ID = "110105200002290005"
# 香港 810000, born 1 January 1980 (residence-permit numbers): S = 140, 140 mod 11 = 8 → 4.
HONG_KONG_ID = "810000198001010014"

# 华为技术有限公司, as printed on its business licence. Credit: S = 9+3+36+108+0+78+0+0+20+261+50+26+0+72+80+60+28
# = 831, 831 mod 31 = 25, 31 − 25 = 6 → 6. Organization code 19220382: S = 3+63+18+20+0+24+32+4 = 164,
# 164 mod 11 = 10, 11 − 10 = 1 → 1.
HUAWEI = "914403001922038216"
# 北京百度网讯科技有限公司. Credit: S = 9+3+9+27+0+0+0+0+160+0+50+13+0+0+40+90+84 = 485, 485 mod 31 = 20,
# 31 − 20 = 11 → B. Organization code 80210043: S = 24+0+18+10+0+0+16+6 = 74, 74 mod 11 = 8 → 3.
BAIDU = "91110000802100433B"
# The example in GB 32100-2015. Credit (M = 21, Y = 30): S = 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640,
# 1640 mod 31 = 28 → 3. Organization code M000100Y (here M = 22, Y = 34): S = 66+5+68 = 139, 139 mod 11 = 7 → 4.
STANDARD_EXAMPLE_CREDIT_CODE = "91350100M000100Y43"
# A code whose organization code's check character is X: credit S = 2832, 2832 mod 31 = 11 → L; organization code
# MA1FL1MM: S = 540, 540 mod 11 = 1, 11 − 1 = 10 → X.
X_CHECK_CREDIT_CODE = "91310000MA1FL1MMXL"


@pytest.mark.parametrize(
    "number", [STANDARD_EXAMPLE_ID, STANDARD_EXAMPLE_ID_1880, CHENGDU_ID, LEAP_DAY_ID, HONG_KONG_ID]
)
def test_resident_id_numbers_with_the_right_check_character_are_valid(number):
    assert resident_id_valid(number) is True


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # 0-9 instead of the right X
        "510104199003071238",  # 8 instead of 7
        "510104199003071230",
        "510104199003071231",
        "51010419900307123X",
        "510104199003071273",  # the last two swapped: S = 214 − 3·2 + 7·2 = 222, 222 mod 11 = 2 → X, not 3
    ],
)
def test_a_wrong_check_character_is_refused(number):
    assert resident_id_valid(number) is False


def test_a_lower_case_x_is_refused_by_the_checker():
    assert resident_id_valid("11010519491231002x") is False


@pytest.mark.parametrize("number", ["", "5101041990030712", "51010419900307123", "5101041990030712370", "1" * 10_000])
def test_resident_id_numbers_of_the_wrong_length_are_refused(number):
    assert resident_id_valid(number) is False


@pytest.mark.parametrize(
    "number",
    [
        "５１０１０４１９９００３０７１２３７",  # full-width digits
        "51010419900307123７",
        "11010519491231002Ｘ",  # full-width X
        "٥١٠١٠٤١٩٩٠٠٣٠٧١٢٣٧",  # Arabic-Indic digits: str.isdigit() would say yes
        " 51010419900307123",
        "51010419900307123\n",
        "5101041990030712A7",
    ],
)
def test_resident_id_numbers_with_characters_other_than_ascii_digits_are_refused(number):
    assert resident_id_valid(number) is False


@pytest.mark.parametrize("number", [None, 510104199003071237, b"510104199003071237"])
def test_values_that_are_not_text_are_refused(number):
    assert resident_id_valid(number) is False
    assert credit_code_valid(number) is False


def test_a_province_part_that_is_not_a_gbt_2260_province_is_refused():
    # Right check characters: 990105… S = 295, 295 mod 11 = 9 → 3; 100105… S = 158, 158 mod 11 = 4 → 8.
    assert resident_id_valid("990105194912310023") is False
    assert resident_id_valid("100105194912310028") is False


def test_a_birth_date_that_does_not_exist_is_refused():
    # 29 February 1900 (not a leap year): S = 159, 159 mod 11 = 5 → 7, so only the date is wrong.
    assert resident_id_valid("510104190002290007") is False


def test_a_birth_date_in_the_future_is_refused():
    # Born 1 January 2030: S = 123, 123 mod 11 = 2 → X.
    number = "51010420300101123X"

    assert resident_id_valid(number, today=datetime.date(2029, 12, 31)) is False
    assert resident_id_valid(number, today=datetime.date(2030, 1, 1)) is True


@pytest.mark.parametrize("code", [HUAWEI, BAIDU, STANDARD_EXAMPLE_CREDIT_CODE, X_CHECK_CREDIT_CODE])
def test_published_credit_codes_are_valid(code):
    assert credit_code_valid(code) is True


@pytest.mark.parametrize(
    "code",
    [
        "914403001922038217",  # 7 instead of 6
        "91110000802100433C",
        "91350100M000100Y40",
        "91310000MA1FL1MMXM",
    ],
)
def test_a_credit_code_with_a_wrong_check_character_is_refused(code):
    assert credit_code_valid(code) is False


def test_a_wrong_organization_code_check_is_refused_even_when_the_last_character_fits():
    # Huawei's code with the organization code's check 1 changed to 2 (position 17, weight 28) and the credit check
    # recomputed: S = 831 + 28 = 859, 859 mod 31 = 22, 31 − 22 = 9 → 9.
    assert credit_code_valid("914403001922038229") is False


@pytest.mark.parametrize(
    "code",
    [
        "91330100799655058b",  # lower-case check character
        "91350100m000100y43",
        "91310000ma1fl1mmxl",
    ],
)
def test_lower_case_credit_codes_are_refused(code):
    assert credit_code_valid(code) is False


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_credit_codes_with_the_five_excluded_letters_are_refused(letter):
    assert credit_code_valid("91350100M000100" + letter + "43") is False


@pytest.mark.parametrize("code", ["", "91440300192203821", "9144030019220382160", "9" * 10_000])
def test_credit_codes_of_the_wrong_length_are_refused(code):
    assert credit_code_valid(code) is False


@pytest.mark.parametrize(
    "code",
    [
        "９１４４０３００１９２２０３８２１６",  # Huawei's code in full-width digits
        "91330100799655058Ｂ",  # full-width B
        "91440300192203821 ",
        "9144030019220382-6",
    ],
)
def test_credit_codes_with_full_width_or_other_characters_are_refused(code):
    assert credit_code_valid(code) is False
