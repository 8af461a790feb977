"""Page data for monitoring: the overview, one unit, one task area (targets, scores, paths, projections)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cchc.catalog import Catalog
from cchc.dashboard.common import (
    area_name,
    block_units,
    history_table,
    indicator_name,
    latest_in_year,
    shorten,
    status_legend,
    year_end,
    yearly,
)
from cchc.i18n import status_label, t
from cchc.progress import PROVINCE, area_scores

BEHIND: tuple[str, ...] = ("needs_acceleration", "limited", "deteriorating")
ATTENTION_SIZE = 6


@dataclass(frozen=True)
class Series:
    """One indicator of one unit over time, ready for :func:`cchc.charts.indicator_series`."""

    indicator: str
    title: str
    observed: pd.DataFrame
    path: pd.DataFrame
    projection: pd.DataFrame
    target: float | None
    percent: bool


def series(prog: pd.DataFrame, catalog: Catalog, unit: str, code: str, lang: str) -> Series:
    """The observed yearly values, the path baseline → milestones → target, and the projection to the target year."""
    ind = catalog.indicator_by_code[code]
    rows = yearly(prog, unit, code)
    observed = pd.DataFrame({"year": rows["year"].to_numpy(), "value": rows["value"].to_numpy()})
    target = ind.target
    path = pd.DataFrame(columns=["year", "value"])
    projection = pd.DataFrame(columns=["year", "value"])
    if target is not None and not rows.empty and pd.notna(rows["baseline"].iloc[-1]):
        base_year, base = int(rows["baseline_year"].iloc[-1]), float(rows["baseline"].iloc[-1])
        points = {base_year: base, **{y: v for y, v in ind.milestones.items() if y > base_year},
                  target.year: target.value}
        path = pd.DataFrame(sorted(points.items()), columns=["year", "value"])
    last = rows.dropna(subset=["value"]).tail(1)
    if target is not None and not last.empty and pd.notna(last["projected"].iloc[0]) \
            and int(last["year"].iloc[0]) < target.year:
        projection = pd.DataFrame({"year": [int(last["year"].iloc[0]), target.year],
                                   "value": [float(last["value"].iloc[0]), float(last["projected"].iloc[0])]})
    title = f"{code} · {indicator_name(ind, lang)}"
    return Series(code, title, observed, path, projection, target.value if target else None, ind.measure != "count")


def year_area_scores(latest: pd.DataFrame, catalog: Catalog, year: int) -> pd.DataFrame:
    """Mean score per unit × area over each indicator's latest figure of ``year`` (annual or half-year alike)."""
    return area_scores(latest.assign(period=str(year)), catalog)


def wrapped(text: str, width: int) -> str:
    """``text`` broken into lines of about ``width`` characters for a chart label."""
    return "<br>".join(textwrap.wrap(text, width))


def target_codes(catalog: Catalog) -> list[str]:
    """The indicators holding one of the plan's numeric targets, in catalog order."""
    return [i.code for i in catalog.indicators if i.target is not None]


def target_rows(prog: pd.DataFrame, catalog: Catalog, year: int, lang: str) -> pd.DataFrame:
    """The province roll-up of each target in ``year``: ``indicator, label, value, path, target, projected, status``."""
    codes = target_codes(catalog)
    latest = latest_in_year(prog[prog["unit"] == PROVINCE], year).set_index("indicator")
    rows = []
    for code in codes:
        ind = catalog.indicator_by_code[code]
        row = latest.loc[code] if code in latest.index else pd.Series(dtype=object)
        rows.append({"indicator": code, "label": f"{code} {shorten(indicator_name(ind, lang), 34)}",
                     "value": row.get("value", np.nan), "path": row.get("milestone", np.nan),
                     "target": ind.target.value, "projected": row.get("projected", np.nan),
                     "status": row.get("status", "no_data")})
    return pd.DataFrame(rows, columns=["indicator", "label", "value", "path", "target", "projected", "status"])

@dataclass(frozen=True)
class Cards:
    achieved: int
    on_track: int
    behind: int
    total: int


def target_cards(targets: pd.DataFrame) -> Cards:
    """How many of the plan's targets the province has achieved, is on track for, or is behind on."""
    status = targets["status"]
    return Cards(int((status == "achieved").sum()), int((status == "on_track").sum()),
                 int(status.isin(BEHIND).sum()), len(targets))


def heatmap_frame(prog: pd.DataFrame, catalog: Catalog, year: int, block: str, lang: str) -> pd.DataFrame:
    """``unit, unit_label, area, area_label, score, detail`` for every unit of the block and every area that has
    a score (areas whose indicators have no numeric target are left out)."""
    units = block_units(catalog, year, block)
    return _heatmap(latest_in_year(prog[prog["unit"].isin(list(units))], year), units, catalog, year, lang)


def _heatmap(latest: pd.DataFrame, units: dict[str, str], catalog: Catalog, year: int, lang: str) -> pd.DataFrame:
    """:func:`heatmap_frame` from the block's latest rows of the year, worked out once by the caller."""
    scores = year_area_scores(latest, catalog, year)
    grid = pd.MultiIndex.from_product([list(units), [a.code for a in catalog.areas]], names=["unit", "area"])
    frame = scores.set_index(["unit", "area"])[["score", "indicators"]].reindex(grid).reset_index()
    counts = _status_counts(latest, catalog, lang)
    frame = frame.merge(counts, on=["unit", "area"], how="left")
    frame["unit_label"] = frame["unit"].map(units)
    frame["area_label"] = frame["area"].map(lambda a: wrapped(area_name(catalog, a, lang), 18))
    scored = frame.loc[frame["score"].notna(), "area"].unique()
    frame = frame[frame["area"].isin(scored)]
    frame["detail"] = frame["detail"].fillna(t("status.no_data", lang))
    return frame[["unit", "unit_label", "area", "area_label", "score", "detail"]]


def _status_counts(latest: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    areas = {i.code: i.area for i in catalog.indicators}
    with_area = latest.assign(area=latest["indicator"].map(areas))
    counts = with_area.groupby(["unit", "area", "status"]).size().rename("n").reset_index()
    counts["part"] = counts["n"].astype(str) + " " + counts["status"].map(lambda s: status_label(s, lang))
    return counts.groupby(["unit", "area"])["part"].agg(", ".join).rename("detail").reset_index()


def completeness_card(done: pd.DataFrame, year: int, units: list[str]) -> tuple[int, int, str]:
    """Received and expected reports of ``units`` for the latest period of ``year`` that anyone reported for.

    ``done`` is :func:`cchc.completeness.completeness` output; returns ``(received, expected, period)``.
    """
    rows = done[done["unit"].isin(units) & done["period"].str.startswith(str(year)) & done["expected"]]
    if rows.empty:
        return 0, 0, str(year)
    reported = rows[rows["status"].isin(["on_time", "late"])]
    period = str(year) if reported.empty or (reported["period"] == str(year)).any() \
        else max(reported["period"], key=lambda p: (p.endswith("H2"), p))
    chosen = rows[rows["period"] == period]
    return int(chosen["status"].isin(["on_time", "late"]).sum()), len(chosen), period


def attention(latest: pd.DataFrame, heat: pd.DataFrame, done: pd.DataFrame, catalog: Catalog,
              units: dict[str, str], year: int, lang: str) -> pd.DataFrame:
    """The block's units that most need a leader's attention: ``unit, unit_label, reason, score``.

    Ranked by the number of deteriorating or slow indicators plus missing reports, then by mean score.
    """
    mine = latest[latest["unit"].isin(list(units))]
    statuses = pd.crosstab(mine["unit"], mine["status"]).reindex(
        index=list(units), columns=["deteriorating", "limited"], fill_value=0)
    year_rows = done[done["unit"].isin(list(units)) & done["period"].str.startswith(str(year))]
    missing = (year_rows["status"] == "missing").groupby(year_rows["unit"]).sum().reindex(list(units), fill_value=0)
    score = mine.groupby("unit")["score"].mean().reindex(list(units))
    lowest = heat.dropna(subset=["score"]).sort_values("score").drop_duplicates("unit").set_index("unit")["area"]
    rows = []
    for code in units:
        counts = {"deteriorating": int(statuses.at[code, "deteriorating"]),
                  "limited": int(statuses.at[code, "limited"]), "missing": int(missing.get(code, 0))}
        if not any(counts.values()):
            continue
        reasons = [t(f"reason.{key}", lang, count=n) for key, n in counts.items() if n]
        if code in lowest.index:
            reasons.append(t("reason.low_area", lang, area=area_name(catalog, lowest[code], lang)))
        rows.append({"unit": code, "unit_label": units[code], "reason": "; ".join(reasons),
                     "problems": sum(counts.values()), "score": score.get(code)})
    frame = pd.DataFrame(rows, columns=["unit", "unit_label", "reason", "problems", "score"])
    frame = frame.sort_values(["problems", "score"], ascending=[False, True], na_position="first")
    return frame.head(ATTENTION_SIZE).drop(columns="problems").reset_index(drop=True)


@dataclass(frozen=True)
class Overview:
    cards: Cards
    received: int
    expected: int
    period: str
    targets: pd.DataFrame
    heatmap: pd.DataFrame
    attention: pd.DataFrame
    has_data: bool


def overview(prog: pd.DataFrame, done: pd.DataFrame, catalog: Catalog, year: int, block: str, lang: str) -> Overview:
    """Everything the overview page shows for one year and block (``done``: the completeness frame)."""
    units = block_units(catalog, year, block)
    targets = target_rows(prog, catalog, year, lang)
    latest = latest_in_year(prog[prog["unit"].isin(list(units))], year)
    heat = _heatmap(latest, units, catalog, year, lang)
    received, expected, period = completeness_card(done, year, list(units))
    return Overview(target_cards(targets), received, expected, period, targets, heat,
                    attention(latest, heat, done, catalog, units, year, lang), has_data=not latest.empty)

@dataclass(frozen=True)
class UnitView:
    name: str
    table: pd.DataFrame
    statuses: pd.Series
    legend: dict[str, str]
    indicators: list[str]
    areas: pd.DataFrame
    history: pd.DataFrame


def unit_view(prog: pd.DataFrame, subs: pd.DataFrame, catalog: Catalog, unit: str, year: int, lang: str) -> UnitView:
    """One unit in ``year``: its indicators (status, value, milestone, target, projection), area scores
    against its block's median, and its submission history."""
    end = year_end(year)
    me = catalog.unit_by_code[unit]
    block = catalog.block_of(me, end)
    peers = block_units(catalog, year, block)
    latest = latest_in_year(prog[prog["unit"].isin(list(peers))], year)
    inds = catalog.indicators_for(me, end)
    mine = latest[latest["unit"] == unit].set_index("indicator").reindex([i.code for i in inds])
    statuses = mine["status"].fillna("no_data").reset_index(drop=True)
    table = pd.DataFrame({
        t("label.code", lang): [i.code for i in inds],
        t("label.indicator", lang): [indicator_name(i, lang) for i in inds],
        t("label.status", lang): statuses.map(lambda s: status_label(s, lang)),
        **{t(key, lang): mine[column].to_numpy(dtype=float) for key, column in (
            ("label.value", "value"), ("label.milestone", "milestone"), ("label.target", "target"),
            ("label.projection", "projected"))},
    })
    scores = year_area_scores(latest, catalog, year)
    median = scores.groupby("area")["score"].median()
    own = scores[scores["unit"] == unit].set_index("area")["score"]
    areas = pd.DataFrame({"area_label": [wrapped(area_name(catalog, a.code, lang), 28) for a in catalog.areas],
                          "score": [own.get(a.code, np.nan) for a in catalog.areas],
                          "median": [median.get(a.code, np.nan) for a in catalog.areas]})
    return UnitView(me.name_on(end), table, statuses, status_legend(statuses, lang), [i.code for i in inds], areas,
                    history_table(subs[subs["unit"] == unit], catalog, lang))


@dataclass(frozen=True)
class AcrossUnits:
    """One indicator across the block's units, ready for :func:`cchc.charts.across_units`."""

    code: str
    title: str
    values: pd.DataFrame
    milestone: float | None
    target: float | None
    percent: bool


@dataclass(frozen=True)
class AreaView:
    name: str
    tasks: tuple[tuple[str, str], ...]
    indicators: tuple[AcrossUnits, ...]
    spread: pd.DataFrame


def area_view(prog: pd.DataFrame, catalog: Catalog, area: str, year: int, block: str, lang: str) -> AreaView:
    """A task area in ``year``: each indicator across the block's units, the spread of its percentages, the tasks."""
    units = block_units(catalog, year, block)
    latest = latest_in_year(prog[prog["unit"].isin([*units, PROVINCE])], year)
    province = latest[latest["unit"] == PROVINCE].set_index("indicator")
    mine = latest[latest["unit"] != PROVINCE]
    charts_, spread = [], []
    for ind in (i for i in catalog.indicators if i.area == area):
        rows = mine[mine["indicator"] == ind.code]
        if rows.empty:
            continue
        values = pd.DataFrame({"unit_label": rows["unit"].map(units), "value": rows["value"], "status": rows["status"]})
        milestone = province["milestone"].get(ind.code, np.nan) if ind.target else np.nan
        charts_.append(AcrossUnits(ind.code, f"{ind.code} · {indicator_name(ind, lang)}", values,
                                   None if pd.isna(milestone) else float(milestone),
                                   ind.target.value if ind.target else None, ind.measure != "count"))
        if ind.measure == "percent":
            spread.append(values.assign(indicator_label=f"{ind.code} {shorten(indicator_name(ind, lang), 30)}"))
    spread_frame = pd.concat(spread, ignore_index=True) if spread else \
        pd.DataFrame(columns=["unit_label", "value", "status", "indicator_label"])
    tasks = tuple((task.code, task.text) for task in catalog.area_by_code[area].tasks)
    return AreaView(area_name(catalog, area, lang), tasks, tuple(charts_), spread_frame.dropna(subset=["value"]))


def unit_progress(prog: pd.DataFrame, unit: str, year: int) -> pd.DataFrame:
    """A unit's progress rows for every period up to the end of ``year`` (what its .xlsx download holds)."""
    return prog[(prog["unit"] == unit) & (prog["year"] <= year)]
