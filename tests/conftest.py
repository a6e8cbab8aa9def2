"""Fixtures shared by the cross-app tests: the canary's `world` of records (tests/test_private_fields.py)."""

from tests.test_private_fields import world  # noqa: F401 - a fixture, found by name
