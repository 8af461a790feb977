"""The PAR index of sở and huyện: criterion points, self / appraised / survey scores, index, rank, tier.

The criteria tree, rubric and tiers are data (:mod:`cchc.criteria`); the scores entered come from the score
sheet (:mod:`cchc.score_sheet`) through the store. Per unit and criterion:
*self* is computed from the unit's own reported figures (``indicator`` criteria: the rubric of the mean
*attainment* — how close each value is to its target — of the area's target indicators) or entered by the
unit (``council``, store source ``self``); *appraised* is the council's entry (source ``appraised``, with who and
why) or else the self value; *survey* criteria take the survey entry. Total = appraised + survey points;
index = total / the unit's maximum (criteria that apply to it) × 100; rank within the block by index
(ties share the best rank); tier by the first threshold reached. See ``docs/METHOD.md``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from cchc.catalog import Catalog, Indicator, load_catalog
from cchc.criteria import Criteria, Criterion, load_criteria
from cchc.frames import tuples
from cchc.progress import attainment

COLUMNS: tuple[str, ...] = ("rank", "unit", "block", "self_score", "appraised_score", "survey_score", "score",
                            "max_score", "index", "tier", "rank_change", "score_change", "unscored")


@lru_cache(maxsize=8)
def _targets(indicators: tuple[Indicator, ...]) -> pd.DataFrame:
    """Indicators with a final target: ``target`` and its ``comparison``, indexed by code."""
    chosen = [t for i in indicators if (t := i.target) is not None]
    return pd.DataFrame({"target": [t.value for t in chosen], "comparison": [t.comparison for t in chosen]},
                        index=pd.Index([t.indicator for t in chosen], dtype="str"))


def _pairs(units: list[str], criteria: tuple[Criterion, ...], year: int, catalog: Catalog
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(unit, criterion, indicator)`` positions (in ``units``, ``criteria``, :func:`_targets`) for every target
    indicator an indicator criterion averages."""
    by_code, end = catalog.unit_by_code, dt.date(year, 12, 31)
    chosen = [(n, c) for n, c in enumerate(criteria) if c.kind == "indicator"]
    targets = [(n, i) for n, i in enumerate(catalog.indicators) if i.target is not None]
    by_kind: dict[str, list[tuple[int, int, tuple[str, ...]]]] = {}
    pairs = []
    for k, u in enumerate(units):
        kind = by_code[u].kind_on(min(end, by_code[u].valid_to or end))
        if kind not in by_kind:
            by_kind[kind] = [(n, t, i.only_units) for t, (_, i) in enumerate(targets) if kind in i.applies_to
                             for n, c in chosen if (i.code in c.indicators if c.indicators else i.area == c.area)]
        pairs += [(k, n, t) for n, t, only in by_kind[kind] if not only or u in only]
    found = np.array(pairs, dtype=np.int64).reshape(-1, 3)
    return found[:, 0], found[:, 1], found[:, 2]


def _attained(wanted: pd.DataFrame, units: list[str], targets: pd.DataFrame) -> np.ndarray:
    """Units × target indicators: the attainment (%) of each value of ``wanted`` (one year's ``unit, indicator,
    value`` rows; see :func:`cchc.progress.attainment`): 0 where nothing was reported, NaN where the value is
    no data (a 0/0 percentage), which the criterion's mean then leaves out."""
    row = pd.Index(units).get_indexer(pd.Index(wanted["unit"]))
    col = targets.index.get_indexer(pd.Index(wanted["indicator"]))
    keep = (row >= 0) & (col >= 0)
    row, col = row[keep], col[keep]
    out = np.zeros((len(units), len(targets)))
    out[row, col] = attainment(wanted["value"].to_numpy(dtype=float, na_value=np.nan)[keep],
                               targets["target"].to_numpy()[col], targets["comparison"].to_numpy()[col])
    return out


def _year_grid(year: int, block: str, wanted: pd.DataFrame, catalog: Catalog, criteria: Criteria
               ) -> dict[str, np.ndarray]:
    """One year's units × criteria (unit by unit) with the mean attainment of indicator criteria, as arrays;
    indicator criteria without any applicable indicator are left out."""
    units, crits = [u.code for u in catalog.block_units(year, block)], criteria.tree(year, block).criteria
    unit, crit, target = _pairs(units, crits, year, catalog)
    cell, size = unit * len(crits) + crit, len(units) * len(crits)
    counts = np.bincount(cell, minlength=size)
    attained = _attained(wanted, units, _targets(catalog.indicators))[unit, target]
    known = ~np.isnan(attained)
    sums = np.bincount(cell[known], weights=attained[known], minlength=size)
    counts_known = np.bincount(cell[known], minlength=size)
    kinds = np.tile(np.array([c.kind for c in crits]), len(units))
    keep = (kinds != "indicator") | (counts > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts_known > 0, sums / counts_known, np.nan)
    grid = {"year": np.full(size, year), "unit": np.repeat(np.array(units, dtype=str), len(crits)),
            "domain": np.tile(np.array([c.domain for c in crits]), len(units)),
            "criterion": np.tile(np.array([c.code for c in crits]), len(units)), "kind": kinds,
            "max": np.tile(np.array([c.max for c in crits]), len(units)), "attainment": mean}
    return {name: values[keep] for name, values in grid.items()}


def _entered(grid: dict[str, np.ndarray], scores: pd.DataFrame) -> dict[str, np.ndarray | list]:
    """The scores entered for each grid row: ``self``, ``appraised``, ``survey`` (NaN where none) and who
    appraised and why (None where no one did); the latest entry wins."""
    size = len(grid["unit"])
    found: dict[str, np.ndarray | list] = {source: np.full(size, np.nan) for source in ("self", "appraised", "survey")}
    found["entered_by"], found["reason"] = [None] * size, [None] * size
    if scores.empty:
        return found
    at = {k: n for n, k in enumerate(zip(grid["year"].tolist(), grid["unit"].tolist(), grid["criterion"].tolist(),
                                         strict=True))}
    for r in tuples(scores):
        n = at.get((int(r.year), r.unit, r.criterion))
        if n is not None and r.source in found:
            found[r.source][n] = r.score
            if r.source == "appraised":
                found["entered_by"][n], found["reason"][n] = r.entered_by, r.reason
    return found


def _yearly(prog: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """The ``period, unit, indicator, value`` rows of the yearly periods of ``years`` (a column missing from
    ``prog`` counts as nothing reported)."""
    wanted = prog.reindex(columns=["period", "unit", "indicator", "value"])
    return wanted[wanted["period"].isin([str(y) for y in years])]


def _detail(years: list[int], block: str, wanted: pd.DataFrame, scores: pd.DataFrame, catalog: Catalog,
            criteria: Criteria) -> pd.DataFrame:
    """Criterion scores of the block for several years at once (see :func:`criterion_scores`), from the
    :func:`_yearly` rows of those years.

    The work is bounded by units × criteria × indicators (a few thousand items): units, criteria and target
    indicators are numbered, attainment is averaged with array indexing and the entered scores are placed
    through a dictionary of the few rows that matter; the frame is built once at the end.
    """
    parts = [_year_grid(y, block, wanted[wanted["period"] == str(y)], catalog, criteria) for y in years]
    grid: dict[str, Any] = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    grid.update(_entered(grid, scores[scores["year"].isin(years)]))
    is_survey, is_indicator = grid["kind"] == "survey", grid["kind"] == "indicator"
    share = criteria.share(pd.Series(np.nan_to_num(grid["attainment"]))).to_numpy()
    own = np.where(is_indicator, grid["max"] * share, grid["self"])
    appraised = np.where(np.isnan(grid["appraised"]), own, grid["appraised"])
    grid["self"] = np.where(is_survey, np.nan, own)
    grid["appraised"] = np.where(is_survey, np.nan, appraised)
    grid["survey"] = np.where(is_survey, grid["survey"], np.nan)
    grid["points"] = np.where(is_survey, grid["survey"], grid["appraised"])
    return pd.DataFrame(grid)


DETAIL_COLUMNS: tuple[str, ...] = ("unit", "domain", "criterion", "kind", "max", "attainment", "self", "appraised",
                                   "survey", "points", "entered_by", "reason")


def criterion_scores(year: int, block: str, prog: pd.DataFrame, scores: pd.DataFrame,
                     catalog: Catalog | None = None, criteria: Criteria | None = None) -> pd.DataFrame:
    """Every unit × criterion of the block: :data:`DETAIL_COLUMNS` (``points``: what counts, NaN where nothing
    was entered yet; ``entered_by``/``reason``: who appraised and why)."""
    catalog, criteria = catalog or load_catalog(), criteria or load_criteria()
    return _detail([year], block, _yearly(prog, [year]), scores, catalog, criteria)[list(DETAIL_COLUMNS)]


def _rank(index: pd.Series) -> pd.Series:
    """Rank by index rounded to 2 decimals, best first; ties share the best rank (1, 1, 3)."""
    return index.round(2).rank(method="min", ascending=False).astype("Int64")


_SUMS = (("self", "self_score"), ("appraised", "appraised_score"), ("survey", "survey_score"), ("points", "score"),
         ("max", "max_score"))


def _totals(detail: pd.DataFrame, domains: list[str]) -> pd.DataFrame:
    """Per year × unit (the detail's rows come grouped so): the sums of :data:`_SUMS` (blanks count 0), the count
    of ``unscored`` criteria and each domain's points (blank where the unit has no criterion of the domain)."""
    if detail.empty:
        return pd.DataFrame(columns=["year", "unit", *(name for _, name in _SUMS), "unscored", *domains])
    year, unit = detail["year"].to_numpy(), detail["unit"].to_numpy()
    starts = np.flatnonzero(np.r_[True, (year[1:] != year[:-1]) | (unit[1:] != unit[:-1])])
    out = {"year": year[starts], "unit": detail["unit"].take(starts).reset_index(drop=True)}
    out.update({name: np.add.reduceat(np.nan_to_num(detail[column].to_numpy(dtype=float)), starts)
                for column, name in _SUMS})
    points = detail["points"].to_numpy(dtype=float)
    out["unscored"] = np.add.reduceat(np.isnan(points).astype(np.int64), starts)
    points, domain = np.nan_to_num(points), detail["domain"].to_numpy()
    for code in domains:
        mine = domain == code
        given = np.add.reduceat(mine.astype(np.int64), starts) > 0
        out[code] = np.where(given, np.add.reduceat(np.where(mine, points, 0.0), starts), np.nan)
    return pd.DataFrame(out)


def ranking(year: int, block: str, prog: pd.DataFrame, scores: pd.DataFrame, catalog: Catalog | None = None,
            criteria: Criteria | None = None) -> pd.DataFrame:
    """The PAR ranking of one block for one year, best first: :data:`COLUMNS` then one column per domain
    (its points). ``prog`` is :func:`cchc.progress.progress` output, ``scores`` the store's ``par_scores()``.
    ``rank_change`` is last year's rank minus this year's (positive: moved up), ``score_change`` the
    change of the index in percentage points; both blank for a unit without data last year."""
    catalog, criteria = catalog or load_catalog(), criteria or load_criteria()
    domain_codes = [d.code for d in criteria.tree(year, block).domains]
    wanted = _yearly(prog, [year - 1, year])
    table = _totals(_detail([year - 1, year], block, wanted, scores, catalog, criteria), domain_codes)
    table["index"] = 100 * table["score"] / table["max_score"].where(table["max_score"] > 0)
    now = (table["year"] == year).to_numpy()
    seen = (table["unit"].isin(wanted.loc[wanted["period"] == str(year - 1), "unit"].unique())
            | table["unit"].isin(scores.loc[scores["year"] == year - 1, "unit"].unique())).to_numpy()
    last = table[~now & seen].set_index("unit")
    last = last.assign(rank=_rank(last["index"]))
    table = table[now].reset_index(drop=True)
    table["rank"] = _rank(table["index"])
    table["rank_change"] = (table["unit"].map(last["rank"]) - table["rank"]).astype("Int64")
    table["score_change"] = table["index"] - table["unit"].map(last["index"])
    table["tier"] = criteria.tier_of(table["index"])
    table["block"] = block
    table = table.reindex(columns=[*COLUMNS, *domain_codes])
    return table.sort_values(["rank", "unit"], kind="stable").reset_index(drop=True)
