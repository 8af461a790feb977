import dataclasses
import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from cchc.catalog import Unit, load_catalog
from cchc.export import score_template_xlsx
from cchc.ranking import (
    Criteria,
    Criterion,
    Domain,
    Tier,
    Tree,
    block_units,
    criterion_scores,
    domain_index,
    load_criteria,
    ranking,
    read_score_sheet,
)
from tests import hostile

# A small tree: 10 points from two indicators, 10 council points, 10 survey points.
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


@pytest.fixture(scope="module")
def catalog():
    base = load_catalog()
    keep = ("UBNDT", "SNV", "STP", "SYT", "SGDDT", "VANLAM", "MYHAO")
    return dataclasses.replace(base, units=(*(base.unit_by_code[c] for c in keep), NEW))


def prog(rows):
    """(unit, year, indicator, value) → the progress columns ranking reads."""
    return pd.DataFrame([(u, str(y), i, v) for u, y, i, v in rows], columns=["unit", "period", "indicator", "value"])


def scores(rows):
    """(year, unit, criterion, source, score[, entered_by, reason])."""
    full = [(*r, *("", "")[len(r) - 5:]) if len(r) < 7 else r for r in rows]
    return pd.DataFrame(full, columns=["year", "unit", "criterion", "source", "score", "entered_by", "reason"])


def test_block_units_follow_validity_and_kind(catalog):
    assert block_units(catalog, 2018, "so") == ["SNV", "STP", "SYT", "SGDDT"]
    assert block_units(catalog, 2019, "so") == ["SNV", "STP", "SYT", "SGDDT", "SMOI"]
    assert block_units(catalog, 2019, "huyen") == ["VANLAM", "MYHAO"]  # Mỹ Hào is a thị xã, still huyện block


# 6dd.1 targets >= 65 %, 6dd.2 >= 30 %: attainment = 100 × min(value / target, 1), whatever the baseline.
@pytest.mark.parametrize(
    ("values", "points", "mean"),
    [((65, 30), 10.0, 100), ((80, 36), 10.0, 100),   # past the target: still 100
     ((52, 27), 8.0, 85),                             # 80 and 90 → 85 → the 80 step
     ((70, 15), 5.0, 75), ((65, None), 5.0, 50),      # an indicator not reported counts as 0 %
     ((13, 3), 0.0, 15), ((0, 0), 0.0, 0)],
)
def test_criterion_scores_rubric_on_mean_attainment(catalog, values, points, mean):
    rows = [("SNV", 2019, i, v) for i, v in zip(("6dd.1", "6dd.2"), values, strict=True) if v is not None]
    detail = criterion_scores(2019, "so", prog(rows), scores([]), catalog, CRITERIA)
    row = detail[(detail["unit"] == "SNV") & (detail["criterion"] == "6.1")].iloc[0]
    assert (round(row["attainment"], 9), row["self"], row["appraised"]) == (mean, points, points)


def test_criterion_scores_baseline_year_is_scored_on_the_state_reached(catalog):
    # 2016 is every unit's baseline: scored on attainment, a unit that starts at the target gets full points.
    rows = [("SNV", 2016, "6dd.1", 65), ("SNV", 2016, "6dd.2", 30), ("STP", 2016, "6dd.1", 6.5)]
    detail = criterion_scores(2016, "so", prog(rows), scores([]), catalog, CRITERIA).set_index(["unit", "criterion"])
    assert detail.loc[("SNV", "6.1"), "points"] == 10 and detail.loc[("STP", "6.1"), "points"] == 0


def test_criterion_scores_worked_example_of_method_doc(catalog):
    """docs/METHOD.md, PAR index worked example: Văn Lâm 2020, criterion 3.1, default rubric."""
    rows = [("VANLAM", 2020, "3b.1", 100 * 420 / 500), ("VANLAM", 2020, "3b.2", 100 * 360 / 500)]
    detail = criterion_scores(2020, "huyen", prog(rows), scores([]), catalog, load_criteria())
    row = detail[(detail["unit"] == "VANLAM") & (detail["criterion"] == "3.1")].iloc[0]
    np.testing.assert_allclose([row["attainment"], row["self"], row["max"]], [95, 2.7, 3], rtol=1e-9)


def test_criterion_scores_appraisal_overrides_self_and_keeps_who_and_why(catalog):
    entered = scores([(2019, "SNV", "6.2", "self", 9), (2019, "SNV", "6.2", "appraised", 7, "hđ.thamdinh",
                                                        "Thiếu minh chứng"),
                      (2019, "STP", "6.2", "self", 8), (2019, "SNV", "8.1", "survey", 6.5)])
    detail = criterion_scores(2019, "so", prog([]), entered, catalog, CRITERIA).set_index(["unit", "criterion"])
    assert detail.loc[("SNV", "6.2"), ["self", "appraised", "points", "entered_by", "reason"]].tolist() == [
        9, 7, 7, "hđ.thamdinh", "Thiếu minh chứng"]
    assert detail.loc[("STP", "6.2"), ["self", "appraised", "points"]].tolist() == [8, 8, 8]
    assert detail.loc[("SNV", "8.1"), "points"] == 6.5 and np.isnan(detail.loc[("SNV", "8.1"), "self"])
    assert np.isnan(detail.loc[("SYT", "6.2"), "points"])   # nothing entered yet


def test_criterion_scores_skip_indicator_criteria_that_do_not_apply(catalog):
    detail = criterion_scores(2019, "so", prog([]), scores([]), catalog, CRITERIA)
    has_education = detail[detail["criterion"] == "3.1"]["unit"].tolist()
    assert has_education == ["SGDDT"]   # 3b.1 is reported only by Sở GD&ĐT among the sở


def test_ranking_totals_index_tier_and_ties(catalog):
    # max: SNV/STP/SYT/SMOI 30 (no 3.1), SGDDT 35
    entered = scores([(2019, u, "6.2", "self", s) for u, s in
                      [("SNV", 10), ("STP", 10), ("SYT", 7), ("SGDDT", 10), ("SMOI", 4)]]
                     + [(2019, u, "8.1", "survey", s) for u, s in
                        [("SNV", 10), ("STP", 10), ("SYT", 10), ("SGDDT", 10), ("SMOI", 0)]])
    rows = [(u, 2019, i, 100) for u in ("SNV", "STP", "SGDDT") for i in ("6dd.1", "6dd.2")]
    rows += [("SYT", 2019, "6dd.1", 100), ("SYT", 2019, "6dd.2", 100), ("SGDDT", 2019, "3b.1", 48)]
    table = ranking(2019, "so", prog(rows), entered, catalog, CRITERIA)
    got = table[["unit", "rank", "score", "max_score", "index", "tier"]].round(2).values.tolist()
    assert got == [
        ["SNV", 1, 30.0, 30.0, 100.0, "tot"],
        ["STP", 1, 30.0, 30.0, 100.0, "tot"],      # a tie shares the rank
        ["SGDDT", 3, 32.5, 35.0, 92.86, "tot"],    # 10 + 10 + 2.5 (3b.1 48 % of > 80 %: 60 → half of 5) + 10
        ["SYT", 4, 27.0, 30.0, 90.0, "tot"],       # 90 % is Tốt: thresholds are inclusive
        ["SMOI", 5, 4.0, 30.0, 13.33, "yeu"],
    ]
    assert list(table.columns[-3:]) == ["D6", "D3", "D8"]


def test_ranking_change_against_previous_year(catalog):
    entered = scores([(y, u, "6.2", "self", s) for y, u, s in
                      [(2018, "SNV", 10), (2018, "STP", 5), (2019, "SNV", 5), (2019, "STP", 10), (2019, "SMOI", 8)]])
    table = ranking(2019, "so", prog([]), entered, catalog, CRITERIA).set_index("unit")
    assert table.loc["STP", "rank_change"] == 1 and table.loc["SNV", "rank_change"] == -2  # SMOI came in 2nd
    assert table.loc["STP", "score_change"] == pytest.approx(100 * 5 / 30)
    assert pd.isna(table.loc["SMOI", "rank_change"]) and pd.isna(table.loc["SYT", "rank_change"])


def test_ranking_blocks_are_separate(catalog):
    entered = scores([(2019, "VANLAM", "6.2", "self", 10), (2019, "SNV", "6.2", "self", 2)])
    huyen = ranking(2019, "huyen", prog([]), entered, catalog, CRITERIA)
    assert huyen["unit"].tolist() == ["VANLAM", "MYHAO"] and set(huyen["block"]) == {"huyen"}
    assert ranking(2019, "so", prog([]), entered, catalog, CRITERIA).iloc[0]["rank"] == 1


def test_domain_index_per_domain(catalog):
    entered = scores([(2019, "SNV", "6.2", "self", 5), (2019, "SNV", "8.1", "survey", 8)])
    rows = [("SNV", 2019, "6dd.1", 100), ("SNV", 2019, "6dd.2", 100)]
    sub = domain_index(criterion_scores(2019, "so", prog(rows), entered, catalog, CRITERIA))
    snv = sub[sub["unit"] == "SNV"].set_index("domain")
    assert snv.loc["D6", ["points", "max", "index"]].tolist() == [15, 20, 75]
    assert snv.loc["D8", "index"] == 80


def test_default_criteria_trees_give_100_points():
    criteria = load_criteria()
    for tree in criteria.trees:
        assert sum(c.max for c in tree.criteria) == 100
        assert {c.kind for c in tree.criteria} == {"indicator", "council", "survey"}
    assert [t.min for t in criteria.tiers] == sorted((t.min for t in criteria.tiers), reverse=True)
    assert [t.name_vi for t in criteria.tiers] == ["Tốt", "Khá", "Trung bình", "Yếu"]


def filled_sheet(catalog, cells, year=2019, block="so"):
    wb = load_workbook(io.BytesIO(score_template_xlsx(year, block, catalog, CRITERIA)))
    ws = wb.active
    for ref, value in cells.items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# Template rows: 4 criteria per unit from row 5 — SNV: 6.1 (5), 6.2 (6), 3.1 (7), 8.1 (8); STP from row 9.
# Columns: F self-assessment, G appraisal, H survey, I reason.
@pytest.mark.parametrize(
    ("cells", "rows", "issues"),
    [
        ({"G6": 7.5, "I6": "Thiếu minh chứng"}, [("SNV", "6.2", "appraised", 7.5, "Thiếu minh chứng")], []),
        ({"G6": "8,5", "I6": "x"}, [("SNV", "6.2", "appraised", 8.5, "x")], []),
        ({"F6": 9, "G6": 7, "I6": "Thiếu minh chứng"},
         [("SNV", "6.2", "self", 9.0, ""), ("SNV", "6.2", "appraised", 7.0, "Thiếu minh chứng")], []),
        ({"F6": 9}, [("SNV", "6.2", "self", 9.0, "")], []),   # a self-assessment needs no reason
        ({"G5": 6, "I5": "Số liệu chưa khớp"}, [("SNV", "6.1", "appraised", 6.0, "Số liệu chưa khớp")], []),
        ({"H8": 9}, [("SNV", "8.1", "survey", 9.0, "")], []),
        ({"G6": 7}, [("SNV", "6.2", "appraised", 7.0, "")], [("G6", "missing-reason", "warning")]),
        ({"G6": 12}, [], [("G6", "score-out-of-range", "error")]),
        ({"F6": 10.5}, [], [("F6", "score-out-of-range", "error")]),
        ({"G6": -1}, [], [("G6", "score-out-of-range", "error")]),
        ({"G6": "bảy"}, [], [("G6", "not-a-number", "error")]),
        ({"G8": 5}, [], [("G8", "score-not-applicable", "error")]),
        ({"F8": 5}, [], [("F8", "score-not-applicable", "error")]),
        ({"F5": 5}, [], [("F5", "score-not-applicable", "error")]),   # indicator criteria: self is computed
        ({"H6": 5}, [], [("H6", "score-not-applicable", "error")]),
        ({"A6": "SXYZ", "G6": 5}, [], [("A6", "unknown-unit", "error")]),
        ({"A6": "VANLAM", "G6": 5}, [], [("A6", "unknown-unit", "error")]),   # a huyện in the sở sheet
        ({"C6": "9.9", "G6": 5}, [], [("A6", "unknown-criterion", "error")]),
    ],
)
def test_read_score_sheet(catalog, cells, rows, issues):
    got_rows, got_issues = read_score_sheet(filled_sheet(catalog, cells), catalog, CRITERIA)
    assert [(r["unit"], r["criterion"], r["source"], r["score"], r["reason"]) for r in got_rows] == rows
    assert all(r["year"] == 2019 for r in got_rows)
    assert [(i.cell, i.code, i.severity) for i in got_issues] == issues


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"not a workbook", "not-a-workbook"), (None, "missing-info"),
     (hostile.quoted_sparse_extent(b" r='REF'"), "not-a-workbook")],  # guarded: it once aborted the reader
    ids=["not-a-workbook", "missing-info", "sparse-extent"],
)
def test_read_score_sheet_refuses(catalog, data, code):
    if data is None:
        data = filled_sheet(catalog, {"B3": None})
    rows, issues = read_score_sheet(data, catalog, CRITERIA)
    assert rows == [] and [i.code for i in issues] == [code]


@pytest.mark.parametrize(
    ("interpolate", "achievement", "share"),
    [(False, 85, 0.8), (False, 79.9, 0.5), (False, 100, 1.0), (True, 85, 0.85), (True, 90, 0.9), (True, 40, 0.4),
     (True, 100, 1.0), (True, 0, 0.0)],
)
def test_rubric_steps_or_linear(interpolate, achievement, share):
    rubric = ((100, 1.0), (80, 0.8), (50, 0.5), (0, 0.0))
    got = dataclasses.replace(CRITERIA, rubric=rubric, interpolate=interpolate).share(pd.Series([achievement]))
    assert got.iloc[0] == pytest.approx(share)


@pytest.mark.parametrize(("attained", "share"), [(0, 0.0), (50, 0.0), (62.5, 0.25), (95, 0.9), (100, 1.0)])
def test_default_rubric_is_linear_from_half_way_to_the_target(attained, share):
    assert load_criteria().share(pd.Series([float(attained)])).iloc[0] == pytest.approx(share)


def test_score_template_greys_the_columns_a_criterion_does_not_take(catalog):
    ws = load_workbook(io.BytesIO(score_template_xlsx(2019, "so", catalog, CRITERIA))).active
    assert [c.value for c in ws[4]][5:9] == ["Điểm tự đánh giá", "Điểm thẩm định", "Điểm điều tra XHH", "Lý do"]
    grey = [[ws.cell(r, col).fill.fgColor.rgb == "00EEEEEE" for col in (6, 7, 8)] for r in (5, 6, 8)]
    assert grey == [[True, False, True], [False, False, True], [True, True, False]]   # indicator, council, survey
