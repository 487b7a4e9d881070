"""Fixtures and guards of the applications tests."""

from tests.card_summary import pytest_runtest_call  # noqa: F401  (the current card summary guard)
