"""The synthesis report Sở Nội vụ sends the Provincial People's Committee (plan section IV), as data.

Every figure comes from the view API (:mod:`cchc.views`): the target tables are the overview's rows of each
block, so the report, the dashboard and ``export overview`` agree. :mod:`cchc.docx_report` lays it out as a Word
document.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cchc import views
from cchc.catalog import BLOCKS, Catalog
from cchc.criteria import load_criteria
from cchc.dashboard.common import block_names, in_period, indicator_name
from cchc.dashboard.monitor import BEHIND, Cards
from cchc.periods import Period, parse_period

COMPARISON_WORDS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
NOT_APPLICABLE = "not_applicable"  # the status of a target no unit of the block reports


@dataclass(frozen=True)
class AreaSection:
    """One task area: the plan's tasks, its targets per block, and the units behind or ahead on them."""

    code: str
    name: str
    tasks: tuple[str, ...]  # the plan's wording of the tasks that hold a target (``d) …``)
    targets: pd.DataFrame  # indicator, name, target (text), then value_<block>, status_<block> per block
    behind: dict[str, list[str]]  # block → units with a target of the area missed or behind
    ahead: dict[str, list[str]]  # block → units that achieved every target of the area they reported


@dataclass(frozen=True)
class Discipline:
    """Reporting discipline of one block for the period."""

    expected: int
    on_time: int
    late: list[str]
    missing: list[str]


@dataclass(frozen=True)
class Synthesis:
    period: Period
    blocks: tuple[str, ...]
    official: bool
    cards: dict[str, Cards]
    block_targets: dict[str, pd.DataFrame]  # the overview's target rows per block (what the charts draw)
    areas: tuple[AreaSection, ...]
    ranking_year: int
    rankings: dict[str, pd.DataFrame]  # rank, unit name, index, tier name
    discipline: dict[str, Discipline]


def synthesis(found: views.Basis, catalog: Catalog, period: str, blocks: tuple[str, ...] = BLOCKS) -> Synthesis:
    """The report's content for ``period`` (a year or a half-year) and ``blocks``."""
    chosen = parse_period(period)
    overviews = {b: views.overview(found, catalog, chosen.code, b, "vi") for b in blocks}
    targets = {b: view.targets for b, view in overviews.items()}
    ranking_year = chosen.year if chosen.kind == "year" else chosen.year - 1
    return Synthesis(
        chosen, blocks, found.official, {b: v.cards for b, v in overviews.items()}, targets,
        tuple(_area(found, catalog, area.code, chosen, targets) for area in catalog.areas
              if any(i.area == area.code and i.target for i in catalog.indicators)),
        ranking_year, {b: _ranking(found, catalog, ranking_year, b) for b in blocks},
        {b: _discipline(found, catalog, chosen, b) for b in blocks})


def _area(found: views.Basis, catalog: Catalog, area: str, period: Period,
          targets: dict[str, pd.DataFrame]) -> AreaSection:
    inds = [(i, t) for i in catalog.indicators if i.area == area and (t := i.target)]
    codes = [i.code for i, _ in inds]
    frame = pd.DataFrame({"indicator": codes, "name": [indicator_name(i, "vi") for i, _ in inds],
                          "target": [f"{COMPARISON_WORDS[t.comparison]} {t.value:g}%" for _, t in inds]})
    behind, ahead = {}, {}
    for block, rows in targets.items():
        mine = rows.set_index("indicator").reindex(codes)
        frame[f"value_{block}"] = mine["value"].to_numpy()
        frame[f"status_{block}"] = mine["status"].fillna(NOT_APPLICABLE).to_numpy()
        behind[block], ahead[block] = _units(found, catalog, codes, period, block)
    tasks = {i.task for i, _ in inds}
    texts = tuple(f"{t.letter}) {t.text}" for t in catalog.area_by_code[area].tasks if t.code in tasks)
    return AreaSection(area, catalog.area_by_code[area].name_vi, texts, frame, behind, ahead)


def _units(found: views.Basis, catalog: Catalog, codes: list[str], period: Period,
           block: str) -> tuple[list[str], list[str]]:
    """Units of the block with one of ``codes`` missed or behind, and units that achieved all they reported."""
    units = block_names(catalog, period.year, block)
    rows = in_period(found.progress, period.code)
    rows = rows[rows["unit"].isin(list(units)) & rows["indicator"].isin(codes) & rows["value"].notna()]
    status = rows.groupby("unit")["status"]
    behind = status.apply(lambda s: s.isin(["not_achieved", *BEHIND]).any())
    ahead = status.apply(lambda s: (s == "achieved").all())
    return [units[u] for u in units if behind.get(u, False)], [units[u] for u in units if ahead.get(u, False)]


def _ranking(found: views.Basis, catalog: Catalog, year: int, block: str) -> pd.DataFrame:
    table = views.ranking_table(found, catalog, year, block)
    names = block_names(catalog, year, block)
    tiers = {tier.code: tier.name_vi for tier in load_criteria().tiers}
    scored = table[table["index"].notna()]
    return pd.DataFrame({"rank": scored["rank"], "unit": scored["unit"].map(names).fillna(scored["unit"]),
                         "index": scored["index"], "tier": scored["tier"].map(tiers)}).reset_index(drop=True)


def _discipline(found: views.Basis, catalog: Catalog, period: Period, block: str) -> Discipline:
    units = block_names(catalog, period.year, block)
    done = found.completeness
    rows = done[(done["period"] == period.code) & done["unit"].isin(list(units)) & done["expected"]]
    named = {status: [units[u] for u in rows.loc[rows["status"] == status, "unit"]] for status in ("late", "missing")}
    return Discipline(len(rows), int((rows["status"] == "on_time").sum()), named["late"], named["missing"])
