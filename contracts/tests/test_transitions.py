"""The contract's state table (contracts/transitions.py), every pair of states checked; no database."""

import itertools

from contracts.models import Contract
from contracts.transitions import CONTRACT, EDITABLE, allowed

C = Contract.Status
STATES = C.values
MOVES = {
    (C.DRAFT, C.AWAITING_CONFIRMATION),  # online: party A sends
    (C.DRAFT, C.IN_REVIEW),  # offline: party A submits with the signed copy
    (C.DRAFT, C.CANCELLED),
    (C.AWAITING_CONFIRMATION, C.CONFIRMED),  # party B confirms the content
    (C.AWAITING_CONFIRMATION, C.RETURNED),  # party B returns it
    (C.AWAITING_CONFIRMATION, C.DRAFT),  # party A recalls it
    (C.RETURNED, C.AWAITING_CONFIRMATION),
    (C.RETURNED, C.CANCELLED),
    (C.CONFIRMED, C.SCAN_UPLOADED),  # party A uploads the signed copy
    (C.CONFIRMED, C.CANCELLED),
    (C.SCAN_UPLOADED, C.IN_REVIEW),  # party B confirms the copy
    (C.SCAN_UPLOADED, C.CONFIRMED),  # party B disputes it
    (C.IN_REVIEW, C.CODED),
    (C.IN_REVIEW, C.REJECTED),
    (C.REJECTED, C.AWAITING_CONFIRMATION),
    (C.REJECTED, C.IN_REVIEW),
    (C.REJECTED, C.CANCELLED),
    (C.CODED, C.REVOKED),
}


def test_every_state_has_a_row_and_names_only_real_states():
    assert set(CONTRACT) == set(STATES)
    assert all(set(targets) <= set(STATES) for targets in CONTRACT.values())


def test_exactly_the_intended_moves_are_allowed():
    for current, target in itertools.product(STATES, STATES):
        assert allowed(CONTRACT, current, target) is ((current, target) in MOVES), (current, target)


def test_no_state_moves_to_itself_and_an_unknown_state_moves_nowhere():
    assert not any(allowed(CONTRACT, state, state) for state in STATES)
    assert not any(allowed(CONTRACT, "no_such_state", target) for target in STATES)
    assert not any(allowed(CONTRACT, current, "no_such_state") for current in STATES)


def test_revoked_and_cancelled_are_final_and_only_review_codes():
    assert CONTRACT[C.REVOKED] == CONTRACT[C.CANCELLED] == frozenset()
    assert {current for current, targets in CONTRACT.items() if C.CODED in targets} == {C.IN_REVIEW}
    assert {current for current, targets in CONTRACT.items() if C.REVOKED in targets} == {C.CODED}


def test_nothing_in_or_after_review_may_be_cancelled_or_edited():
    assert not any(C.CANCELLED in CONTRACT[state] for state in (C.IN_REVIEW, C.CODED, C.REVOKED, C.SCAN_UPLOADED))
    assert {C.DRAFT, C.RETURNED, C.REJECTED} == EDITABLE
