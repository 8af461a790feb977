import numpy as np
import pandas as pd
import pytest

from cchc.criteria import load_criteria
from cchc.ranking import criterion_scores, ranking
from tests.par import CRITERIA, small_catalog


@pytest.fixture(scope="module")
def catalog():
    return small_catalog()


def prog(rows):
    """(unit, year, indicator, value) → the progress columns ranking reads."""
    return pd.DataFrame([(u, str(y), i, v) for u, y, i, v in rows], columns=["unit", "period", "indicator", "value"])


def scores(rows):
    """(year, unit, criterion, source, score[, entered_by, reason])."""
    full = [(*r, *("", "")[len(r) - 5:]) if len(r) < 7 else r for r in rows]
    return pd.DataFrame(full, columns=["year", "unit", "criterion", "source", "score", "entered_by", "reason"])


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
