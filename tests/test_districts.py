"""The map of the districts (cchc/dashboard/districts.py, cchc.map_charts.district_tiles): every district has a
tile placed as it lies, colours and legend follow the chosen measure, a unit new to the registry still shows."""

import json

import pandas as pd
import pytest

from cchc import charts, map_charts
from cchc.catalog import load_catalog
from cchc.dashboard import common, districts

CATALOG = load_catalog()
TIERS = {"tot": "Tốt", "kha": "Khá", "trung_binh": "Trung bình", "yeu": "Yếu"}


def test_every_district_has_its_own_tile():
    spots = districts.positions()
    units = common.block_names(CATALOG, 2020, "huyen")
    assert set(units) == set(spots) and len(set(spots.values())) == len(spots) == 10
    assert spots["VANGIANG"][0] < spots["TPHY"][0] and spots["TPHY"][1] < spots["PHUCU"][1]  # N above S, W left


@pytest.mark.parametrize(("lang", "shown"), [("vi", "92,33%"), ("en", "92.33%")])
def test_par_colours_tiles_by_tier_best_first(lang, shown):
    ranking = pd.DataFrame({"unit": ["TPHY", "PHUCU"], "index": [92.33, 62.0], "tier": ["tot", "yeu"]})
    view = districts.district_map(pd.DataFrame(columns=["indicator", "period", "unit"]), ranking, TIERS, CATALOG,
                                  "2020", "par", "", lang)
    tiles = view.tiles.set_index("unit")
    assert tiles.loc["TPHY", "text"] == shown and tiles.loc["TPHY", "group"] == "Tốt"
    assert tiles.loc["VANLAM", "group"] == ("Chưa có số liệu" if lang == "vi" else "No data")
    fig = map_charts.district_tiles(view.tiles, lang=lang)
    assert [trace.name for trace in fig.data] == ["Tốt", "Yếu", tiles.loc["VANLAM", "group"]]
    assert fig.data[0].customdata == ("TPHY",) and fig.data[0].marker.color == charts.tier_colours(
        list(TIERS.values()))["Tốt"]


def test_value_colours_on_a_scale_and_greys_units_without_a_figure():
    prog = pd.DataFrame({"unit": ["TPHY", "MYHAO"], "indicator": ["6dd.1", "6dd.1"], "period": ["2020", "2020"],
                         "value": [70.0, 35.5], "status": ["achieved", "limited"]})
    view = districts.district_map(prog, pd.DataFrame(), TIERS, CATALOG, "2020", "value", "6dd.1", "vi")
    fig = map_charts.district_tiles(view.tiles, scale=True)
    valued, blank = fig.data
    assert sorted(valued.customdata) == ["MYHAO", "TPHY"] and valued.marker.showscale
    assert blank.name == "Chưa có số liệu" and len(blank.customdata) == 8
    assert "35,5%" in view.tiles.set_index("unit").loc["MYHAO", "text"]


def test_a_unit_without_a_position_gets_a_tile_below(monkeypatch):
    monkeypatch.setattr(districts, "positions", lambda: {"TPHY": (0, 0)})
    tiles = districts._place({"TPHY": "TP Hưng Yên", "NEW": "Huyện mới"})
    assert tiles.set_index("unit").loc["NEW", ["row", "col"]].tolist() == [1, 0]


def test_boundaries_come_from_the_installation_or_not_at_all(tmp_path):
    shapes = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "TPHY"},
                                                          "geometry": {"type": "Point", "coordinates": [106, 20.6]}}]}
    path = tmp_path / "huyen.geojson"
    path.write_text(json.dumps(shapes), encoding="utf-8")
    assert districts.boundaries({districts.ENV_BOUNDARIES: str(path)}) == shapes
    assert districts.boundaries({}) is None
    assert districts.boundaries({districts.ENV_BOUNDARIES: str(tmp_path / "missing.geojson")}) is None
    tiles = pd.DataFrame({"unit": ["TPHY"], "unit_label": ["TP Hưng Yên"], "row": [0], "col": [0],
                          "group": ["Tốt"], "colour": ["#1a7f37"], "value": [92.0], "text": ["92,00%"],
                          "hover": ["TP Hưng Yên"]})
    fig = map_charts.district_choropleth(tiles, shapes)
    assert fig.data[0].type == "choropleth" and fig.data[0].locations == ("TPHY",)
