"""Progress against the plan's targets: milestone, achievement, status, score and projection.

Pure functions over the ``current_values`` frame of the store; the method (formulas, thresholds, edge
cases, a worked example) is written out in ``docs/METHOD.md``. In short, for each unit × indicator ×
period: the baseline is the unit's yearly value in the indicator's baseline year (else its first yearly
value); the milestone is the catalog's milestone for the year, else the straight line from the baseline to
the target; ``R = (value − baseline) / (milestone − baseline)``, sign-adjusted for lower-is-better, is the
observed growth over the growth required by now (Open SDG's ratio, measured linearly), classed by the
thresholds below. From the end of the target year on, the status is a verdict: ``achieved`` or
``not_achieved``, never "on track". ``slipped`` flags a value worse than the unit's previous report of the same
length. The projection is a time-weighted linear trend of the yearly values (weight = year − 2015, so recent
years weigh more), evaluated at the target year. Roll-ups (the province, and each block) are units of their own:
:data:`PROVINCE` and :data:`BLOCK_TOTALS`.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

import numpy as np
import pandas as pd

from cchc.catalog import Catalog, Indicator, load_catalog
from cchc.periods import all_periods, parse_period

PROVINCE = "UBNDT"
BLOCK_TOTALS: dict[str, str] = {"so": "UBNDT-SO", "huyen": "UBNDT-HUYEN"}  # block → the code of its roll-up

STATUSES: tuple[str, ...] = (
    "achieved", "not_achieved", "on_track", "needs_acceleration", "limited", "deteriorating", "baseline", "no_data",
    "no_target",
)

_CODE = {status: n for n, status in enumerate(STATUSES)}

# Open SDG thresholds on R = observed growth / required growth.
ON_TRACK = 0.95
NEEDS_ACCELERATION = 0.60
LIMITED = 0.0
SCORE_MAX = 5.0
UNMET_CAP = 99.9  # attainment of a value that equals a strict target (">" 80, reported 80): not met, not full

COLUMNS: tuple[str, ...] = (
    "unit", "indicator", "period", "year", "value", "numerator", "denominator", "baseline", "baseline_year",
    "milestone", "target", "target_year", "achievement", "status", "slipped", "score", "projected", "reporters",
    "source",
)


def indicator_frame(catalog: Catalog) -> pd.DataFrame:
    """One row per indicator: area, measure, direction, baseline year and final target (NaN when none)."""
    return _indicator_table(catalog.indicators).reset_index()


@lru_cache(maxsize=8)
def _indicator_table(indicators: tuple[Indicator, ...]) -> pd.DataFrame:
    rows = []
    for ind in indicators:
        target = ind.target
        rows.append({
            "indicator": ind.code, "area": ind.area, "measure": ind.measure, "direction": ind.direction,
            "base_year": ind.baseline_year,
            "target": target.value if target else np.nan,
            "target_year": target.year if target else np.nan,
            "comparison": target.comparison if target else "",
            "origin": target.origin if target else "", "rollup": ind.rollup,
        })
    return pd.DataFrame(rows).set_index("indicator")


@lru_cache(maxsize=8)
def _catalog_milestones(indicators: tuple[Indicator, ...]) -> dict[tuple[str, int], float]:
    return {(i.code, year): value for i in indicators for year, value in i.milestones.items()}


_KINDS = {"year": 0, "half": 1, "quarter": 2}


@cache
def _period_info(code: str) -> tuple[int, int, float]:
    """Year, length (0 year, 1 half-year, 2 quarter) and end as a fractional year (2019-H1 → 2018.5)."""
    p = parse_period(code)
    return p.year, _KINDS[p.kind], p.end.year - 1 + p.end.month / 12


def rollup(values: pd.DataFrame, catalog: Catalog | None = None, unit: str = PROVINCE) -> pd.DataFrame:
    """Totals per indicator and period over the units in ``values``, as the unit ``unit``.

    Percent and yes/no values become ``100 × Σ numerator / Σ denominator`` (yes/no: the share of units
    answering *Có*), never a mean of percentages, except for indicators whose catalog ``rollup`` is ``mean``
    (the plain mean of the units' percentages, numerator and denominator left blank); counts are summed.
    Only units that reported a value count; ``reporters`` says how many did.
    """
    catalog = catalog or load_catalog()
    table = _indicator_table(catalog.indicators)
    given = values[values["value"].notna()]
    grouped = given.groupby(["indicator", "period"], observed=True)
    sums = grouped[["numerator", "denominator", "value"]].sum(min_count=1)
    sums["mean"], sums["reporters"] = grouped["value"].mean(), grouped.size()
    sums = sums.reset_index()
    ratio = 100 * sums["numerator"] / sums["denominator"].where(sums["denominator"] > 0)
    count, mean = (sums["indicator"].map(table[name]).eq(word).to_numpy()
                   for name, word in (("measure", "count"), ("rollup", "mean")))
    sums["value"] = np.select([count, mean], [sums["value"], sums["mean"]], ratio)
    for column in ("numerator", "denominator"):
        sums[column] = sums[column].where(~mean)
    sums.insert(0, "unit", unit)
    return sums.drop(columns="mean")


def totals(values: pd.DataFrame, catalog: Catalog) -> list[pd.DataFrame]:
    """The province roll-up and one per block (:data:`BLOCK_TOTALS`); a unit counts in the block it belonged
    to at the end of each period."""
    pairs = values[["unit", "period"]].drop_duplicates()
    by_code = catalog.unit_by_code
    pairs["block"] = [catalog.block_of(by_code[u], parse_period(p).end) if u in by_code else ""
                      for u, p in zip(pairs["unit"], pairs["period"], strict=True)]
    block = values[["unit", "period"]].merge(pairs, how="left", on=["unit", "period"])["block"].to_numpy()
    return [rollup(values, catalog),
            *(rollup(values[block == name], catalog, code) for name, code in BLOCK_TOTALS.items())]


def _group_cumsum(parts: np.ndarray, starts: np.ndarray, gid: np.ndarray) -> np.ndarray:
    """Running sums of each column of ``parts`` within consecutive groups (rows sorted by group)."""
    total = np.cumsum(parts, axis=0)
    before = np.vstack([np.zeros((1, parts.shape[1])), total])[starts]
    return total - before[gid]


#: Named columns of the progress computation: numpy arrays, and pandas string arrays for the codes.
Columns = dict[str, Any]


def _texts(names: object, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``names[codes]`` as a ``str`` array, taken in C rather than built from Python objects."""
    return pd.array(np.asarray(names, dtype=object), dtype="str").take(codes)


def _series(frame: pd.DataFrame, catalog: Catalog) -> Columns:
    """Rows sorted by unit, indicator and period end, with the per-row arrays the formulas need."""
    table = _indicator_table(catalog.indicators)
    frame = frame[frame["indicator"].isin(table.index)]
    units, unit_names = pd.factorize(frame["unit"], sort=True)
    inds, ind_names = pd.factorize(frame["indicator"], sort=True)
    pers, per_names = pd.factorize(frame["period"])
    info = np.array([_period_info(str(c)) for c in per_names], dtype=float).reshape(-1, 3)
    order = np.lexsort((info[pers, 2], inds, units))
    units, inds, pers = units[order], inds[order], pers[order]
    rows: Columns = {c: frame[c].to_numpy(dtype=float, na_value=np.nan)[order]
                     for c in ("numerator", "denominator", "value", "reporters")}
    group = units.astype(np.int64) * len(ind_names) + inds
    new = np.r_[True, group[1:] != group[:-1]]
    ind = table.reindex(ind_names)
    year = info[pers, 0].astype(int)
    milestones = _catalog_milestones(catalog.indicators)
    keys, where = np.unique(inds.astype(np.int64) * 10_000 + year, return_inverse=True)
    names = list(ind_names)
    found = np.array([milestones.get((names[k // 10_000], k % 10_000), np.nan) for k in keys], dtype=float)
    rows.update(
        unit=_texts(unit_names, units), indicator=_texts(ind_names, inds), period=_texts(per_names, pers),
        year=year, kind=info[pers, 1], is_year=info[pers, 1] == 0, t=info[pers, 2], gid=np.cumsum(new) - 1,
        starts=np.flatnonzero(new),
        base_year=ind["base_year"].to_numpy()[inds], target=ind["target"].to_numpy()[inds],
        target_year=ind["target_year"].to_numpy()[inds],
        bounded=ind["measure"].isin(["percent", "yes_no"]).to_numpy()[inds],
        comparison=ind["comparison"].map(_COMPARISONS).to_numpy()[inds],
        sign=np.where(ind["direction"] == "lower", -1.0, 1.0)[inds],
    )
    rows["catalog_milestone"] = np.where(rows["is_year"], found[where], np.nan)
    return rows


def _baseline(r: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per row: its series' yearly value at the baseline year (else the first yearly value), and that year."""
    cand = np.flatnonzero(r["is_year"] & ~np.isnan(r["value"]))
    cand = cand[np.lexsort((r["t"][cand], r["year"][cand] != r["base_year"][cand], r["gid"][cand]))]
    groups, first = np.unique(r["gid"][cand], return_index=True)
    value, year = np.full(len(r["starts"]), np.nan), np.full(len(r["starts"]), np.nan)
    value[groups], year[groups] = r["value"][cand[first]], r["year"][cand[first]]
    return value[r["gid"]], year[r["gid"]]


def _slipped(r: dict[str, np.ndarray]) -> np.ndarray:
    """Whether each value is worse than the series' previous value of a report of the same length."""
    given = np.flatnonzero(~np.isnan(r["value"]))
    order = given[np.lexsort((r["t"][given], r["kind"][given], r["gid"][given]))]
    same = (r["gid"][order][1:] == r["gid"][order][:-1]) & (r["kind"][order][1:] == r["kind"][order][:-1])
    previous = np.full(len(r["value"]), np.nan)
    previous[order[1:][same]] = r["value"][order[:-1][same]]
    with np.errstate(invalid="ignore"):
        return r["sign"] * (r["value"] - previous) < 0


def _projection(r: dict[str, np.ndarray], last_year: int) -> np.ndarray:
    """Time-weighted least-squares trend of the yearly values up to each yearly row, at the target year."""
    used = r["is_year"] & ~np.isnan(r["value"])
    x = r["year"] - 2016.0
    w = np.where(used, np.maximum(r["year"] - 2015.0, 1.0), 0.0)
    y = np.where(used, r["value"], 0.0)
    s = _group_cumsum(np.column_stack([w, w * x, w * x * x, w * y, w * x * y]), r["starts"], r["gid"])
    sw, swx, swxx, swy, swxy = s.T
    det = sw * swxx - swx ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(det > 1e-9, (sw * swxy - swx * swy) / det, np.nan)
        projected = (swy - slope * swx) / sw + slope * (np.where(np.isnan(r["target_year"]), last_year,
                                                                 r["target_year"]) - 2016)
    projected = np.where(r["bounded"], np.clip(projected, 0, 100), np.maximum(projected, 0))
    return np.where(used, projected, np.nan)


_COMPARISONS = {"": 0, ">=": 1, ">": 2, "<=": 3, "<": 4}


def _met(v: np.ndarray, target: np.ndarray, cmp: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.select([cmp == 1, cmp == 2, cmp == 3, cmp == 4],
                         [v >= target, v > target, v <= target, v < target], False).astype(bool)


def _classify(r: Columns) -> Columns:
    """Milestone, achievement, status and score of each row (formulas in docs/METHOD.md)."""
    v, b, target, sign = r["value"], r["baseline"], r["target"], r["sign"]
    with np.errstate(divide="ignore", invalid="ignore"):
        span = r["target_year"] - r["baseline_year"]
        elapsed = np.maximum(r["t"] - r["baseline_year"], 0)
        fraction = np.where(span > 0, np.minimum(elapsed / span, 1), 1)
        milestone = np.where(np.isnan(r["catalog_milestone"]), b + (target - b) * fraction, r["catalog_milestone"])
        milestone = np.where(np.isnan(target), np.nan, milestone)
        met = _met(v, target, r["comparison"])
        gap = np.where((target - b) * sign > 0, target - b, np.nan)
        achievement = np.nan_to_num(np.clip(100 * (v - b) / gap, 0, 100), nan=0.0)
        achievement = np.where(met, 100.0, np.where(np.isnan(v) | np.isnan(target), np.nan, achievement))
        required = sign * (milestone - b)
        ratio = np.where(required > 0, sign * (v - b) / required, np.where(sign * (v - milestone) >= 0, 1.0, -1.0))
        final = r["t"] >= r["target_year"]  # the report closes the target year (or comes after it): a verdict
        code = np.select(
            [np.isnan(v), np.isnan(target), met, final, elapsed <= 0, np.isnan(b), ratio >= ON_TRACK,
             ratio >= NEEDS_ACCELERATION, ratio >= LIMITED],
            [_CODE[s] for s in ("no_data", "no_target", "achieved", "not_achieved", "baseline", "no_data",
                                "on_track", "needs_acceleration", "limited")], _CODE["deteriorating"])
        score = np.where(met, SCORE_MAX, np.clip(SCORE_MAX * ratio, -SCORE_MAX, SCORE_MAX))
    score = np.where(np.isin(code, [_CODE[s] for s in ("baseline", "no_data", "no_target")]), np.nan, score)
    return {"milestone": milestone, "achievement": achievement, "status": _texts(STATUSES, code), "score": score}


def progress(values: pd.DataFrame, catalog: Catalog | None = None, *, province: bool = True) -> pd.DataFrame:
    """Progress of every unit × indicator × period in ``values`` (and of the province roll-up).

    Returns the columns of :data:`COLUMNS`, sorted by unit, indicator and period end. Half-year and
    quarter rows get value, milestone (linear at the period's end), achievement and status; the baseline
    and the projection use yearly values only. ``source`` is the report period the value comes from (the row's
    own period), ``reporters`` the number of units behind a roll-up's figure. With ``province``, the roll-ups
    of :func:`totals` are added. Rows of indicators not in the catalog are dropped.
    """
    catalog = catalog or load_catalog()
    frame = values.reindex(columns=["unit", "period", "indicator", "numerator", "denominator", "value", "reporters"])
    if province and not frame.empty:
        frame = pd.concat([frame, *totals(frame, catalog)], ignore_index=True)
    if frame.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    rows = _series(frame, catalog)
    rows["baseline"], rows["baseline_year"] = _baseline(rows)
    rows["projected"] = _projection(rows, all_periods(("year",))[-1].year)
    rows["slipped"], rows["source"] = _slipped(rows), rows["period"]
    rows.update(_classify(rows))
    out = pd.DataFrame({c: rows[c] for c in COLUMNS})
    return out.astype({"year": "int64", "baseline_year": "Int64", "target_year": "Int64", "reporters": "Int64"})


def attainment(value: np.ndarray, target: np.ndarray, comparison: np.ndarray) -> np.ndarray:
    """How close each value is to its target, in % (0–100): the state reached against the standard.

    Higher-is-better: ``100 × min(value / target, 1)``; lower-is-better: ``100 × min(target / value, 1)``
    (a value of 0 attains 100). ``comparison`` is the target's (``>=``, ``>``, ``<=``, ``<``): 100 only when
    the target is met as progress judges it, so a value exactly at a strict target attains :data:`UNMET_CAP`.
    A missing value (or a 0/0 percentage) or target → NaN: no data.
    """
    v, t = np.asarray(value, dtype=float), np.asarray(target, dtype=float)
    cmp = pd.Series(np.asarray(comparison, dtype=object)).map(_COMPARISONS).fillna(0).to_numpy()
    lower = (cmp == 3) | (cmp == 4)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(lower, np.where(v <= 0, 1.0, t / v), np.where(t <= 0, 1.0, v / t))
    reached = np.where(_met(v, t, cmp), 100.0, np.minimum(100 * np.clip(ratio, 0, 1), UNMET_CAP))
    return np.where(np.isnan(v) | np.isnan(t), np.nan, reached)


def area_scores(prog: pd.DataFrame, catalog: Catalog | None = None) -> pd.DataFrame:
    """Mean indicator score per unit × period × task area (indicators without a score are left out)."""
    catalog = catalog or load_catalog()
    areas = indicator_frame(catalog)[["indicator", "area"]]
    scored = prog.merge(areas, on="indicator")
    return (scored.groupby(["unit", "period", "area"], observed=True)["score"]
            .agg(score="mean", indicators="count").reset_index())


def unit_scores(prog: pd.DataFrame) -> pd.DataFrame:
    """Mean indicator score per unit × period, with the status counts behind it."""
    scores = prog.groupby(["unit", "period"], observed=True)["score"].agg(score="mean", indicators="count")
    counts = pd.crosstab([prog["unit"], prog["period"]], prog["status"]).reindex(columns=list(STATUSES),
                                                                                    fill_value=0)
    return scores.join(counts).reset_index()
