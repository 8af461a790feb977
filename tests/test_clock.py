"""The product's clock is Hưng Yên time (UTC+7) whatever the machine's time zone, and tests can hold it still."""

import datetime as dt

import pytest

from cchc import clock
from tests.conftest import MACHINE_TIME_ZONES, machine_time_zone

UTC = dt.UTC


@pytest.mark.parametrize("zone", MACHINE_TIME_ZONES)
@pytest.mark.parametrize(
    ("instant", "local"),
    [
        (dt.datetime(2026, 11, 30, 16, 59, 59, tzinfo=UTC), dt.datetime(2026, 11, 30, 23, 59, 59)),
        (dt.datetime(2026, 11, 30, 17, 0, 0, tzinfo=UTC), dt.datetime(2026, 12, 1, 0, 0, 0)),
        (dt.datetime(2020, 12, 31, 17, 30, 0, 250_000, tzinfo=UTC), dt.datetime(2021, 1, 1, 0, 30, 0)),
        (dt.datetime(2019, 5, 1, 8, 0, tzinfo=clock.LOCAL_TIME), dt.datetime(2019, 5, 1, 8, 0)),
    ],
)
def test_now_and_today_are_hung_yen_time_on_any_machine(zone, instant, local):
    with machine_time_zone(zone), clock.frozen(instant):
        assert (clock.now(), clock.today()) == (local, local.date())


def test_a_naive_frozen_time_is_hung_yen_wall_time():
    with clock.frozen(dt.datetime(2026, 12, 1, 0, 5)):
        assert clock.now() == dt.datetime(2026, 12, 1, 0, 5)
    assert abs(clock.now() - dt.datetime.now(UTC).astimezone(clock.LOCAL_TIME).replace(tzinfo=None)) < \
        dt.timedelta(seconds=5)
