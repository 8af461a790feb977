"""Chart functions: inline frames in, figures with the right traces, colours, order and labels out."""

import math

import pandas as pd
import pytest

from cchc import charts
from cchc.labels import STATUS_COLOURS


def test_score_heatmap_places_scores_and_hover_detail():
    scores = pd.DataFrame({
        "unit_label": ["Sở Nội vụ", "Sở Nội vụ", "Văn Lâm"],
        "area_label": ["1. Thể chế", "6. Hiện đại hóa", "1. Thể chế"],
        "score": [4.5, -1.0, 2.0],
        "detail": ["2/2 đạt", "1 xấu đi", "1 đạt"],
    })
    fig = charts.score_heatmap(scores)
    heat = fig.data[0]
    assert list(heat.y) == ["Sở Nội vụ", "Văn Lâm"]
    assert list(heat.x) == ["1. Thể chế", "6. Hiện đại hóa"]
    assert heat.z[0][0] == 4.5 and heat.z[0][1] == -1.0 and heat.z[1][0] == 2.0
    assert math.isnan(heat.z[1][1])
    assert heat.customdata[0][1] == "1 xấu đi"
    assert (heat.zmin, heat.zmax) == (-5, 5)


TARGETS = pd.DataFrame({
    "label": ["6dd.1 Tỷ lệ dịch vụ công trực tuyến mức độ 3", "6dd.2 Tỷ lệ dịch vụ công trực tuyến mức độ 4"],
    "value": [100.0, 22.5], "path": [90.0, 25.0], "target": [100.0, 30.0], "comparison": [">=", ">="],
    "target_year": [2020, 2020], "projected": [float("nan"), float("nan")], "status": ["achieved", "limited"],
    "source": ["2019", "2019"],
})


def test_target_bullets_name_each_status_drawn_and_nothing_else():
    fig = charts.target_bullets(TARGETS)
    assert [trace.name for trace in fig.data] == ["Đã đạt mục tiêu", "Tiến bộ hạn chế", "Mốc năm", "Mục tiêu"]
    assert [trace.marker.color for trace in fig.data[:2]] == [STATUS_COLOURS["achieved"],
                                                              STATUS_COLOURS["limited"]]


def test_target_bullets_keep_full_names_and_tell_everything_on_hover():
    fig = charts.target_bullets(TARGETS)
    names = [label.replace("<br>", " ") for trace in fig.data[:2] for label in trace.y]
    assert names == list(TARGETS["label"])  # wrapped, never cut: "mức độ 3" and "mức độ 4" stay apart
    hover = fig.data[1].customdata[0]
    for part in ("Giá trị: 22,5%", "Mốc năm: 25,0%", "Mục tiêu 2020: >= 30,0%", "Tiến bộ hạn chế", "Báo cáo kỳ: 2019"):
        assert part in hover


@pytest.mark.parametrize(("lang", "separators", "hover"), [("vi", ",.", "Value"), ("en", ".,", "Value")])
def test_charts_write_numbers_the_language_way(lang, separators, hover):
    fig = charts.target_bullets(TARGETS, lang=lang)
    assert fig.layout.separators == separators
    assert ("22,5%" if lang == "vi" else "22.5%") in fig.data[1].customdata[0]


@pytest.mark.parametrize(("lang", "names"), [
    ("vi", ["Lộ trình", "Dự báo 2020", "Giá trị", "Mục tiêu: 65,0%"]),
    ("en", ["Target path", "2020 projection", "Value", "Target: 65.0%"]),
])
def test_indicator_series_names_traces_in_language(lang, names):
    series = pd.DataFrame({"year": [2016, 2017, 2018], "value": [30.0, 42.0, 50.0]})
    path = pd.DataFrame({"year": [2016, 2020], "value": [30.0, 65.0]})
    projection = pd.DataFrame({"year": [2018, 2020], "value": [50.0, 66.0]})
    fig = charts.indicator_series(series, path=path, target=65.0, projection=projection, lang=lang)
    assert [trace.name for trace in fig.data] == names
    assert [shape.y0 for shape in fig.layout.shapes] == [65.0]
    assert not fig.layout.annotations  # the target line is named in the legend, never on the data


def test_indicator_series_without_target_draws_no_line():
    fig = charts.indicator_series(pd.DataFrame({"year": [2016], "value": [3.0]}), measure="count")
    assert len(fig.data) == 1 and not fig.layout.shapes


def test_area_scores_marks_block_median_and_says_when_an_area_has_no_score():
    scores = pd.DataFrame({"area_label": ["1", "2", "3"], "score": [5.0, -4.0, None], "median": [1.0, 0.5, None]})
    fig = charts.area_scores(scores)
    assert list(fig.data[1].x)[:2] == [1.0, 0.5]
    assert list(fig.data[2].y) == ["3"] and fig.data[2].text[0] == "Chưa có số liệu"


def test_across_units_sorts_keeps_units_without_data_and_draws_milestone_and_target():
    values = pd.DataFrame({"unit_label": ["A", "B", "C", "D"], "value": [70.0, 20.0, None, 95.0],
                           "status": ["on_track", "limited", "no_data", "achieved"]})
    fig = charts.across_units(values, milestone=50.0, target=90.0)
    assert list(fig.layout.yaxis.categoryarray) == ["C", "B", "A", "D"]  # bottom to top: no data, worst … best
    assert {trace.name for trace in fig.data if trace.type == "bar"} == {"Đúng tiến độ", "Tiến bộ hạn chế",
                                                                         "Đã đạt mục tiêu"}
    assert [trace.name for trace in fig.data if trace.type == "scatter" and trace.showlegend is not False] == [
        "Mốc năm: 50,0%", "Mục tiêu: 90,0%"]
    assert fig.data[-1].text == ("Chưa có số liệu",)
    assert "<b>A</b><br>Giá trị: 70,0%<br>Mốc năm: 50,0%<br>Mục tiêu: 90,0%<br>Tình trạng: Đúng tiến độ" in [
        h for trace in fig.data if trace.type == "bar" for h in trace.customdata]
    assert sorted(shape.x0 for shape in fig.layout.shapes) == [50.0, 90.0] and not fig.layout.annotations


def test_across_units_draws_one_line_when_the_milestone_is_the_target():
    values = pd.DataFrame({"unit_label": ["A"], "value": [100.0], "status": ["achieved"]})
    fig = charts.across_units(values, milestone=100.0, target=100.0)
    assert [trace.name for trace in fig.data if trace.type == "scatter"] == ["Mục tiêu: 100,0%"]


def test_distribution_has_one_box_per_indicator():
    values = pd.DataFrame({"indicator_label": ["x", "x", "y"], "unit_label": ["A", "B", "A"], "value": [1.0, 2.0, 3.0]})
    fig = charts.distribution(values)
    assert [trace.name for trace in fig.data] == ["x", "y"]


def test_ranking_bars_groups_by_tier_in_rank_order():
    ranking = pd.DataFrame({"rank": [2, 1, 3], "unit_label": ["B", "A", "C"], "index": [85.0, 92.0, 60.0],
                            "tier": ["Khá", "Tốt", "Yếu"]})
    fig = charts.ranking_bars(ranking, ["Tốt", "Khá", "Trung bình", "Yếu"])
    assert [trace.name for trace in fig.data] == ["Tốt", "Khá", "Yếu"]
    assert fig.data[2].marker.color == charts.TIER_PALETTE[-1]
    assert list(fig.layout.yaxis.categoryarray) == ["A", "B", "C"]


def test_completeness_matrix_words_each_cell():
    frame = pd.DataFrame({"unit_label": ["A", "A", "B", "B"], "period": ["2018-H1", "2018", "2018-H1", "2018"],
                          "status": ["on_time", "late", "missing", "not_applicable"]})
    fig = charts.completeness_matrix(frame, lang="en")
    heat = fig.data[0]
    assert list(heat.x) == ["2018-H1", "2018"]
    assert [list(row) for row in heat.text] == [["On time", "Late"], ["Missing", "Not applicable"]]
    assert [list(row) for row in heat.z] == [[0.0, 1.0], [2.0, 3.0]]


def test_index_trend_one_line_per_series():
    trend = pd.DataFrame({"year": [2017, 2018, 2017, 2018], "series": ["so", "so", "huyen", "huyen"],
                          "index": [80.0, 82.5, 75.0, 79.0]})
    fig = charts.index_trend(trend, {"so": "Sở", "huyen": "Huyện"})
    assert [trace.name for trace in fig.data] == ["Sở", "Huyện"]
    assert list(fig.data[1].y) == [75.0, 79.0]


def test_figure_uses_projector_font_and_keeps_overrides():
    fig = charts.figure([], title="Tiêu đề", height=400, xaxis={"dtick": 1})
    assert fig.layout.font.size == charts.FONT_SIZE and fig.layout.title.text == "Tiêu đề"
    assert fig.layout.height == 400 and fig.layout.xaxis.dtick == 1 and fig.layout.xaxis.automargin
