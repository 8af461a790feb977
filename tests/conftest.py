"""Shared fixtures: ``make_workbook`` builds a filled reporting workbook in code (see tests/workbooks.py);
``local_midnight`` holds the clock just after midnight in Hưng Yên under each machine time zone;
``sample_install`` is a data folder with the bundled sample data."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from cchc import bootstrap, clock
from tests.workbooks import build_workbook


@pytest.fixture(scope="session")
def sample_install(tmp_path_factory) -> Path:
    """A data folder holding the bundled sample data, loaded once by the app's own first-start path (read only)."""
    directory = tmp_path_factory.mktemp("sample-install") / "data"
    bootstrap.ensure_database(directory)
    return directory


@pytest.fixture
def make_workbook():
    """``make_workbook(unit="SNV", period="2018", **knobs) -> bytes`` (.xlsx), see ``build_workbook``."""
    return build_workbook


JUST_AFTER_LOCAL_MIDNIGHT = dt.datetime(2026, 12, 1, 0, 5, tzinfo=clock.LOCAL_TIME)  # 17:05 UTC, 30 November
MACHINE_TIME_ZONES = ("UTC", "Asia/Ho_Chi_Minh")


@contextmanager
def machine_time_zone(name: str) -> Iterator[None]:
    """Run the block as if the machine's time zone (``TZ``) were ``name``."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("TZ")
        else:
            os.environ["TZ"] = previous
        time.tzset()


@pytest.fixture(params=MACHINE_TIME_ZONES)
def local_midnight(request) -> Iterator[dt.datetime]:
    """Five minutes after midnight in Hưng Yên (still yesterday in UTC), once per machine time zone."""
    with machine_time_zone(request.param), clock.frozen(JUST_AFTER_LOCAL_MIDNIGHT):
        yield JUST_AFTER_LOCAL_MIDNIGHT
