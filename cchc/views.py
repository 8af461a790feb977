"""The one view API: what each page shows, as plain frames and dataclasses, for the pages and the CLI alike.

A :class:`Basis` holds what every view is computed from (progress of the reports that count, submissions,
completeness, approval states, PAR scores); the functions below turn it into one page's view. The dashboard
caches them per data version (``pages/_data.py``); the command line's exports call the same functions, so a
figure on a page and in an export can never disagree. Which reports count is written down in docs/METHOD.md:
the latest accepted report of each unit and period unless Sở Nội vụ returned it, or with ``official`` only
approved reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cchc import approval
from cchc.catalog import BLOCKS, Catalog
from cchc.completeness import completeness, default_periods
from cchc.criteria import load_criteria
from cchc.dashboard import districts, monitor, reporting
from cchc.periods import all_periods, parse_period
from cchc.progress import progress
from cchc.ranking import ranking
from cchc.store import Store

YEARS: tuple[int, ...] = tuple(p.year for p in all_periods(("year",)))


@dataclass(frozen=True)
class Basis:
    """What every view is computed from."""

    progress: pd.DataFrame  # cchc.progress.progress of the counted values, with the province and block roll-ups
    submissions: pd.DataFrame
    completeness: pd.DataFrame
    states: pd.DataFrame  # cchc.approval.status: approved / returned / pending per unit and period
    par_scores: pd.DataFrame
    official: bool


def basis(store: Store, catalog: Catalog, *, official: bool = False) -> Basis:
    """Read the store once and compute progress and completeness over the reports that count."""
    subs = store.submissions()
    return Basis(progress(store.counted_values(approved_only=official), catalog), subs,
                 completeness(subs, catalog=catalog), approval.status(store, submissions=subs), store.par_scores(),
                 official)


def periods(submissions: pd.DataFrame) -> list[str]:
    """The periods a view can show: every year of the plan, and each half-year or quarter a report was accepted
    for, in time order (``submissions``: the store's submissions)."""
    return [p.code for p in default_periods(submissions)]


def overview(found: Basis, catalog: Catalog, period: str, block: str, lang: str) -> monitor.Overview:
    return monitor.overview(found.progress, found.completeness, catalog, period, block, lang)


def overview_table(view: monitor.Overview) -> pd.DataFrame:
    """The overview's targets as ``export overview`` writes them: one row per target, the block's roll-up."""
    return view.targets.drop(columns=["label", "path"])


def unit(found: Basis, catalog: Catalog, code: str, period: str, lang: str) -> monitor.UnitView:
    return monitor.unit_view(found.progress, found.submissions, found.states, catalog, code, period, lang)


def area(found: Basis, catalog: Catalog, code: str, period: str, block: str, lang: str) -> monitor.AreaView:
    return monitor.area_view(found.progress, catalog, code, period, block, lang)


def ranking_table(found: Basis, catalog: Catalog, year: int, block: str) -> pd.DataFrame:
    """The PAR-index ranking of a block for a year (:func:`cchc.ranking.ranking`)."""
    return ranking(year, block, found.progress, found.par_scores, catalog)


def ranking_view(found: Basis, catalog: Catalog, year: int, block: str, lang: str) -> reporting.RankingView:
    return reporting.ranking_view(ranking_table(found, catalog, year, block), load_criteria(), catalog, year, block,
                                  lang)


def par_trend(found: Basis, catalog: Catalog) -> pd.DataFrame:
    """``year, series, index``: each block's mean PAR index per year (years without a ranking left out)."""
    rows = [(y, b, ranking_table(found, catalog, y, b)["index"].mean()) for y in YEARS for b in BLOCKS]
    return pd.DataFrame(rows, columns=["year", "series", "index"]).dropna()


def submissions(found: Basis, catalog: Catalog, year: int, block: str, lang: str) -> reporting.SubmissionsView:
    return reporting.submissions_view(found.submissions, found.completeness, found.states, catalog, year, block,
                                      lang)


def district_map(found: Basis, catalog: Catalog, period: str, colour_by: str, indicator: str,
                 lang: str) -> districts.DistrictMap:
    """The districts' tiles coloured by the PAR index tier of the period's year (units nothing was scored for
    count as without data), or by ``indicator``'s status or value in the period."""
    tiers = {tier.code: (tier.name_en if lang == "en" else tier.name_vi) for tier in load_criteria().tiers}
    table = ranking_table(found, catalog, parse_period(period).year, "huyen") if colour_by == "par" else \
        pd.DataFrame(columns=["unit", "index", "tier", "score"])
    scored = table[table["score"].fillna(0) > 0]
    return districts.district_map(found.progress, scored, tiers, catalog, period, colour_by, indicator, lang)
