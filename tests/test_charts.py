"""Chart functions: inline frames in, figures with the right traces, colours, order and labels out."""

import math

import pandas as pd
import pytest

from cchc import charts


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


def test_target_bullets_colours_bars_by_status():
    rows = pd.DataFrame({
        "label": ["Một cửa hiện đại", "DVC mức độ 3"], "value": [100.0, 40.0], "path": [90.0, 55.0],
        "target": [100.0, 65.0], "projected": [100.0, 52.0], "status": ["achieved", "limited"],
    })
    fig = charts.target_bullets(rows)
    assert list(fig.data[0].marker.color) == [charts.STATUS_COLOURS["achieved"], charts.STATUS_COLOURS["limited"]]
    assert [trace.name for trace in fig.data] == ["Giá trị", "Lộ trình", "Mục tiêu", "Dự báo 2020"]
    assert list(fig.data[0].customdata) == ["Đã đạt mục tiêu", "Tiến bộ hạn chế"]


@pytest.mark.parametrize(("lang", "names"), [
    ("vi", ["Lộ trình", "Dự báo 2020", "Giá trị"]),
    ("en", ["Target path", "2020 projection", "Value"]),
])
def test_indicator_series_names_traces_in_language(lang, names):
    series = pd.DataFrame({"year": [2016, 2017, 2018], "value": [30.0, 42.0, 50.0]})
    path = pd.DataFrame({"year": [2016, 2020], "value": [30.0, 65.0]})
    projection = pd.DataFrame({"year": [2018, 2020], "value": [50.0, 66.0]})
    fig = charts.indicator_series(series, path=path, target=65.0, projection=projection, lang=lang)
    assert [trace.name for trace in fig.data] == names
    assert [shape.y0 for shape in fig.layout.shapes] == [65.0]


def test_indicator_series_without_target_draws_no_line():
    fig = charts.indicator_series(pd.DataFrame({"year": [2016], "value": [3.0]}), percent=False)
    assert len(fig.data) == 1 and not fig.layout.shapes


def test_area_scores_marks_block_median():
    scores = pd.DataFrame({"area_label": ["1", "2"], "score": [5.0, -4.0], "median": [1.0, 0.5]})
    fig = charts.area_scores(scores)
    assert list(fig.data[1].x) == [1.0, 0.5]
    assert list(fig.data[0].marker.color) == [charts.TIER_PALETTE[0], charts.TIER_PALETTE[4]]


def test_across_units_sorts_and_draws_milestone_and_target():
    values = pd.DataFrame({"unit_label": ["A", "B", "C", "D"], "value": [70.0, 20.0, None, 95.0],
                           "status": ["on_track", "limited", "no_data", "achieved"]})
    fig = charts.across_units(values, milestone=50.0, target=90.0)
    assert list(fig.data[0].y) == ["B", "A", "D"]
    assert sorted(shape.x0 for shape in fig.layout.shapes) == [50.0, 90.0]


def test_across_units_draws_one_line_when_the_milestone_is_the_target():
    values = pd.DataFrame({"unit_label": ["A"], "value": [100.0], "status": ["achieved"]})
    fig = charts.across_units(values, milestone=100.0, target=100.0)
    assert [note.text for note in fig.layout.annotations] == ["Mục tiêu 100"]


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
