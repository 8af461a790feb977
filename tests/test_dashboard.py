"""Page data (cchc/dashboard): inline progress and completeness frames in, what the pages show out."""

import math

import pandas as pd
import pytest

from cchc import numbers
from cchc.catalog import load_catalog
from cchc.criteria import load_criteria
from cchc.dashboard import common, monitor, reporting

CATALOG = load_catalog()
COLUMNS = ["unit", "indicator", "period", "year", "value", "milestone", "target", "status", "score", "projected",
           "baseline", "baseline_year"]


def progress_rows(*rows: tuple) -> pd.DataFrame:
    """``(unit, indicator, period, value, status, score)`` rows with the progress frame's other columns filled."""
    records = [{"unit": u, "indicator": i, "period": p, "year": int(p[:4]), "value": v, "milestone": 80.0,
                "target": 100.0, "status": s, "score": sc, "projected": 95.0, "baseline": 50.0, "baseline_year": 2016}
               for u, i, p, v, s, sc in rows]
    return pd.DataFrame(records, columns=COLUMNS)


@pytest.mark.parametrize(("value", "lang", "decimals", "text"), [
    (1234.5, "vi", 1, "1.234,5"), (1234.5, "en", 1, "1,234.5"), (100.0, "vi", 1, "100,0"), (15.0, "vi", 0, "15"),
    (float("nan"), "vi", 1, "–"), (None, "en", 2, "–"), (0.25, "vi", 1, "0,2"), (85.125, "en", 2, "85.12"),
    (1234567.891, "vi", 2, "1.234.567,89"), (-0.01, "vi", 1, "0,0"),
])
def test_number_text_writes_figures_the_local_way_with_fixed_decimals(value, lang, decimals, text):
    assert numbers.number_text(value, lang, decimals) == text


@pytest.mark.parametrize(("value", "measure", "lang", "text"), [
    (68.5, "percent", "vi", "68,5%"), (68.5, "percent", "en", "68.5%"), (100.0, "yes_no", "vi", "100,0%"),
    (15.0, "count", "vi", "15"), (1500.0, "count", "en", "1,500"), (float("nan"), "percent", "vi", "–"),
])
def test_measure_text_fixes_decimals_and_unit_per_measure(value, measure, lang, text):
    assert numbers.measure_text(value, measure, lang) == text


def test_block_units_follow_the_unit_kind_of_the_year():
    huyen = common.block_names(CATALOG, 2020, "huyen")
    assert "MYHAO" in huyen and "TPHY" in huyen and "SNV" not in huyen
    assert len(huyen) == 10 and len(common.block_names(CATALOG, 2020, "so")) == 18


@pytest.mark.parametrize(
    ("period", "shown"),
    [("2019", [["2019", 85.0]]),        # the annual report, though the second half-year ends on the same day
     ("2019-H2", [["2019-H2", 88.0]]),  # a half-year view shows that half-year's report
     ("2019-H1", [["2019-H1", 70.0]]),
     ("2018", [])],                    # no annual report: nothing, never a report of another length
)
def test_a_period_view_shows_the_report_of_that_period_only(period, shown):
    prog = progress_rows(("SNV", "2d.3", "2019-H1", 70.0, "limited", 1.0),
                         ("SNV", "2d.3", "2019-H2", 88.0, "achieved", 5.0),
                         ("SNV", "2d.3", "2019", 85.0, "achieved", 5.0),
                         ("SNV", "2d.3", "2018-H2", 60.0, "limited", 1.0),
                         ("SNV", "2d.3", "2020-H1", 90.0, "achieved", 5.0))
    assert common.in_period(prog, period)[["period", "value"]].values.tolist() == shown


def test_heatmap_scores_the_annual_rows_of_the_year_per_area():
    prog = progress_rows(("SNV", "2d.3", "2020", 85.0, "achieved", 5.0),
                         ("SNV", "2d.1", "2020", 0.0, "deteriorating", -5.0),
                         ("SNV", "2d.2", "2020-H2", 0.0, "deteriorating", -5.0),
                         ("STP", "6b.1", "2020", 60.0, "limited", 1.0))
    heat = monitor.heatmap_frame(prog, CATALOG, "2020", "so", "vi")
    snv = heat[heat["unit"] == "SNV"].set_index("area")["score"]
    assert snv["2"] == 0.0 and math.isnan(snv["6"])
    assert set(heat["area"]) == {"2", "6"}  # areas nobody scored on are left out
    assert heat.set_index(["unit", "area"]).loc[("SNV", "2"), "detail"] == \
        "2. Cải cách thủ tục hành chính<br>1 Đã đạt mục tiêu, 1 Đi xuống"


def test_target_cards_count_the_plan_targets_only():
    targets = pd.DataFrame({
        "status": ["achieved", "not_achieved", "on_track", "limited", "deteriorating", "no_data", "baseline",
                   "achieved"],
        "origin": ["plan"] * 7 + ["supplementary"]})
    cards = monitor.target_cards(targets)
    assert cards == monitor.Cards(achieved=1, not_achieved=1, on_track=1, behind=2, no_data=2, total=7)
    assert cards.summary() == "achieved=1 on_track=1 behind=2 not_achieved=1 no_data=2"


def test_attention_ranks_units_by_problems_and_gives_reasons():
    prog = progress_rows(("SNV", "2d.3", "2020", 40.0, "deteriorating", -2.0),
                         ("SNV", "6b.1", "2020", 40.0, "limited", 1.0),
                         ("STP", "6b.1", "2020", 40.0, "limited", 1.0),
                         ("STC", "6b.1", "2020", 100.0, "achieved", 5.0))
    done = pd.DataFrame({"unit": ["STP"], "period": ["2020"], "expected": [True], "status": ["missing"]})
    units = common.block_names(CATALOG, 2020, "so")
    latest = common.in_period(prog, "2020")
    heat = monitor.heatmap_frame(prog, CATALOG, "2020", "so", "vi")
    table = monitor.attention(latest, heat, done, CATALOG, units, "2020", "vi")
    assert table["unit"].tolist() == ["SNV", "STP"]
    assert table["reason"][1] == ("1 chỉ tiêu tiến bộ hạn chế; 1 báo cáo chưa nộp; "
                                  "điểm thấp nhất: 6. Hiện đại hóa hành chính")


@pytest.mark.parametrize(("period", "card"), [("2020", (1, 2)), ("2020-H1", (2, 2)), ("2019", (0, 0))])
def test_completeness_card_counts_the_reports_of_the_chosen_period(period, card):
    done = pd.DataFrame({"unit": ["SNV", "STP", "SNV", "STP"], "period": ["2020-H1", "2020-H1", "2020", "2020"],
                         "expected": [True] * 4, "status": ["on_time", "late", "on_time", "missing"]})
    assert monitor.completeness_card(done, period, ["SNV", "STP"]) == card


def test_series_draws_the_path_from_baseline_through_milestones_to_target():
    prog = progress_rows(("UBNDT", "6dd.1", "2017", 40.0, "on_track", 4.0),
                         ("UBNDT", "6dd.1", "2018", 50.0, "on_track", 4.0))
    line = monitor.series(prog, CATALOG, "UBNDT", "6dd.1", "vi")
    assert line.observed.values.tolist() == [[2017, 40.0], [2018, 50.0]]
    assert line.path.values.tolist() == [[2016, 50.0], [2020, 65.0]]
    assert line.projection.values.tolist() == [[2018, 50.0], [2020, 95.0]]
    assert line.target == 65.0 and line.measure == "percent"


@pytest.mark.parametrize(("change", "text"), [(2, "▲ 2"), (-1, "▼ 1"), (0, "0"), (None, "–"), (pd.NA, "–")])
def test_arrow_shows_rank_change(change, text):
    assert reporting.arrow(change) == text


def ranking_table(scores: list[float]) -> pd.DataFrame:
    domains = [d.code for d in load_criteria().tree(2020, "huyen").domains]
    units = ["TPHY", "VANLAM"][: len(scores)]
    return pd.DataFrame({"rank": range(1, len(scores) + 1), "unit": units, "self_score": scores,
                         "appraised_score": scores, "survey_score": [0.0] * len(scores), "score": scores,
                         "index": scores, "tier": ["tot" if s >= 90 else "yeu" for s in scores],
                         "rank_change": [1, pd.NA][: len(scores)], **{d: [1.0] * len(scores) for d in domains}})


def test_ranking_view_words_the_table_and_colours_tiers():
    view = reporting.ranking_view(ranking_table([92.0, 40.0]), load_criteria(), CATALOG, 2020, "huyen", "vi")
    assert view.table[["Xếp hạng", "Đơn vị", "Xếp loại", "Thay đổi"]].values.tolist() == [
        [1, "TP Hưng Yên", "Tốt", "▲ 1"], [2, "Văn Lâm", "Yếu", "–"]]
    assert list(view.legend) == view.tier_order == ["Tốt", "Khá", "Trung bình", "Yếu"]
    assert view.bars["unit_label"].tolist() == ["TP Hưng Yên", "Văn Lâm"]


def test_ranking_view_has_no_bars_before_anything_is_scored():
    view = reporting.ranking_view(ranking_table([0.0, 0.0]), load_criteria(), CATALOG, 2020, "huyen", "vi")
    assert view.bars.empty and len(view.table) == 2


@pytest.mark.parametrize(("frame", "widest"), [
    (pd.DataFrame({"Xếp hạng": [1, 2], "Đơn vị": ["Sở Lao động - Thương binh và Xã hội " * 3, "Sở Y tế"],
                   "Chỉ số (%)": ["92,97", "61,52"]}), "Đơn vị"),
    (pd.DataFrame({"Mã": ["2d.1"], "Chỉ tiêu": ["Tỷ lệ " * 60], "Tình trạng": ["Đã đạt mục tiêu"],
                   "Giá trị": ["100,0%"]}), "Chỉ tiêu"),
    (pd.DataFrame({"Đơn vị": ["A"], "Giá trị": ["1"]}), None),
])
def test_column_widths_fit_the_page_and_never_cut_a_header(frame, widest):
    widths = common.column_widths(frame)
    assert sum(widths.values()) <= common.TABLE_WIDTH or widest is None
    assert all(widths[c] >= common.header_width(c) for c in frame.columns)
    if widest:  # the long text gave way, the short columns kept their content's width
        assert all(widths[c] >= common.header_width(c) for c in frame.columns if c != widest)
        assert widths[widest] < common.header_width(frame[widest].iloc[0])
