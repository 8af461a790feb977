"""Shared fixtures: ``make_workbook`` builds a filled reporting workbook in code (see tests/workbooks.py)."""

from __future__ import annotations

import pytest

from tests.workbooks import build_workbook


@pytest.fixture
def make_workbook():
    """``make_workbook(unit="SNV", period="2018", **knobs) -> bytes`` (.xlsx), see ``build_workbook``."""
    return build_workbook
