"""The state tables of market (market/transitions.py), every pair of states checked; no database."""

import itertools

import pytest

from market.models import Demand, PreAnnouncement, SupplyListing
from market.transitions import (
    DEMAND,
    PRE_ANNOUNCEMENT,
    SUPPLY,
    SUPPLY_DELETABLE,
    SUPPLY_EDITABLE,
    allowed,
)

S = SupplyListing.Status
D = Demand.Status
P = PreAnnouncement.Status

SUPPLY_MOVES = {
    (S.DRAFT, S.IN_REVIEW),
    (S.IN_REVIEW, S.PUBLISHED),
    (S.IN_REVIEW, S.REJECTED),
    (S.REJECTED, S.IN_REVIEW),
    (S.PUBLISHED, S.CERTIFIED),
    (S.PUBLISHED, S.DELISTED),
    (S.PUBLISHED, S.EXPIRED),
    (S.CERTIFIED, S.DELISTED),
    (S.CERTIFIED, S.EXPIRED),
}
DEMAND_MOVES = {
    (D.DRAFT, D.REGISTERED),
    (D.DRAFT, D.DELETED),
    (D.REGISTERED, D.DELISTED),
    (D.REGISTERED, D.EXPIRED),
    (D.REGISTERED, D.DELETED),
    (D.DELISTED, D.DELETED),
    (D.EXPIRED, D.DELETED),
}
PRE_ANNOUNCEMENT_MOVES = {
    (P.DRAFT, P.PUBLISHED),
    (P.PUBLISHED, P.DELISTED),
    (P.PUBLISHED, P.EXPIRED),
}
TABLES = [
    pytest.param(SUPPLY, S.values, SUPPLY_MOVES, id="supply"),
    pytest.param(DEMAND, D.values, DEMAND_MOVES, id="demand"),
    pytest.param(PRE_ANNOUNCEMENT, P.values, PRE_ANNOUNCEMENT_MOVES, id="pre_announcement"),
]


@pytest.mark.parametrize(("table", "states", "moves"), TABLES)
def test_every_state_of_the_model_has_a_row_and_names_only_real_states(table, states, moves):
    assert set(table) == set(states)
    assert all(set(targets) <= set(states) for targets in table.values())


@pytest.mark.parametrize(("table", "states", "moves"), TABLES)
def test_exactly_the_intended_moves_are_allowed(table, states, moves):
    for current, target in itertools.product(states, states):
        assert allowed(table, current, target) is ((current, target) in moves), (current, target)


@pytest.mark.parametrize(("table", "states", "moves"), TABLES)
def test_no_state_moves_to_itself(table, states, moves):
    assert not any(allowed(table, state, state) for state in states)


@pytest.mark.parametrize(("table", "states", "moves"), TABLES)
def test_an_unknown_state_moves_nowhere(table, states, moves):
    assert not any(allowed(table, "no_such_state", target) for target in states)
    assert not any(allowed(table, current, "no_such_state") for current in states)


def test_final_supply_states_have_no_way_out():
    assert SUPPLY[S.DELISTED] == frozenset()
    assert SUPPLY[S.EXPIRED] == frozenset()
    assert PRE_ANNOUNCEMENT[P.DELISTED] == PRE_ANNOUNCEMENT[P.EXPIRED] == frozenset()
    assert DEMAND[D.DELETED] == frozenset()


def test_public_supply_is_reached_only_through_review():
    """Only in_review leads to published; published only to certified, and nothing goes back to draft."""
    into_published = {current for current, targets in SUPPLY.items() if S.PUBLISHED in targets}
    into_certified = {current for current, targets in SUPPLY.items() if S.CERTIFIED in targets}
    into_draft = {current for current, targets in SUPPLY.items() if S.DRAFT in targets}
    assert into_published == {S.IN_REVIEW}
    assert into_certified == {S.PUBLISHED}
    assert into_draft == set()


def test_the_owner_edits_drafts_and_rejected_listings_only():
    assert {S.DRAFT, S.REJECTED} == SUPPLY_EDITABLE


def test_the_owner_deletes_only_what_is_not_in_review_or_public():
    assert {S.DRAFT, S.REJECTED, S.DELISTED, S.EXPIRED} == SUPPLY_DELETABLE
    assert not SUPPLY_DELETABLE & {S.IN_REVIEW, *SupplyListing.PUBLIC_STATUSES}


def test_every_editable_supply_state_can_be_submitted():
    assert all(allowed(SUPPLY, state, S.IN_REVIEW) for state in SUPPLY_EDITABLE)
