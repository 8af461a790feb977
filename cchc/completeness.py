"""Who reported, on time or late, and who has not: expected vs received reports per unit and period.

A unit is expected to report for a period when it is a reporting unit (its kind ``reports``) and it existed
on some day of the period (:meth:`Unit.valid_between`); otherwise the pair is ``not_applicable``. The
first accepted submission counts: on time if uploaded on or before the period's deadline (Vietnam time),
late after it; a later correction does not make an on-time report late.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from cchc import clock
from cchc.catalog import Catalog, load_catalog
from cchc.periods import Period, all_periods, parse_period

COMPLETENESS_STATUSES: tuple[str, ...] = ("on_time", "late", "missing", "not_applicable")
COLUMNS: tuple[str, ...] = ("unit", "period", "expected", "status", "received_at", "deadline", "days_late")


def default_periods(submissions: pd.DataFrame) -> list[Period]:
    """Every year of the plan plus every other period a report was accepted for, in time order."""
    accepted = submissions.loc[submissions["status"] == "accepted", "period"].dropna().unique()
    codes = {p.code for p in all_periods(("year",))} | set(accepted)
    return sorted((parse_period(c) for c in codes), key=lambda p: (p.end, -p.start.toordinal()))


def _local(stamps: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(stamps)
    return stamps.dt.tz_convert(clock.LOCAL_TIME).dt.tz_localize(None) if stamps.dt.tz is not None else stamps


def completeness(submissions: pd.DataFrame, periods: Iterable[Period | str] | None = None,
                 catalog: Catalog | None = None) -> pd.DataFrame:
    """One row per reporting unit × period with the columns of :data:`COLUMNS`.

    ``submissions`` is the store's ``submissions()`` frame (``unit, period, status, uploaded_at`` are used).
    """
    catalog = catalog or load_catalog()
    chosen = default_periods(submissions) if periods is None else \
        [p if isinstance(p, Period) else parse_period(p) for p in periods]
    units = pd.DataFrame([(u.code, u.valid_from, u.valid_to) for u in catalog.reporting_units()],
                         columns=["unit", "valid_from", "valid_to"])
    spans = pd.DataFrame([(p.code, p.start, p.end, p.deadline) for p in chosen],
                         columns=["period", "start", "end", "deadline"])
    grid = units.merge(spans, how="cross")
    for col in ("valid_from", "valid_to", "start", "end", "deadline"):
        grid[col] = pd.to_datetime(grid[col])
    grid["expected"] = (grid["valid_from"] <= grid["end"]) & (grid["valid_to"].isna()
                                                              | (grid["start"] <= grid["valid_to"]))
    accepted = submissions[submissions["status"] == "accepted"]
    first = (accepted.assign(received_at=_local(accepted["uploaded_at"]))
             .groupby(["unit", "period"], observed=True)["received_at"].min().reset_index())
    grid = grid.merge(first, on=["unit", "period"], how="left")
    days = (grid["received_at"].dt.normalize() - grid["deadline"]).dt.days
    grid["days_late"] = days.clip(lower=0).where(grid["received_at"].notna()).astype("Int64")
    grid["status"] = "missing"
    grid.loc[grid["received_at"].notna(), "status"] = "late"
    grid.loc[days <= 0, "status"] = "on_time"
    grid.loc[~grid["expected"], "status"] = "not_applicable"
    grid["deadline"] = grid["deadline"].dt.date
    return grid[list(COLUMNS)]
