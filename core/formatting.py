"""Numbers and dates as users read them (万元, 元/平方米, 平方米 with 亩, dates); twin of web/static/web/format.js."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import get_language

SHANGHAI = ZoneInfo("Asia/Shanghai")
YUAN_PER_WAN = Decimal(10000)
MU_PER_M2 = Decimal("0.0015")  # 1 亩 = 10000/15 m² exactly, so 1 m² = 15/10000 亩 = 0.0015 亩 exactly
MONEY_PLACES = 2  # 0.01 万元 = 100 元: how listings read (13,410.51 万元); amounts someone typed use 4 (= 元)
# 元/平方米 to the fen (the statistics page's places): whole 元 would read 0 for a cheap rural lease's unit rent
UNIT_PRICE_PLACES = 2
AREA_PLACES = 2  # m² and 亩 to two places, as areas are stored
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Number = Decimal | int | str


def _english(lang: str | None) -> bool:
    return (lang or get_language() or "zh-hans").lower().startswith("en")


def _round(value: Number, places: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def grouped(value: Number, *, places: int = 4) -> str:
    """13410.5079 → "13,410.5079" (places=4), "2468.5000" → "2,468.5": half up to `places`, no trailing zeros."""
    text = format(_round(value, places), "f")
    sign = "-" if text.startswith("-") else ""
    whole, _dot, fraction = text.lstrip("-").partition(".")
    fraction = fraction.rstrip("0")
    out = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    return sign + out if out != "0" else out


def money(value: Number | None, *, places: int = MONEY_PLACES, lang: str | None = None) -> str:
    """An amount stored in 万元: "13,410.51 万元"; in English the same figure in yuan, "CNY 134,105,100"."""
    if value is None or value == "":
        return ""
    if _english(lang):
        return f"CNY {grouped(_round(value, places) * YUAN_PER_WAN, places=0)}"
    return f"{grouped(value, places=places)} 万元"


def wan_number(value: Number | None, *, places: int = MONEY_PLACES) -> str:
    """An amount in 万元 without its unit, for a column whose header names it (金额（万元）): "2,468.5"."""
    return "" if value is None or value == "" else grouped(value, places=places)


def unit_price_yuan(price_wan: Number | None, area_m2: Number | None) -> Decimal | None:
    """元/平方米 = price_wan × 10000 / area_m2, exact, half up to the fen; None when negotiable or without an area."""
    if price_wan is None or price_wan == "" or area_m2 is None or area_m2 == "" or not Decimal(str(area_m2)):
        return None
    return _round(Decimal(str(price_wan)) * YUAN_PER_WAN / Decimal(str(area_m2)), UNIT_PRICE_PLACES)


def unit_price(price_wan: Number | None, area_m2: Number | None, *, lang: str | None = None) -> str:
    """ "1,400.87 元/平方米", "CNY 1,400.87/m²"; "" when there is no unit price."""
    yuan = unit_price_yuan(price_wan, area_m2)
    if yuan is None:
        return ""
    text = grouped(yuan, places=UNIT_PRICE_PLACES)
    return f"CNY {text}/m²" if _english(lang) else f"{text} 元/平方米"


def mu(area_m2: Number) -> Decimal:
    """An area in 亩 (1 亩 = 10000/15 m²), half up to two places: 12000 m² → 18."""
    return _round(Decimal(str(area_m2)) * MU_PER_M2, AREA_PLACES)


def area(value: Number | None, *, with_mu: bool = False, lang: str | None = None) -> str:
    """ "12,000 平方米", with 亩 alongside "12,000 平方米（18 亩）"; English "12,000 m² (18 mu)"."""
    if value is None or value == "":
        return ""
    text = grouped(value, places=AREA_PLACES)
    english = _english(lang)
    out = f"{text} m²" if english else f"{text} 平方米"
    if with_mu:
        in_mu = grouped(mu(value), places=AREA_PLACES)
        out += f" ({in_mu} mu)" if english else f"（{in_mu} 亩）"
    return out


def value_range(low: Number | None, high: Number | None, *, kind: str, lang: str | None = None) -> str:
    """Two optional bounds of money or area, the unit written once: "500–1,000 万元", "≥ CNY 5,000,000"; "" without."""

    def full(value: Number) -> str:
        return money(value, lang=lang) if kind == "money" else area(value, lang=lang)

    if (low is None or low == "") and (high is None or high == ""):
        return ""
    if high is None or high == "":
        return f"≥ {full(low)}"  # type: ignore[arg-type]
    if low is None or low == "":
        return f"≤ {full(high)}"
    upper = full(high)
    if full(low) == upper:
        return upper
    figure = re.compile(r"\d[\d,.]*")
    lower_figure = figure.search(full(low)).group()  # type: ignore[union-attr]
    return figure.sub(lambda match: f"{lower_figure}–{match.group()}", upper, count=1)


def _local(value: dt.date | dt.datetime | str) -> dt.date | dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value or " " in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(SHANGHAI)
    return value


def date(value: dt.date | dt.datetime | str | None, *, lang: str | None = None) -> str:
    """A day as read in China: "2026年11月5日", "5 Nov 2026"; an aware time counts in Asia/Shanghai."""
    if value is None or value == "":
        return ""
    day = _local(value)
    if _english(lang):
        return f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def date_time(value: dt.datetime | str | None) -> str:
    """A moment in Asia/Shanghai as the tables show it, in both languages: "2026-11-05 09:30"."""
    if value is None or value == "":
        return ""
    moment = _local(value)
    return moment.strftime("%Y-%m-%d %H:%M") if isinstance(moment, dt.datetime) else moment.isoformat()
