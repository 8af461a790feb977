"""The plan as data: the catalog is consistent and covers every numeric target of the plan.

``cchc/catalog/plan_targets.csv`` holds, verbatim, every task clause of the plan's section II that names a
percentage (copied from QĐ 1605/QĐ-UBND and checked against its text when copied), so these tests need
nothing outside the repository.
"""

import csv
import datetime as dt
import re

import pytest

from cchc.catalog import CATALOG_DIR, check_catalog, load_catalog
from tests.par import small_catalog

PLAN_TARGETS = CATALOG_DIR / "plan_targets.csv"


def test_catalog_has_no_problems():
    assert check_catalog(load_catalog()) == []


def test_catalog_has_seven_areas_with_lettered_tasks():
    areas = load_catalog().areas
    assert [a.code for a in areas] == ["1", "2", "3", "4", "5", "6", "7"]
    assert [t.letter for t in areas[5].tasks] == ["a", "b", "c", "d", "đ", "e", "g", "h", "i", "k"]


def test_every_required_indicator_has_a_target():
    for ind in load_catalog().indicators:
        if ind.required:
            assert ind.target is not None, ind.code


@pytest.mark.parametrize(
    ("clause", "percent", "indicators"),
    [
        ("2.d", "100%", {"2d.1", "2d.2"}),
        ("2.d", "80%", {"2d.3"}),
        ("3.b", "80%", {"3b.1", "3b.2"}),
        ("4.a", "100%", {"4a.1"}),
        ("6.b", "100%", {"6b.1"}),
        ("6.c", "100%", {"6c.1", "6c.2", "6c.3"}),
        ("6.d", "100%", {"6d.1", "6d.2"}),
        ("6.d", "90%", {"6d.3"}),
        ("6.đ", "65%", {"6dd.1"}),
        ("6.đ", "30%", {"6dd.2"}),
        ("6.h", "100%", {"6h.1"}),
        ("6.i", "100%", {"6i.1", "6i.2"}),
    ],
)
def test_seed_target_has_indicator(clause, percent, indicators):
    by_code = load_catalog().indicator_by_code
    for code in indicators:
        ind = by_code[code]
        assert ind.task == clause
        assert ind.target is not None and ind.target.value == float(percent.rstrip("%")), code
        assert ind.target.year == 2020


def _plan_target_sentences() -> list[tuple[str, str]]:
    """(task, percent) for every 'N%' in the plan's target clauses."""
    with PLAN_TARGETS.open(encoding="utf-8", newline="") as f:
        return [(row["clause"], p) for row in csv.DictReader(f) for p in re.findall(r"\d+%", row["text"])]


def test_every_numeric_target_sentence_of_the_plan_has_an_indicator():
    catalog = load_catalog()
    targets = {(i.task, f"{i.target.value:g}%") for i in catalog.indicators if i.target}
    sentences = _plan_target_sentences()
    assert len(sentences) == 14
    assert [s for s in sentences if s not in targets] == []


@pytest.mark.parametrize(
    ("day", "kind", "name"),
    [(dt.date(2019, 4, 30), "huyen", "Huyện Mỹ Hào"), (dt.date(2019, 5, 1), "thi_xa", "Thị xã Mỹ Hào")],
)
def test_my_hao_becomes_a_town_on_2019_05_01(day, kind, name):
    unit = load_catalog().unit_by_code["MYHAO"]
    assert (unit.kind_on(day), unit.name_on(day)) == (kind, name)


def test_registry_has_ten_districts_and_the_seed_departments():
    catalog = load_catalog()
    day = dt.date(2020, 12, 31)
    districts = [u for u in catalog.reporting_units() if catalog.block_of(u, day) == "huyen"]
    assert len(districts) == 10
    codes = {u.code for u in catalog.units}
    assert {"VPUB", "SNV", "STP", "STC", "SKHDT", "STTTT", "SKHCN"} <= codes


@pytest.mark.parametrize(
    ("year", "block", "codes"),
    [(2018, "so", ["SNV", "STP", "SYT", "SGDDT"]), (2019, "so", ["SNV", "STP", "SYT", "SGDDT", "SMOI"]),
     (2019, "huyen", ["VANLAM", "MYHAO"])],  # Mỹ Hào is a thị xã from 2019, still in the huyện block
)
def test_block_units_follow_validity_and_kind(year, block, codes):
    assert [u.code for u in small_catalog().block_units(year, block)] == codes
