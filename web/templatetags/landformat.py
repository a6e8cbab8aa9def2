"""Template filters for money, unit prices, areas and dates, through core.formatting: {% load landformat %}."""

import datetime as dt

from django import template

from core import formatting

register = template.Library()


@register.filter
def money(value: formatting.Number | None) -> str:
    """{{ listing.price_wan|money }} → "13,410.51 万元" / "CNY 134,105,100"."""
    return formatting.money(value)


@register.filter
def wan_number(value: formatting.Number | None) -> str:
    """{{ quote.amount_wan|wan_number }} under a header naming 万元: "2,468.5"."""
    return formatting.wan_number(value)


@register.filter
def unit_price(price_wan: formatting.Number | None, area_m2: formatting.Number | None) -> str:
    """{{ listing.price_wan|unit_price:listing.area_m2 }} → "2,057.08 元/平方米"."""
    return formatting.unit_price(price_wan, area_m2)


@register.filter
def area(value: formatting.Number | None, with_mu: bool = False) -> str:
    """{{ listing.area_m2|area }} → "12,000 平方米"; {{ listing.area_m2|area:True }} adds "（18 亩）"."""
    return formatting.area(value, with_mu=bool(with_mu))


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    """{{ notice.published_at|day }} → "2026年11月5日" / "5 Nov 2026"."""
    return formatting.date(value)


@register.filter
def moment(value: dt.datetime | None) -> str:
    """{{ job.created_at|moment }} → "2026-11-05 09:30" in Asia/Shanghai."""
    return formatting.date_time(value)
