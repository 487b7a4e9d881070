"""Fixtures and guards of the portal tests."""

from tests.card_summary import pytest_runtest_call  # noqa: F401  (the current card summary guard)
