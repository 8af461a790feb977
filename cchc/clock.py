"""Hưng Yên time: the one clock behind every "now" and "today" of the product, which tests can hold still.

Vietnam has kept UTC+7 all year since 1975, so a fixed offset is exact for every date the plan covers and needs
no time-zone database on the machine. Times are stored as Hưng Yên wall time, without a zone. The machine's own
time zone never matters: the clock reads the current instant in UTC and converts it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LOCAL_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")


def _system_instant() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_instant: Callable[[], dt.datetime] = _system_instant


def now() -> dt.datetime:
    """Now in Hưng Yên, without a zone, to the second."""
    return _instant().astimezone(LOCAL_TIME).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    """Today's date in Hưng Yên (at 00:30 there it is already tomorrow in UTC's terms)."""
    return now().date()


@contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    """Hold the clock at ``at`` (an aware instant, or Hưng Yên wall time when naive) while the block runs."""
    global _instant
    instant = at if at.tzinfo else at.replace(tzinfo=LOCAL_TIME)
    previous, _instant = _instant, lambda: instant
    try:
        yield
    finally:
        _instant = previous
