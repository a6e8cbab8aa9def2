"""The one query object of land search, what a backend answers, and how keywords become terms.

Both backends (Elasticsearch and the database) take a `ListingQuery` and answer a `SearchPage`: the matching ids
in order, the total, facet counts and (Elasticsearch only) highlights. The API turns request parameters into a
query with `ListingQueryInput`, so every bad parameter is a structured 400 naming it.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

Kind = Literal["supply", "demand"]
SORTS = (
    "relevance",
    "newest",
    "price_asc",
    "price_desc",
    "unit_price_asc",
    "unit_price_desc",
    "area_asc",
    "area_desc",
    "distance",
)
# Price bands of the facet, in 万元: [low, high); None above the last bound. Listings without a price are 面议.
PRICE_BANDS: tuple[tuple[str, Decimal | None, Decimal | None], ...] = (
    ("lt_100", None, Decimal(100)),
    ("100_500", Decimal(100), Decimal(500)),
    ("500_1000", Decimal(500), Decimal(1000)),
    ("1000_5000", Decimal(1000), Decimal(5000)),
    ("ge_5000", Decimal(5000), None),
)
NEGOTIABLE = "negotiable"  # 面议: no price
MAX_KEYWORDS = 100  # characters
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000  # page × page_size beyond this: use the `after` cursor


@dataclass(frozen=True)
class ListingQuery:
    """What a seeker asks for. Ranges are inclusive; None means no bound. Coordinates are CGCS2000 lon/lat."""

    kind: Kind = "supply"
    keywords: str = ""
    region: str | None = None  # a GB/T 2260 code at any level: the listing's county is in or under it
    land_use: tuple[str, ...] = ()  # GB/T 21010 codes, first level (05: every 05xx) or second level (0501)
    mode: str | None = None  # supply: transfer | lease; demand: purchase | lease (the demand's kind)
    certified: bool | None = None  # supply only: 属地认证 (True) or 属地未认证 (False)
    area_min: Decimal | None = None  # m²; demand: the wanted range overlaps
    area_max: Decimal | None = None
    price_min: Decimal | None = None  # 万元; demand: the budget range overlaps
    price_max: Decimal | None = None
    unit_price_min: Decimal | None = None  # 万元/m², supply only
    unit_price_max: Decimal | None = None
    published_from: date | None = None  # Asia/Shanghai dates, inclusive
    published_to: date | None = None
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    near: tuple[float, float] | None = None  # lon, lat
    distance_m: int | None = None  # with `near`
    polygon: tuple[tuple[float, float], ...] | None = None  # a closed ring of lon/lat
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    after: tuple[str, ...] | None = None  # a cursor from the previous page (deep paging), replaces `page`


@dataclass
class SearchPage:
    """One page of results: ids in order, the total, facets (name → [(key, count)]), highlights and (Elasticsearch)
    the rows results are built from."""

    ids: list[int]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    highlights: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    next_after: tuple[str, ...] | None = None
    distances_m: dict[int, float] = field(default_factory=dict)  # with `near`
    backend: str = ""
    # The result rows of `ids` in order (search.selectors.listing_rows' values), when the engine keeps them
    # (Elasticsearch); None: read them from the database.
    rows: list[dict[str, Any]] | None = None


_ALNUM = re.compile(r"[0-9a-z]+(?:[.,][0-9]+)*")  # as the standard tokenizer keeps 3.5 and 1,000 whole
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+")


def fold(text: str) -> str:
    """Full-width to half-width (NFKC) and lower case, as the index's analyser does (land_cjk_width, lowercase)."""
    return unicodedata.normalize("NFKC", text).lower()


def keyword_terms(text: str) -> tuple[list[str], list[str]]:
    """A query's terms as the index's analyser makes them: ASCII letter/digit runs whole, CJK runs as bigrams (a
    single character as itself). Every term must match (Elasticsearch: match with operator and).

    Returns (word terms, CJK terms): a word term matches a whole word of the text, a CJK term anywhere in a CJK run.
    """
    folded = fold(text)
    words = _ALNUM.findall(folded)
    cjk: list[str] = []
    for run in _CJK.findall(folded):
        cjk.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    return words, cjk


def region_prefix(code: str) -> str:
    """The prefix every code under a GB/T 2260 code shares: 51 for 510000, 5101 for 510100, 510104 for 510104."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def facet_region_level(region: str | None) -> str:
    """The level the region facet counts at: provinces without a region, then one level below the region's."""
    if region is None:
        return "province"
    if region.endswith("0000"):
        return "city"
    return "county"


def price_band(price_wan: Decimal | None) -> str:
    if price_wan is None:
        return NEGOTIABLE
    for key, low, high in PRICE_BANDS:
        if (low is None or price_wan >= low) and (high is None or price_wan < high):
            return key
    raise AssertionError("the bands cover every price")
