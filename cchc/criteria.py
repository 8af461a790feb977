"""The PAR criteria as data: domains, criteria, the rubric and the tiers, loaded from
``cchc/catalog/par_criteria.yaml``.

Everything here is frozen and checked on load; :func:`load_criteria` is cached like
:func:`cchc.catalog.load_catalog`, so callers may call it freely. Scoring is :mod:`cchc.ranking`'s, the score
sheet :mod:`cchc.score_sheet`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cchc.catalog import CATALOG_DIR

CRITERIA_FILE = CATALOG_DIR / "par_criteria.yaml"
KINDS: tuple[str, ...] = ("indicator", "council", "survey")


@dataclass(frozen=True)
class Criterion:
    code: str
    domain: str
    kind: str
    max: float
    name_vi: str
    name_en: str
    area: str = ""
    indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class Domain:
    code: str
    name_vi: str
    name_en: str
    criteria: tuple[Criterion, ...]

    @property
    def max(self) -> float:
        return sum(c.max for c in self.criteria)


@dataclass(frozen=True)
class Tier:
    code: str
    name_vi: str
    name_en: str
    min: float


@dataclass(frozen=True)
class Tree:
    name: str
    domains: tuple[Domain, ...]
    years: tuple[int, ...] = ()
    blocks: tuple[str, ...] = ()

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for d in self.domains for c in d.criteria)


@dataclass(frozen=True)
class Criteria:
    tiers: tuple[Tier, ...]
    rubric: tuple[tuple[float, float], ...]
    trees: tuple[Tree, ...]
    interpolate: bool = False

    def tree(self, year: int, block: str) -> Tree:
        """The first tree naming this year and block (a tree that names none matches all)."""
        for tree in self.trees:
            if (not tree.years or year in tree.years) and (not tree.blocks or block in tree.blocks):
                return tree
        raise LookupError(f"no PAR criteria tree for {year}/{block}")

    def tier_of(self, index: pd.Series) -> pd.Series:
        conditions = [index >= t.min for t in self.tiers]
        return pd.Series(np.select(conditions, [t.code for t in self.tiers], ""), index=index.index).where(
            index.notna())

    def share(self, attained: pd.Series) -> pd.Series:
        """Rubric share of the points for a mean attainment (%): the first step reached, or linear between the
        steps (``interpolate``; flat below the lowest step and above the highest)."""
        if self.interpolate:
            mins, shares = zip(*sorted(self.rubric), strict=True)
            return pd.Series(np.interp(attained, mins, shares), index=attained.index)
        return pd.Series(np.select([attained >= m for m, _ in self.rubric], [s for _, s in self.rubric], 0.0),
                         index=attained.index)


def _tree(raw: dict) -> Tree:
    domains = tuple(
        Domain(str(d["code"]), d["name_vi"], d["name_en"], tuple(
            Criterion(str(c["code"]), str(d["code"]), c["kind"], float(c["max"]), c["name_vi"], c["name_en"],
                      str(c.get("area", "")), tuple(str(i) for i in c.get("indicators", ())))
            for c in d["criteria"]))
        for d in raw["domains"])
    return Tree(raw["name"], domains, tuple(raw.get("years", ())), tuple(raw.get("blocks", ())))


def check_criteria(criteria: Criteria) -> list[str]:
    """Every inconsistency in the criteria, as sentences; an empty list means they are sound."""
    every = [c for t in criteria.trees for c in t.criteria]
    problems = [f"{c.code}: unknown kind {c.kind}" for c in every if c.kind not in KINDS]
    problems += [f"{c.code}: an indicator criterion needs an area or indicators"
                 for c in every if c.kind == "indicator" and not (c.area or c.indicators)]
    problems += [f"{t.name}: criterion codes repeat" for t in criteria.trees
                 if len({c.code for c in t.criteria}) != len(t.criteria)]
    return problems if every else [*problems, "no criteria"]


@cache
def load_criteria(path: Path = CRITERIA_FILE) -> Criteria:
    """Read and check the criteria file; raises ValueError naming what is wrong."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    criteria = Criteria(
        tiers=tuple(Tier(t["code"], t["name_vi"], t["name_en"], float(t["min"])) for t in raw["tiers"]),
        rubric=tuple((float(r["min"]), float(r["share"])) for r in raw["rubric"]),
        trees=tuple(_tree(t) for t in raw["trees"]),
        interpolate=bool(raw.get("rubric_interpolate", False)))
    problems = check_criteria(criteria)
    if problems:
        raise ValueError("; ".join(problems))
    return criteria
