"""The one query object of the notices search (交易公示) and how its keywords become fragments.

Both engines (search/engines/notice_elasticsearch.py and notice_database.py) take a `NoticeQuery` and answer a
`SearchPage` of announcement ids. A keyword is a fragment: each whitespace-separated part of the keywords, folded as
`fold` folds (NFKC, lower case), must occur somewhere in the title, the text, the announcement's number or its lot's
number, so `DZR[2026]`, `0012` and `[2026]0003` find the numbers they are part of.
"""

from dataclasses import dataclass
from datetime import date

from search.query import fold

# The `type` facet: the announcement kinds (交易公告) and, once trading ends in results, `result` (成交公示).
ANNOUNCEMENT_TYPES = ("normal", "change", "termination")
RESULT_TYPE = "result"
NOTICE_TYPES = (*ANNOUNCEMENT_TYPES, RESULT_TYPE)
NOTICE_SORTS = ("newest", "oldest")
NOTICE_STATUSES = ("published", "superseded")  # never a draft
MAX_FRAGMENTS = 10
# The text is indexed in chunks this long, each overlapping the next by the longest fragment (MAX_KEYWORDS), so a
# fragment always lies whole inside one chunk (a keyword term holds at most 32766 bytes: 8000 × 4).
TEXT_CHUNK = 8000


@dataclass(frozen=True)
class NoticeQuery:
    """What a visitor asks of the notices. Dates are Asia/Shanghai days, inclusive; None means no bound."""

    keywords: str = ""
    region: str | None = None  # a GB/T 2260 code at any level: the lot's region is in or under it
    types: tuple[str, ...] = ()  # NOTICE_TYPES; empty: every type
    published_from: date | None = None
    published_to: date | None = None
    centre: int | None = None  # a trading centre's id
    lot_kind: str | None = None  # land_use_right | mining_right
    trading_mode: str | None = None  # listing | auction
    sort: str = "newest"
    page: int = 1
    page_size: int = 20


def fragments(keywords: str) -> list[str]:
    """The folded, distinct fragments of the keywords, in order (at most MAX_FRAGMENTS)."""
    seen: list[str] = []
    for part in fold(keywords).split():
        if part not in seen:
            seen.append(part)
    return seen[:MAX_FRAGMENTS]


def text_chunks(text: str, *, size: int = TEXT_CHUNK, overlap: int = 100) -> list[str]:
    """The folded text in chunks of `size` characters, each starting `size - overlap` after the previous."""
    folded = fold(text)
    if len(folded) <= size:
        return [folded] if folded else []
    step = size - overlap
    return [folded[start : start + size] for start in range(0, len(folded) - overlap, step)]
