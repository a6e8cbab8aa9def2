"""The state machines of market's entities as plain data: {state: {states it may move to}}.

Services check a move with `allowed(TABLE, from, to)` before they save it; the tables are tested exhaustively.
"""

from market.models import Demand, PreAnnouncement, SupplyListing

S = SupplyListing.Status
SUPPLY: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.IN_REVIEW}),  # submit
    S.IN_REVIEW: frozenset({S.PUBLISHED, S.REJECTED}),  # initial review: approve / reject
    S.REJECTED: frozenset({S.IN_REVIEW}),  # edited and submitted again
    S.PUBLISHED: frozenset({S.CERTIFIED, S.DELISTED, S.EXPIRED}),  # final review; delist; six months
    S.CERTIFIED: frozenset({S.DELISTED, S.EXPIRED}),
    S.DELISTED: frozenset(),  # only deleted (the seed: 已下架 → 删除)
    S.EXPIRED: frozenset(),
}
# States in which the owner edits the listing in place (a published one changes through a reviewed SupplyChange),
# and in which the owner may delete it.
SUPPLY_EDITABLE = frozenset({S.DRAFT, S.REJECTED})
SUPPLY_DELETABLE = frozenset({S.DRAFT, S.REJECTED, S.DELISTED, S.EXPIRED})

D = Demand.Status
DEMAND: dict[str, frozenset[str]] = {
    D.DRAFT: frozenset({D.REGISTERED, D.DELETED}),  # submit (登记); delete
    D.REGISTERED: frozenset({D.DELISTED, D.EXPIRED, D.DELETED}),
    D.DELISTED: frozenset({D.DELETED}),
    D.EXPIRED: frozenset({D.DELETED}),
    D.DELETED: frozenset(),
}

P = PreAnnouncement.Status
PRE_ANNOUNCEMENT: dict[str, frozenset[str]] = {
    P.DRAFT: frozenset({P.PUBLISHED}),
    P.PUBLISHED: frozenset({P.DELISTED, P.EXPIRED}),
    P.DELISTED: frozenset(),
    P.EXPIRED: frozenset(),
}


def allowed(table: dict[str, frozenset[str]], current: str, target: str) -> bool:
    return target in table.get(current, frozenset())
