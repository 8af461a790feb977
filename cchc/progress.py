"""Progress against the plan's targets: milestone, achievement, status, score and projection.

Pure functions over the ``current_values`` frame of the store; the method (formulas, thresholds, edge
cases, a worked example) is written out in ``docs/METHOD.md``. In short, for each unit × indicator ×
period: the baseline is the unit's yearly value in the indicator's baseline year (else its first yearly
value); the milestone is the catalog's milestone for the year, else the straight line from the baseline to
the target; ``R = (value − baseline) / (milestone − baseline)``, sign-adjusted for lower-is-better, is the
observed growth over the growth required by now (Open SDG's ratio, measured linearly), classed by the
thresholds below. The projection is a time-weighted linear trend of the yearly values (weight = year −
2015, so recent years weigh more), evaluated at the target year.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from cchc.catalog import Catalog, load_catalog
from cchc.periods import all_periods, parse_period

PROVINCE = "UBNDT"

STATUSES: tuple[str, ...] = (
    "achieved", "on_track", "needs_acceleration", "limited", "deteriorating", "no_data", "no_target",
)
STATUS_LABELS_VI: dict[str, str] = {
    "achieved": "Đã đạt mục tiêu",
    "on_track": "Đúng tiến độ",
    "needs_acceleration": "Cần đẩy nhanh",
    "limited": "Tiến bộ hạn chế",
    "deteriorating": "Đi xuống",
    "no_data": "Chưa có số liệu",
    "no_target": "Không có chỉ tiêu số",
}
STATUS_LABELS_EN: dict[str, str] = {
    "achieved": "Target achieved",
    "on_track": "On track",
    "needs_acceleration": "Needs acceleration",
    "limited": "Limited progress",
    "deteriorating": "Deteriorating",
    "no_data": "No data",
    "no_target": "No numeric target",
}
STATUS_COLORS: dict[str, str] = {
    "achieved": "#1a7f37",
    "on_track": "#7cc46b",
    "needs_acceleration": "#f2c14e",
    "limited": "#f08a3c",
    "deteriorating": "#d1362f",
    "no_data": "#b8b8b8",
    "no_target": "#8fb4d9",
}

# Open SDG thresholds on R = observed growth / required growth.
ON_TRACK = 0.95
NEEDS_ACCELERATION = 0.60
LIMITED = 0.0
SCORE_MAX = 5.0

COLUMNS: tuple[str, ...] = (
    "unit", "indicator", "period", "year", "value", "numerator", "denominator", "baseline", "baseline_year",
    "milestone", "target", "target_year", "achievement", "status", "score", "projected",
)


def indicator_frame(catalog: Catalog) -> pd.DataFrame:
    """One row per indicator: area, measure, direction, baseline year and final target (NaN when none)."""
    rows = []
    for ind in catalog.indicators:
        target = ind.target
        rows.append({
            "indicator": ind.code, "area": ind.area, "measure": ind.measure, "direction": ind.direction,
            "base_year": ind.baseline_year,
            "target": target.value if target else np.nan,
            "target_year": target.year if target else np.nan,
            "comparison": target.comparison if target else "",
        })
    return pd.DataFrame(rows)


def _milestone_frame(catalog: Catalog) -> pd.DataFrame:
    rows = [(i.code, year, value) for i in catalog.indicators for year, value in i.milestones.items()]
    return pd.DataFrame(rows, columns=["indicator", "year", "catalog_milestone"]).astype({"year": "int64"})


@cache
def _period_info(code: str) -> tuple[int, str, float]:
    p = parse_period(code)
    return p.year, p.kind, p.end.year - 1 + p.end.month / 12


def _with_periods(frame: pd.DataFrame) -> pd.DataFrame:
    codes = frame["period"].unique()
    info = pd.DataFrame([(c, *_period_info(c)) for c in codes], columns=["period", "year", "kind", "t"])
    return frame.merge(info, on="period", how="left")


def rollup(values: pd.DataFrame, catalog: Catalog | None = None) -> pd.DataFrame:
    """Province totals per indicator and period: numerators and denominators are added, never percentages.

    Percent and yes/no values become ``100 × Σ numerator / Σ denominator`` (yes/no: the share of units
    answering *Có*); counts are summed. Only units that reported a value count.
    """
    catalog = catalog or load_catalog()
    measures = indicator_frame(catalog).set_index("indicator")["measure"]
    given = values[values["value"].notna()]
    sums = (given.groupby(["indicator", "period"], observed=True)[["numerator", "denominator", "value"]]
            .sum(min_count=1).reset_index())
    ratio = 100 * sums["numerator"] / sums["denominator"].where(sums["denominator"] > 0)
    sums["value"] = sums["value"].where(sums["indicator"].map(measures).eq("count"), ratio)
    sums.insert(0, "unit", PROVINCE)
    return sums


def _baselines(obs: pd.DataFrame) -> pd.DataFrame:
    """Per unit × indicator: the yearly value at the baseline year, else the first yearly value."""
    yearly = obs[(obs["kind"] == "year") & obs["value"].notna()]
    ranked = yearly.assign(off=(yearly["year"] != yearly["base_year"]))
    ranked = ranked.sort_values(["unit", "indicator", "off", "year"]).drop_duplicates(["unit", "indicator"])
    return ranked[["unit", "indicator", "value", "year"]].rename(
        columns={"value": "baseline", "year": "baseline_year"})


def _projection(obs: pd.DataFrame, last_year: int) -> pd.Series:
    """Time-weighted least-squares trend of the yearly values up to each row's year, at the target year."""
    yearly = obs[(obs["kind"] == "year") & obs["value"].notna()].sort_values(["unit", "indicator", "year"])
    x = (yearly["year"] - 2016).astype(float)
    w = (yearly["year"] - 2015).clip(lower=1).astype(float)
    y = yearly["value"]
    parts = pd.DataFrame({"w": w, "wx": w * x, "wxx": w * x * x, "wy": w * y, "wxy": w * x * y})
    s = parts.groupby([yearly["unit"], yearly["indicator"]], observed=True).cumsum()
    det = s["w"] * s["wxx"] - s["wx"] ** 2
    slope = (s["w"] * s["wxy"] - s["wx"] * s["wy"]) / det.where(det > 1e-12)
    intercept = (s["wy"] - slope * s["wx"]) / s["w"]
    horizon = yearly["target_year"].fillna(last_year) - 2016
    projected = intercept + slope * horizon
    bounded = yearly["measure"].isin(["percent", "yes_no"])
    projected = projected.clip(lower=0).where(~bounded, projected.clip(0, 100))
    return projected.reindex(obs.index)


def _met(frame: pd.DataFrame) -> np.ndarray:
    v, target, cmp = frame["value"], frame["target"], frame["comparison"]
    return np.select([cmp == ">=", cmp == ">", cmp == "<=", cmp == "<"],
                     [v >= target, v > target, v <= target, v < target], False).astype(bool)


def classify(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``milestone``, ``achievement``, ``status`` and ``score`` to rows holding value, baseline, target.

    Needs columns ``value, baseline, baseline_year, t, target, target_year, comparison, direction`` and
    ``catalog_milestone`` (NaN where the catalog gives none).
    """
    v, b, target = frame["value"], frame["baseline"], frame["target"]
    sign = np.where(frame["direction"] == "lower", -1.0, 1.0)
    span = (frame["target_year"] - frame["baseline_year"]).where(lambda s: s > 0)
    elapsed = (frame["t"] - frame["baseline_year"]).clip(lower=0)
    linear = b + (target - b) * (elapsed / span).clip(upper=1).fillna(1)
    milestone = frame["catalog_milestone"].fillna(linear).where(target.notna())
    met = _met(frame)
    gap = (target - b).where((target - b) * sign > 0)
    achievement = (100 * (v - b) / gap).clip(0, 100).fillna(0).where(v.notna() & target.notna())
    achievement = achievement.mask(met, 100.0)
    observed, required = sign * (v - b), sign * (milestone - b)
    ratio = (observed / required.where(required > 0)).fillna(
        pd.Series(np.where(sign * (v - milestone) >= 0, 1.0, -1.0), index=frame.index))
    no_data = v.isna() | b.isna() | (elapsed <= 0)
    status = np.select(
        [v.isna(), target.isna(), met, no_data, ratio >= ON_TRACK, ratio >= NEEDS_ACCELERATION, ratio >= LIMITED],
        ["no_data", "no_target", "achieved", "no_data", "on_track", "needs_acceleration", "limited"],
        "deteriorating")
    score = (SCORE_MAX * ratio).clip(-SCORE_MAX, SCORE_MAX).mask(met, SCORE_MAX)
    score = score.where(~pd.Series(status, index=frame.index).isin(["no_data", "no_target"]))
    return frame.assign(milestone=milestone, achievement=achievement, status=status, score=score)


def progress(values: pd.DataFrame, catalog: Catalog | None = None, *, province: bool = True) -> pd.DataFrame:
    """Progress of every unit × indicator × period in ``values`` (and of the province roll-up).

    Returns the columns of :data:`COLUMNS`, sorted by unit, indicator and period end. Half-year and
    quarter rows get value, milestone (linear at the period's end), achievement and status; the baseline
    and the projection use yearly values only.
    """
    catalog = catalog or load_catalog()
    frame = values[["unit", "period", "indicator", "numerator", "denominator", "value"]]
    if province and not frame.empty:
        frame = pd.concat([frame, rollup(frame, catalog)], ignore_index=True)
    if frame.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    obs = _with_periods(frame).merge(indicator_frame(catalog), on="indicator", how="inner")
    obs = obs.merge(_baselines(obs), on=["unit", "indicator"], how="left")
    obs = obs.merge(_milestone_frame(catalog), on=["indicator", "year"], how="left")
    obs.loc[obs["kind"] != "year", "catalog_milestone"] = np.nan
    obs["projected"] = _projection(obs, all_periods(("year",))[-1].year)
    out = classify(obs).sort_values(["unit", "indicator", "t"], kind="stable")
    return out[list(COLUMNS)].reset_index(drop=True)


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
