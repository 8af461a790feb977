"""The map of the districts: a schematic tile map, or the real boundaries when a GeoJSON is given, in the
look of :mod:`cchc.charts` (a tidy frame of tiles in, a plotly Figure out; see :mod:`cchc.dashboard.districts`)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cchc.charts import TICK_SIZE, figure
from cchc.i18n import status_label, t
from cchc.labels import STATUS_COLOURS

VALUE_SCALE = [[0.0, "#deebf7"], [1.0, "#08519c"]]
TILE_PX = 116
ROW_PX = 140


def _ink(colour: str) -> str:
    """Black or white text, whichever reads on ``colour`` (``#rrggbb``)."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#111111" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "#ffffff"


def _tile_parts(tiles: pd.DataFrame, scale: bool, lang: str) -> list[tuple[pd.DataFrame, str, dict]]:
    """``(tiles, legend name, colouring)`` per trace: one per group drawn, or the valued tiles on a colour scale
    and the others grey ("chưa có số liệu")."""
    if not scale:
        return [(part, str(group), {"color": part["colour"].iloc[0]}) for group, part in
                tiles.groupby("group", sort=False)]
    valued, blank = tiles[tiles["value"].notna()], tiles[tiles["value"].isna()]
    low, high = (valued["value"].min(), valued["value"].max()) if len(valued) else (0.0, 1.0)
    parts = [(valued, t("label.value", lang), {"color": list(valued["value"]), "colorscale": VALUE_SCALE,
                                               "cmin": low, "cmax": high if high > low else low + 1,
                                               "showscale": True, "colorbar": {"tickfont": {"size": TICK_SIZE}}})]
    if len(blank):
        parts.append((blank, status_label("no_data", lang), {"color": STATUS_COLOURS["no_data"]}))
    return [(part, name, colouring) for part, name, colouring in parts if len(part)]


def _ink_of(part: pd.DataFrame, colouring: dict) -> list[str]:
    if isinstance(colouring["color"], str):
        return [_ink(colouring["color"])] * len(part)
    span = (colouring["cmax"] - colouring["cmin"]) or 1
    return ["#ffffff" if (v - colouring["cmin"]) / span > 0.5 else "#111111" for v in part["value"]]


def district_tiles(tiles: pd.DataFrame, *, scale: bool = False, lang: str = "vi", title: str = "") -> go.Figure:
    """A schematic map: one square tile per district at its ``row`` (north at the top) and ``col`` (west on
    the left), with its name and figure, coloured by ``group`` (a legend entry per group drawn) or, when
    ``scale``, by ``value``. Each tile's ``customdata`` is its unit code, for a click to open the unit.

    ``tiles``: ``unit, unit_label, row, col, group, colour, value, text, hover``.
    """
    data = [{"type": "scatter", "mode": "markers+text", "x": list(part["col"]), "y": list(part["row"]),
             "name": name, "text": list("<b>" + part["unit_label"] + "</b><br>" + part["text"]),
             "textfont": {"size": TICK_SIZE, "color": _ink_of(part, colouring)}, "customdata": list(part["unit"]),
             "hovertext": list(part["hover"]), "hovertemplate": "%{hovertext}<extra></extra>",
             "marker": {"symbol": "square", "size": TILE_PX, "line": {"width": 3, "color": "white"}, **colouring}}
            for part, name, colouring in _tile_parts(tiles, scale, lang)]
    rows = int(tiles["row"].max()) + 1 if len(tiles) else 1
    hidden = {"visible": False, "fixedrange": True}
    return figure(data, title=title, height=ROW_PX * rows + 90, lang=lang, dragmode=False, clickmode="event+select",
                  xaxis={**hidden, "range": [-0.6, max(2, int(tiles["col"].max()) if len(tiles) else 2) + 0.6]},
                  yaxis={**hidden, "range": [rows - 0.4, -0.6]})


def district_choropleth(tiles: pd.DataFrame, shapes: dict, *, scale: bool = False, lang: str = "vi",
                        title: str = "") -> go.Figure:
    """The same colours on real boundaries (``shapes``: GeoJSON whose features carry ``properties.code``)."""
    data = []
    for part, name, colouring in _tile_parts(tiles, scale, lang):
        colour = colouring["color"]
        fill = {"z": colour, "colorscale": VALUE_SCALE, "zmin": colouring["cmin"], "zmax": colouring["cmax"],
                "colorbar": colouring["colorbar"]} if not isinstance(colour, str) else \
            {"z": [1] * len(part), "colorscale": [[0, colour], [1, colour]], "showscale": False, "showlegend": True}
        data.append({"type": "choropleth", "geojson": shapes, "featureidkey": "properties.code",
                     "locations": list(part["unit"]), "name": name, "customdata": list(part["unit"]),
                     "hovertext": list(part["hover"]), "hovertemplate": "%{hovertext}<extra></extra>",
                     "marker": {"line": {"color": "white", "width": 2}}, **fill})
    return figure(data, title=title, height=620, lang=lang, geo={"fitbounds": "locations", "visible": False})
