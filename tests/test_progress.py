import dataclasses

import numpy as np
import pandas as pd
import pytest

from cchc.catalog import Indicator, Target, load_catalog
from cchc.progress import (
    BLOCK_TOTALS,
    COLUMNS,
    PROVINCE,
    area_scores,
    attainment,
    progress,
    rollup,
    unit_scores,
)

# A lower-is-better indicator with a target (the seed has none, so the test adds one).
LOWER = Indicator(code="9x.1", area="2", task="2.d", name_vi="Tỷ lệ hồ sơ quá hạn", name_en="Overdue share",
                  measure="percent", direction="lower", applies_to=("so",), only_units=(), required=False,
                  baseline_year=2016, source="test",
                  targets=(Target("9x.1", "target", 2020, 5.0, "<=", "plan", "test"),))


@pytest.fixture(scope="module")
def catalog():
    base = load_catalog()
    return dataclasses.replace(base, indicators=base.indicators + (LOWER,))


def values(rows):
    """Rows of (unit, period, indicator, value[, numerator, denominator]); percent ones default to n/100."""
    out = []
    for row in rows:
        unit, period, indicator, value, *fraction = row
        num, den = fraction or ((value, 100.0) if value == value else (np.nan, np.nan))
        out.append({"unit": unit, "period": period, "indicator": indicator, "numerator": num,
                    "denominator": den, "value": value})
    return pd.DataFrame(out)


def row_of(prog, unit, period, indicator):
    hit = prog[(prog["unit"] == unit) & (prog["period"] == period) & (prog["indicator"] == indicator)]
    assert len(hit) == 1
    return hit.iloc[0]


# 6dd.1: target 65 (>=) in 2020, baseline year 2016; the 2018 milestone from a baseline of 20 is 42.5.
@pytest.mark.parametrize(
    ("series", "period", "status", "milestone", "achievement", "score"),
    [
        ({"2016": 20, "2018": 70}, "2018", "achieved", 42.5, 100.0, 5.0),
        ({"2016": 20, "2018": 45}, "2018", "on_track", 42.5, 25 / 45 * 100, 5.0),
        ({"2016": 20, "2018": 35}, "2018", "needs_acceleration", 42.5, 15 / 45 * 100, 5 * 15 / 22.5),
        ({"2016": 20, "2018": 25}, "2018", "limited", 42.5, 5 / 45 * 100, 5 * 5 / 22.5),
        ({"2016": 20, "2018": 15}, "2018", "deteriorating", 42.5, 0.0, -5 * 5 / 22.5),
        ({"2016": 20, "2018": np.nan}, "2018", "no_data", 42.5, np.nan, np.nan),
        ({"2016": 20}, "2016", "baseline", 20.0, 0.0, np.nan),
        ({"2018": 30}, "2018", "baseline", 30.0, 0.0, np.nan),
        ({"2018": 66}, "2018", "achieved", 66.0, 100.0, 5.0),
        ({"2016": 20, "2017": 25, "2019-H1": 48}, "2019-H1", "on_track", 48.125, 28 / 45 * 100, 5 * 28 / 28.125),
        # The target year: the milestone is the target, and a value short of it is a verdict, not "on track".
        ({"2016": 20, "2020": 63}, "2020", "not_achieved", 65.0, 43 / 45 * 100, 5 * 43 / 45),
        ({"2016": 20, "2020-H2": 63}, "2020-H2", "not_achieved", 65.0, 43 / 45 * 100, 5 * 43 / 45),
        ({"2016": 20, "2020-H1": 63}, "2020-H1", "on_track", 20 + 45 * 3.5 / 4, 43 / 45 * 100, 5.0),  # mid-year
        ({"2020": 63}, "2020", "not_achieved", 65.0, 0.0, 0.0),     # its own baseline, still a verdict
        ({"2016": 20, "2020": 65}, "2020", "achieved", 65.0, 100.0, 5.0),
    ],
    ids=["achieved", "on_track", "needs_acceleration", "limited", "deteriorating", "blank_value",
         "baseline_only", "one_point", "one_point_achieved", "half_year", "missed_in_target_year",
         "missed_in_target_h2", "target_year_h1", "missed_without_baseline", "met_in_target_year"],
)
def test_progress_status(catalog, series, period, status, milestone, achievement, score):
    prog = progress(values([("SNV", p, "6dd.1", v) for p, v in series.items()]), catalog, province=False)
    row = row_of(prog, "SNV", period, "6dd.1")
    assert row["status"] == status
    np.testing.assert_allclose([row["milestone"], row["achievement"], row["score"]],
                               [milestone, achievement, score], rtol=1e-9)


@pytest.mark.parametrize(
    ("indicator", "series", "status", "achievement"),
    [
        ("6c.2", {"2016": 0, "2018": 0}, "limited", 0.0),           # yes/no, zero baseline, no move: R = 0
        ("6c.2", {"2016": 0, "2018": 100}, "achieved", 100.0),
        ("6dd.2", {"2016": 0, "2018": 12}, "needs_acceleration", 40.0),  # zero baseline, milestone 15: R = 0.8
        ("6dd.2", {"2016": 0, "2018": 15}, "on_track", 50.0),
        ("6dd.2", {"2016": 40, "2018": 25}, "deteriorating", 0.0),  # baseline already past the target, fell back
        ("9x.1", {"2016": 20, "2018": 14}, "needs_acceleration", 40.0),  # lower is better: milestone 12.5, R = 0.8
        ("9x.1", {"2016": 20, "2018": 12}, "on_track", 160 / 3),
        ("9x.1", {"2016": 20, "2018": 22}, "deteriorating", 0.0),
        ("9x.1", {"2016": 20, "2018": 5}, "achieved", 100.0),
        ("7b.1", {"2016": 0, "2017": 0}, "limited", 0.0),           # catalog milestone 100 in 2017
        ("7b.1", {"2016": 100, "2017": 0}, "deteriorating", 0.0),
        ("1a.1", {"2016": 10, "2018": 30}, "no_target", np.nan),    # a count without a target
    ],
)
def test_progress_edge_cases(catalog, indicator, series, status, achievement):
    prog = progress(values([("SNV", p, indicator, v) for p, v in series.items()]), catalog, province=False)
    row = row_of(prog, "SNV", max(series), indicator)
    assert row["status"] == status
    np.testing.assert_allclose(row["achievement"], achievement, rtol=1e-9)


def test_progress_catalog_milestone_is_used(catalog):
    prog = progress(values([("SNV", "2016", "7b.1", 0), ("SNV", "2017", "7b.1", 100)]), catalog, province=False)
    assert row_of(prog, "SNV", "2017", "7b.1")["milestone"] == 100


def test_progress_baseline_falls_back_to_first_year_for_a_late_unit(catalog):
    prog = progress(values([("SNV", "2018", "6dd.1", 20), ("SNV", "2019", "6dd.1", 43)]), catalog, province=False)
    row = row_of(prog, "SNV", "2019", "6dd.1")
    assert (row["baseline"], row["baseline_year"], row["milestone"], row["status"]) == (20, 2018, 42.5, "on_track")


def test_progress_missing_period_keeps_the_trend(catalog):
    prog = progress(values([("SNV", "2016", "6dd.1", 20), ("SNV", "2018", "6dd.1", 40)]), catalog, province=False)
    assert list(prog["period"]) == ["2016", "2018"]
    # weights 1 and 3 on two points: the line passes through both; 2020 → 60
    assert row_of(prog, "SNV", "2018", "6dd.1")["projected"] == pytest.approx(60.0)


def test_progress_projection_is_time_weighted(catalog):
    prog = progress(values([("SNV", "2016", "6dd.1", 20), ("SNV", "2017", "6dd.1", 30),
                            ("SNV", "2018", "6dd.1", 35)]), catalog, province=False)
    projected = prog.set_index("period")["projected"]
    # weights 1,2,3 on x = 0,1,2 → slope 7, intercept 21.5 → 21.5 + 7 × 4 (an unweighted fit gives 47.5)
    assert projected["2018"] == pytest.approx(49.5)
    assert np.isnan(projected["2016"])


def test_progress_projection_is_bounded_for_percentages(catalog):
    prog = progress(values([("SNV", "2016", "6dd.1", 20), ("SNV", "2017", "6dd.1", 60)]), catalog, province=False)
    assert row_of(prog, "SNV", "2017", "6dd.1")["projected"] == 100


def test_progress_worked_example_of_method_doc(catalog):
    """docs/METHOD.md, section 'Worked example': Văn Lâm, level-3 online services (6dd.1)."""
    rows = [("VANLAM", y, "6dd.1", 100 * n / 200, n, 200) for y, n in
            [("2016", 20), ("2017", 50), ("2018", 70), ("2019", 90)]]
    row = row_of(progress(values(rows), catalog, province=False), "VANLAM", "2019", "6dd.1")
    assert (row["baseline"], row["milestone"], row["status"]) == (10, 51.25, "needs_acceleration")
    np.testing.assert_allclose([row["achievement"], row["score"], row["projected"]],
                               [35 / 55 * 100, 5 * 35 / 41.25, 56.5], rtol=1e-9)


@pytest.mark.parametrize(
    ("indicator", "rows", "value", "numerator", "denominator", "reporters"),
    [
        ("6d.3", [("SNV", 10, 20, 200), ("STP", 50, 30, 60)], 50 / 260 * 100, 50, 260, 2),   # not (10 + 50) / 2
        ("6c.2", [("SNV", 100, 1, 1), ("STP", 0, 0, 1), ("SYT", 100, 1, 1)], 200 / 3, 2, 3, 3),  # share of units
        ("1a.1", [("SNV", 12, np.nan, np.nan), ("STP", 8, np.nan, np.nan)], 20, np.nan, np.nan, 2),  # counts add up
        ("6d.3", [("SNV", 10, 20, 200), ("STP", np.nan, 0, 0)], 10, 20, 200, 1),     # blanks and 0/0 left out
        ("6dd.1", [("SNV", 10, 20, 200), ("STP", 50, 30, 60)], 30, np.nan, np.nan, 2),  # rollup: mean
    ],
)
def test_rollup_adds_numerators_and_denominators(catalog, indicator, rows, value, numerator, denominator,
                                                 reporters):
    frame = values([(u, "2018", indicator, v, n, d) for u, v, n, d in rows])
    got = rollup(frame, catalog).iloc[0]
    assert (got["unit"], got["reporters"]) == (PROVINCE, reporters)
    np.testing.assert_allclose([got["value"], got["numerator"], got["denominator"]],
                               [value, numerator, denominator], rtol=1e-9)


def test_progress_province_rows_are_computed_like_a_unit(catalog):
    frame = values([("SNV", "2016", "6dd.1", 10, 10, 100), ("STP", "2016", "6dd.1", 30, 30, 100),
                    ("SNV", "2018", "6dd.1", 40, 40, 100), ("STP", "2018", "6dd.1", 50, 50, 100)])
    prog = progress(frame, catalog)
    row = row_of(prog, PROVINCE, "2018", "6dd.1")
    assert (row["value"], row["baseline"], row["milestone"], row["status"]) == (45, 20, 42.5, "on_track")
    assert list(prog.columns) == list(COLUMNS)


def test_progress_empty_frame_has_the_columns(catalog):
    assert list(progress(values([]).reindex(columns=["unit", "period", "indicator", "numerator", "denominator",
                                                    "value"]), catalog).columns) == list(COLUMNS)


def test_scores_are_means_of_indicator_scores(catalog):
    frame = values([("SNV", "2016", "6dd.1", 20), ("SNV", "2018", "6dd.1", 70),       # achieved: 5
                    ("SNV", "2016", "6dd.2", 0), ("SNV", "2018", "6dd.2", 12),        # R = 0.8: 4
                    ("SNV", "2016", "2d.3", 50), ("SNV", "2018", "2d.3", 50),         # R = 0: 0
                    ("SNV", "2016", "1a.1", 5), ("SNV", "2018", "1a.1", 9)])          # no target: left out
    prog = progress(frame, catalog, province=False)
    areas = area_scores(prog[prog["period"] == "2018"], catalog).set_index("area")
    assert areas.loc["6", "score"] == pytest.approx(4.5) and areas.loc["6", "indicators"] == 2
    assert areas.loc["2", "score"] == pytest.approx(0.0)
    units = unit_scores(prog[prog["period"] == "2018"]).iloc[0]
    assert units["score"] == pytest.approx(3.0)
    assert (units["achieved"], units["needs_acceleration"], units["limited"], units["no_target"]) == (1, 1, 1, 1)



@pytest.mark.parametrize(
    ("value", "target", "comparison", "expected"),
    [(45, 65, ">=", 100 * 45 / 65), (65, 65, ">=", 100), (90, 65, ">=", 100), (0, 65, ">=", 0),
     (80, 80, ">", 99.9),                                           # exactly at a strict target: not met
     (80.1, 80, ">", 100),
     (np.nan, 65, ">=", np.nan),                                    # not reported, or 0/0: no data
     (5, 2, "<=", 40), (2, 2, "<=", 100), (1, 2, "<=", 100), (0, 0, "<=", 100), (3, 0, "<=", 0), (2, 2, "<", 99.9),
     (-5, 50, ">=", 0), (10, np.nan, ">=", np.nan)],
)
def test_attainment_is_closeness_to_the_target(value, target, comparison, expected):
    got = attainment(np.array([value]), np.array([target]), np.array([comparison]))
    np.testing.assert_allclose(got, [expected], rtol=1e-12)


@pytest.mark.parametrize(
    ("series", "period", "slipped"),
    [({"2017": 40, "2018": 35}, "2018", True), ({"2017": 40, "2018": 45}, "2018", False),
     ({"2017": 40, "2018": 40}, "2018", False),
     ({"2018": 50, "2019-H1": 30, "2019": 55}, "2019", False),     # the annual report compares with 2018's
     ({"2018-H2": 50, "2019": 60, "2019-H1": 45}, "2019-H1", True),  # a half-year with the last half-year
     ({"2017": 40, "2018": np.nan, "2019": 38}, "2019", True),     # a blank report is skipped
     ({"2018": 40}, "2018", False)],
)
def test_slipped_compares_with_the_previous_report_of_the_same_length(catalog, series, period, slipped):
    prog = progress(values([("SNV", p, "6dd.1", v) for p, v in series.items()]), catalog, province=False)
    assert bool(row_of(prog, "SNV", period, "6dd.1")["slipped"]) is slipped


def test_slipped_is_worse_for_a_lower_is_better_indicator(catalog):
    prog = progress(values([("SNV", "2017", "9x.1", 10.0), ("SNV", "2018", "9x.1", 12.0)]), catalog, province=False)
    assert bool(row_of(prog, "SNV", "2018", "9x.1")["slipped"])


def test_block_roll_ups_take_each_unit_in_its_block(catalog):
    frame = values([("SNV", "2018", "6d.3", 50.0, 50, 100), ("STP", "2018", "6d.3", 70.0, 70, 100),
                    ("TIENLU", "2018", "6d.3", 10.0, 10, 100)])
    prog = progress(frame, catalog)
    got = {u: (row_of(prog, u, "2018", "6d.3")["value"], row_of(prog, u, "2018", "6d.3")["reporters"])
           for u in (PROVINCE, *BLOCK_TOTALS.values())}
    assert got == {PROVINCE: (130 / 3, 3), "UBNDT-SO": (60.0, 2), "UBNDT-HUYEN": (10.0, 1)}
