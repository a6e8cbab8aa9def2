"""Check characters of resident ID numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015)."""

import datetime

from django.utils import timezone

from geo.reference import is_valid_region_code

_DIGITS = "0123456789"

# GB 11643-1999, ISO 7064 MOD 11-2: the weight of position i (1-based) is 2^(18-i) mod 11.
_RESIDENT_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, …
_RESIDENT_ID_CHECK = "10X98765432"  # indexed by the weighted sum mod 11
_EARLIEST_BIRTH_YEAR = 1800

# GB 32100-2015: 31 characters, the Latin letters I, O, Z, S and V left out; a character's value is its index.
_CREDIT_CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_VALUES = {character: value for value, character in enumerate(_CREDIT_CODE_CHARACTERS)}
_CREDIT_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, …

# GB 11714-1997 organization code: eight digits or capital letters and a check character.
_ORGANIZATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORGANIZATION_CODE_VALUES = {c: v for v, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def resident_id_check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK[total % 11]


def resident_id_valid(number: object, *, today: datetime.date | None = None) -> bool:
    """Whether `number` is an 18-character resident ID number: a province code in GB/T 2260, a real birth date
    not after `today` (the local date by default), and the right check character (0-9 or a capital X)."""
    if not isinstance(number, str) or len(number) != 18:
        return False
    if any(c not in _DIGITS for c in number[:17]) or number[17] not in _DIGITS + "X":
        return False
    if not is_valid_region_code(number[:2] + "0000"):
        return False
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born.year < _EARLIEST_BIRTH_YEAR or born > (today or timezone.localdate()):
        return False
    return resident_id_check_character(number[:17]) == number[17]


def organization_code_check_character(first8: str) -> str:
    """The GB 11714 check character of an organization code's first eight characters: 0-9 or X."""
    total = sum(_ORGANIZATION_CODE_VALUES[c] * w for c, w in zip(first8, _ORGANIZATION_CODE_WEIGHTS, strict=True))
    value = (11 - total % 11) % 11
    return "X" if value == 10 else str(value)


def credit_code_check_character(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters of a unified social credit code."""
    total = sum(_CREDIT_CODE_VALUES[c] * w for c, w in zip(first17, _CREDIT_CODE_WEIGHTS, strict=True))
    return _CREDIT_CODE_CHARACTERS[(31 - total % 31) % 31]


def credit_code_valid(code: object) -> bool:
    """Whether `code` is an 18-character unified social credit code in capitals whose check character (18th) and
    embedded organization code's check character (17th) are right."""
    if not isinstance(code, str) or len(code) != 18:
        return False
    if any(c not in _CREDIT_CODE_VALUES for c in code):
        return False
    if organization_code_check_character(code[8:16]) != code[16]:
        return False
    return credit_code_check_character(code[:17]) == code[17]
