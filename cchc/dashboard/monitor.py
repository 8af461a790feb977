"""Page data for monitoring: the overview, one unit, one task area (targets, scores, paths, projections)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cchc.catalog import Catalog
from cchc.charts import wrapped
from cchc.dashboard.common import (
    area_name,
    area_short,
    block_names,
    history_table,
    in_period,
    indicator_name,
    status_legend,
    yearly,
)
from cchc.i18n import status_label, t
from cchc.numbers import measure_text
from cchc.periods import parse_period
from cchc.progress import BLOCK_TOTALS, area_scores

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
    measure: str


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
    return Series(code, title, observed, path, projection, target.value if target else None, ind.measure)


def target_codes(catalog: Catalog) -> list[str]:
    """The indicators holding a numeric target (the plan's own and supplementary ones), in catalog order."""
    return [i.code for i in catalog.indicators if i.target is not None]


TARGET_COLUMNS: tuple[str, ...] = (
    "indicator", "label", "period", "value", "path", "target", "comparison", "target_year", "origin", "status",
    "slipped", "projected", "source", "reporters", "baseline_reporters",
)


def target_rows(prog: pd.DataFrame, catalog: Catalog, period: str, block: str, lang: str) -> pd.DataFrame:
    """The block's roll-up (:data:`cchc.progress.BLOCK_TOTALS`) of each target in ``period``, one row per target
    indicator that the block's units report, with the columns of :data:`TARGET_COLUMNS`. ``source`` is the
    report period the value comes from (blank without a value); ``reporters`` / ``baseline_reporters`` are the
    units behind the figure now and in the baseline year, so a change of composition shows."""
    total = prog[prog["unit"] == BLOCK_TOTALS[block]]
    rows_now = in_period(total, period).set_index("indicator")
    kinds = {k.code for k in catalog.kinds.values() if k.block == block}
    rows = []
    for code in target_codes(catalog):
        ind = catalog.indicator_by_code[code]
        if (target := ind.target) is None or not kinds & set(ind.applies_to):
            continue  # no unit of the block reports it (communes' software is the districts' target)
        row = rows_now.loc[code] if code in rows_now.index else pd.Series(dtype=object)
        base = total[(total["indicator"] == code) & (total["period"] == str(row.get("baseline_year", "")))]
        has_value = pd.notna(row.get("value", np.nan))
        rows.append({"indicator": code, "label": f"{code} {indicator_name(ind, lang)}", "period": period,
                     "value": row.get("value", np.nan), "path": row.get("milestone", np.nan),
                     "target": target.value, "comparison": target.comparison, "target_year": target.year,
                     "origin": target.origin, "status": row.get("status", "no_data"),
                     "slipped": bool(row.get("slipped", False)), "projected": row.get("projected", np.nan),
                     "source": row.get("source", "") if has_value else "",
                     "reporters": row.get("reporters", pd.NA) if has_value else 0,
                     "baseline_reporters": base["reporters"].iloc[0] if len(base) else pd.NA})
    frame = pd.DataFrame(rows, columns=list(TARGET_COLUMNS))
    return frame.astype({"reporters": "Int64", "baseline_reporters": "Int64"})


@dataclass(frozen=True)
class Cards:
    """Headline counts over the plan's own targets (supplementary targets are shown but not counted)."""

    achieved: int
    not_achieved: int
    on_track: int
    behind: int
    no_data: int
    total: int

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in ("achieved", "on_track", "behind", "not_achieved", "no_data")}

    def summary(self) -> str:
        """``achieved=N on_track=N behind=N not_achieved=N no_data=N`` (what ``export overview --summary`` prints)."""
        return " ".join(f"{name}={count}" for name, count in self.counts().items())


def target_cards(targets: pd.DataFrame) -> Cards:
    """How many of the plan's targets the block has achieved, missed at the deadline, is on track for, is
    behind on, or has no figure for."""
    status = targets.loc[targets["origin"] == "plan", "status"]
    return Cards(int((status == "achieved").sum()), int((status == "not_achieved").sum()),
                 int((status == "on_track").sum()), int(status.isin(BEHIND).sum()),
                 int(status.isin(["no_data", "baseline"]).sum()), len(status))


def heatmap_frame(prog: pd.DataFrame, catalog: Catalog, period: str, block: str, lang: str) -> pd.DataFrame:
    """``unit, unit_label, area, area_label, score, detail`` for every unit of the block and every area that has
    a score (areas whose indicators have no numeric target are left out)."""
    units = block_names(catalog, parse_period(period).year, block)
    return _heatmap(in_period(prog[prog["unit"].isin(list(units))], period), units, catalog, lang)


def _heatmap(latest: pd.DataFrame, units: dict[str, str], catalog: Catalog, lang: str) -> pd.DataFrame:
    """:func:`heatmap_frame` from the block's rows of the period, worked out once by the caller."""
    scores = area_scores(latest, catalog)
    grid = pd.MultiIndex.from_product([list(units), [a.code for a in catalog.areas]], names=["unit", "area"])
    frame = scores.set_index(["unit", "area"])[["score", "indicators"]].reindex(grid).reset_index()
    counts = _status_counts(latest, catalog, lang)
    frame = frame.merge(counts, on=["unit", "area"], how="left")
    frame["unit_label"] = frame["unit"].map(units)
    frame["area_label"] = frame["area"].map(lambda a: wrapped(area_short(catalog, a, lang), 14))
    scored = frame.loc[frame["score"].notna(), "area"].unique()
    frame = frame[frame["area"].isin(scored)]
    frame["detail"] = frame["area"].map(lambda a: area_name(catalog, a, lang)) + "<br>" + \
        frame["detail"].fillna(status_label("no_data", lang))
    return frame[["unit", "unit_label", "area", "area_label", "score", "detail"]]


def _status_counts(latest: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    areas = {i.code: i.area for i in catalog.indicators}
    with_area = latest.assign(area=latest["indicator"].map(areas))
    counts = with_area.groupby(["unit", "area", "status"]).size().rename("n").reset_index()
    counts["part"] = counts["n"].astype(str) + " " + counts["status"].map(lambda s: status_label(s, lang))
    return counts.groupby(["unit", "area"])["part"].agg(", ".join).rename("detail").reset_index()


def completeness_card(done: pd.DataFrame, period: str, units: list[str]) -> tuple[int, int]:
    """Received and expected reports of ``units`` for ``period`` (``done``: :func:`cchc.completeness.completeness`
    output): the same set of reports whose missing ones :func:`attention` lists."""
    chosen = done[done["unit"].isin(units) & (done["period"] == period) & done["expected"]]
    return int(chosen["status"].isin(["on_time", "late"]).sum()), len(chosen)


ATTENTION_STATUSES: tuple[str, ...] = ("not_achieved", "deteriorating", "limited")


def attention(latest: pd.DataFrame, heat: pd.DataFrame, done: pd.DataFrame, catalog: Catalog,
              units: dict[str, str], period: str, lang: str) -> pd.DataFrame:
    """The block's units that most need a leader's attention: ``unit, unit_label, reason, score``.

    Ranked by the number of missed, deteriorating or slow indicators plus a missing report for ``period``, then
    by mean score.
    """
    mine = latest[latest["unit"].isin(list(units))]
    statuses = pd.crosstab(mine["unit"], mine["status"]).reindex(
        index=list(units), columns=list(ATTENTION_STATUSES), fill_value=0)
    rows_now = done[done["unit"].isin(list(units)) & (done["period"] == period)]
    missing = (rows_now["status"] == "missing").groupby(rows_now["unit"]).sum().reindex(list(units), fill_value=0)
    score = mine.groupby("unit")["score"].mean().reindex(list(units))
    lowest = heat.dropna(subset=["score"]).sort_values("score").drop_duplicates("unit").set_index("unit")["area"]
    rows = []
    for code in units:
        counts = statuses.loc[code].astype(int).to_dict() | {"missing": int(missing.get(code, 0))}
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
    period: str
    block: str
    cards: Cards
    received: int
    expected: int
    targets: pd.DataFrame
    heatmap: pd.DataFrame
    attention: pd.DataFrame
    has_data: bool


def overview(prog: pd.DataFrame, done: pd.DataFrame, catalog: Catalog, period: str, block: str,
             lang: str) -> Overview:
    """Everything the overview page shows for one period and block (``done``: the completeness frame)."""
    units = block_names(catalog, parse_period(period).year, block)
    targets = target_rows(prog, catalog, period, block, lang)
    latest = in_period(prog[prog["unit"].isin(list(units))], period)
    heat = _heatmap(latest, units, catalog, lang)
    received, expected = completeness_card(done, period, list(units))
    return Overview(period, block, target_cards(targets), received, expected, targets, heat,
                    attention(latest, heat, done, catalog, units, period, lang), has_data=not latest.empty)

UNIT_COLUMNS: tuple[str, ...] = (
    "indicator", "period", "value", "milestone", "target", "comparison", "target_year", "status", "slipped",
    "projected", "source",
)


def unit_rows(prog: pd.DataFrame, catalog: Catalog, unit: str, period: str) -> pd.DataFrame:
    """Every indicator the unit reports, with its figure of ``period`` (the columns of :data:`UNIT_COLUMNS`;
    ``source`` is the report period the value comes from, blank without a value)."""
    me = catalog.unit_by_code[unit]
    inds = catalog.indicators_for(me, parse_period(period).end)
    mine = in_period(prog[prog["unit"] == unit], period).set_index("indicator").reindex([i.code for i in inds])
    has_value = mine["value"].notna().to_numpy()
    return pd.DataFrame({
        "indicator": [i.code for i in inds], "period": period,
        "value": mine["value"].to_numpy(dtype=float), "milestone": mine["milestone"].to_numpy(dtype=float),
        "target": [i.target.value if i.target else np.nan for i in inds],
        "comparison": [i.target.comparison if i.target else "" for i in inds],
        "target_year": pd.array([i.target.year if i.target else None for i in inds], dtype="Int64"),
        "status": mine["status"].fillna("no_data").to_numpy(dtype=object),
        "slipped": mine["slipped"].fillna(False).to_numpy(dtype=bool),
        "projected": mine["projected"].to_numpy(dtype=float),
        "source": np.where(has_value, period, ""),
    }, columns=list(UNIT_COLUMNS))


@dataclass(frozen=True)
class UnitView:
    name: str
    table: pd.DataFrame
    rows: pd.DataFrame
    statuses: pd.Series
    legend: dict[str, str]
    indicators: list[str]
    areas: pd.DataFrame
    history: pd.DataFrame
    returned: bool  # Sở Nội vụ returned the unit's report for the period: its figures do not count


def slipped_mark(slipped: bool, lang: str) -> str:
    return t("status.slipped", lang) if slipped else ""


def unit_view(prog: pd.DataFrame, subs: pd.DataFrame, states: pd.DataFrame, catalog: Catalog, unit: str,
              period: str, lang: str) -> UnitView:
    """One unit in ``period``: its indicators (status, value, milestone, target, projection), area scores
    against its block's median, its submission history, and whether its report was returned.
    ``states``: :func:`cchc.approval.status` output."""
    year, end = parse_period(period).year, parse_period(period).end
    me = catalog.unit_by_code[unit]
    peers = block_names(catalog, year, catalog.block_of(me, end))
    rows = unit_rows(prog, catalog, unit, period)
    statuses = rows["status"].reset_index(drop=True)
    measures = [catalog.indicator_by_code[c].measure for c in rows["indicator"]]
    table = pd.DataFrame({
        t("label.code", lang): rows["indicator"],
        t("label.indicator", lang): [indicator_name(catalog.indicator_by_code[c], lang) for c in rows["indicator"]],
        t("label.status", lang): statuses.map(lambda s: status_label(s, lang)),
        t("label.since_last", lang): rows["slipped"].map(lambda flag: slipped_mark(flag, lang)),
        **{t(key, lang): [measure_text(v, m, lang) for v, m in zip(rows[column], measures, strict=True)]
           for key, column in (("label.value", "value"), ("label.milestone", "milestone"),
                               ("label.target", "target"), ("label.projection", "projected"))},
    })
    scores = area_scores(in_period(prog[prog["unit"].isin(list(peers))], period), catalog)
    median = scores.groupby("area")["score"].median()
    own = scores[scores["unit"] == unit].set_index("area")["score"]
    areas = pd.DataFrame({"area_label": [area_short(catalog, a.code, lang) for a in catalog.areas],
                          "score": [own.get(a.code, np.nan) for a in catalog.areas],
                          "median": [median.get(a.code, np.nan) for a in catalog.areas]})
    state = states[(states["unit"] == unit) & (states["period"] == period)]["state"]
    return UnitView(me.name_on(end), table, rows, statuses, status_legend(statuses, lang), list(rows["indicator"]),
                    areas, history_table(subs[subs["unit"] == unit], catalog, lang, states),
                    returned=bool((state == "returned").any()))


@dataclass(frozen=True)
class AcrossUnits:
    """One indicator across the block's units, ready for :func:`cchc.charts.across_units`."""

    code: str
    title: str
    values: pd.DataFrame
    milestone: float | None
    target: float | None
    measure: str


@dataclass(frozen=True)
class AreaView:
    name: str
    tasks: tuple[tuple[str, str], ...]
    indicators: tuple[AcrossUnits, ...]
    spread: pd.DataFrame


def area_view(prog: pd.DataFrame, catalog: Catalog, area: str, period: str, block: str, lang: str) -> AreaView:
    """A task area in ``period``: each indicator across the block's units (the milestone line is the block
    roll-up's), the spread of its percentages, the tasks."""
    units = block_names(catalog, parse_period(period).year, block)
    total = BLOCK_TOTALS[block]
    latest = in_period(prog[prog["unit"].isin([*units, total])], period)
    province = latest[latest["unit"] == total].set_index("indicator")
    mine = latest[latest["unit"] != total]
    charts_, spread = [], []
    for ind in (i for i in catalog.indicators if i.area == area):
        rows = mine[mine["indicator"] == ind.code]
        if rows.empty:
            continue
        values = pd.DataFrame({"unit_label": rows["unit"].map(units), "value": rows["value"], "status": rows["status"]})
        milestone = province["milestone"].get(ind.code, np.nan) if ind.target else np.nan
        charts_.append(AcrossUnits(ind.code, f"{ind.code} · {indicator_name(ind, lang)}", values,
                                   None if pd.isna(milestone) else float(milestone),
                                   ind.target.value if ind.target else None, ind.measure))
        if ind.measure == "percent":
            spread.append(values.assign(indicator_label=f"{ind.code} {indicator_name(ind, lang)}"))
    spread_frame = pd.concat(spread, ignore_index=True) if spread else \
        pd.DataFrame(columns=["unit_label", "value", "status", "indicator_label"])
    tasks = tuple((task.code, task.text) for task in catalog.area_by_code[area].tasks)
    return AreaView(area_name(catalog, area, lang), tasks, tuple(charts_), spread_frame.dropna(subset=["value"]))


def unit_progress(prog: pd.DataFrame, unit: str, year: int) -> pd.DataFrame:
    """A unit's progress rows for every period up to the end of ``year`` (what its .xlsx download holds)."""
    return prog[(prog["unit"] == unit) & (prog["year"] <= year)]
