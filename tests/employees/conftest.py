"""Fixtures of the employee tests."""

from datetime import date

import pytest

from tests.card_summary import pytest_runtest_call  # noqa: F401  (the current card summary guard)
from tests.factories_registry import CardFactory, HseResultFactory, OperativeFactory


@pytest.fixture
def record():
    operative = OperativeFactory(last_name="Jones", ni_number="AB123456C", date_of_birth=date(1980, 2, 3))
    CardFactory(operative=operative, number="12345678")
    HseResultFactory(operative=operative, number="HSE0000001")
    return operative
