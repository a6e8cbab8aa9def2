"""The one query object of the 直接交易 search (direct transactions): both engines (search/engines/direct_*.py) take
a `DirectDealQuery` and answer a `SearchPage` of contract ids, newest coding first. A keyword is a fragment, as in
the notices (search/notice_query.py `fragments`): each must occur in the address or the coding number."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DirectDealQuery:
    """What a visitor asks of the direct transactions. Dates are Asia/Shanghai days, inclusive; None: no bound."""

    keywords: str = ""
    region: str | None = None  # a GB/T 2260 code at any level: the contract's county is in or under it
    land_use: str | None = None  # GB/T 21010, first level (05: every 05xx) or second level (0501)
    kind: str | None = None  # transfer | lease (the mode)
    coded_from: date | None = None
    coded_to: date | None = None
    page: int = 1
    page_size: int = 20
