"""A small PAR criteria tree and unit registry for the ranking and score-sheet tests.

The tree: 10 points from two indicators, 10 council points, 5 points from one indicator, 10 survey points; the
registry: four sở, a fifth that opens in 2019, two huyện (Mỹ Hào becomes a thị xã in 2019).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from cchc.catalog import Catalog, Unit, load_catalog
from cchc.criteria import Criteria, Criterion, Domain, Tier, Tree

TREE = Tree("test", (
    Domain("D6", "Hiện đại hóa", "Modernisation", (
        Criterion("6.1", "D6", "indicator", 10, "Chỉ tiêu", "Targets", indicators=("6dd.1", "6dd.2")),
        Criterion("6.2", "D6", "council", 10, "Hội đồng", "Council"),
    )),
    Domain("D3", "Tổ chức bộ máy", "Organisation", (
        Criterion("3.1", "D3", "indicator", 5, "Hài lòng giáo dục", "Education", indicators=("3b.1",)),
    )),
    Domain("D8", "Điều tra", "Survey", (Criterion("8.1", "D8", "survey", 10, "Khảo sát", "Survey"),)),
))
CRITERIA = Criteria(
    tiers=(Tier("tot", "Tốt", "Good", 90), Tier("kha", "Khá", "Fair", 80), Tier("tb", "Trung bình", "Average", 65),
           Tier("yeu", "Yếu", "Weak", 0)),
    rubric=((100, 1.0), (80, 0.8), (50, 0.5), (0, 0.0)),
    trees=(TREE,),
)
NEW = Unit("SMOI", "Sở Mới", "Sở Mới", "so", "UBNDT", dt.date(2019, 1, 1), None)


def small_catalog() -> Catalog:
    """The real catalog with only a few units, and a sở that opens in 2019."""
    base = load_catalog()
    keep = ("UBNDT", "SNV", "STP", "SYT", "SGDDT", "VANLAM", "MYHAO")
    return dataclasses.replace(base, units=(*(base.unit_by_code[c] for c in keep), NEW))
