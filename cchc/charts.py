"""Pure chart functions: a tidy DataFrame in, a plotly Figure out, styled to be read on a projector.

Every chart shares one look (:func:`figure`: large fonts, legend on top) and one colour per status, so "đã
đạt" is the same green on every page. Labels come in already translated. Each figure is built in one
``go.Figure(data, layout)`` call from plain dicts and without plotly's validation (``st.plotly_chart``
validates the figure anyway, and the tests build every chart): a chart then costs about a millisecond
instead of tens (the pages' 300 ms budget holds several).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from cchc.completeness import COMPLETENESS_COLORS, COMPLETENESS_STATUSES
from cchc.i18n import status_label, t
from cchc.progress import STATUS_COLORS

FONT_SIZE = 18
STATUS_COLOURS: dict[str, str] = {**STATUS_COLORS, **COMPLETENESS_COLORS}
TIER_PALETTE: tuple[str, ...] = ("#1a7f37", "#7cc46b", "#f2c14e", "#f08a3c", "#d1362f")
SERIES_COLOUR = "#2166ac"
TARGET_COLOUR = "#b2182b"
PATH_COLOUR = "#737373"
SCORE_SCALE = [[0.0, "#d1362f"], [0.4, "#f08a3c"], [0.5, "#f2c14e"], [0.75, "#7cc46b"], [1.0, "#1a7f37"]]


def figure(data: list[dict], *, title: str = "", height: int | None = None, **layout: object) -> go.Figure:
    """The shared look around ``data`` (trace dicts): large fonts, legend above the plot, tight margins.

    Page colours come from Streamlit's theme; a plotly template is left out (applying one costs tens of ms).
    """
    base: dict[str, object] = {
        "font": {"size": FONT_SIZE},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "margin": {"l": 10, "r": 10, "t": 110 if title else 60, "b": 10},
        "hoverlabel": {"font": {"size": FONT_SIZE - 2}},
        "plot_bgcolor": "white",
    }
    if title:
        base["title"] = {"text": title, "font": {"size": FONT_SIZE + 4}, "x": 0, "xanchor": "left",
                         "y": 1, "yanchor": "top", "yref": "container", "pad": {"t": 12}}
    if height:
        base["height"] = height
    for axis in ("xaxis", "yaxis"):  # room for long Vietnamese labels, light grid on white
        base[axis] = {"automargin": True, "gridcolor": "#e5e5e5", "zerolinecolor": "#bdbdbd", **layout.pop(axis, {})}
    return go.Figure(data=data, layout={**base, **layout}, _validate=False)


def _row_height(rows: int, per_row: int = 34, minimum: int = 320) -> int:
    return max(minimum, 120 + per_row * rows)


def _colour(status: str) -> str:
    return STATUS_COLOURS.get(status, STATUS_COLOURS["no_data"])


def _level(value: float | None, label: str, colour: str, axis: str, dash: str = "solid") -> tuple[dict, dict]:
    """A reference line across the plot (``axis`` ``"y"``: horizontal) and its label, as shape/annotation dicts."""
    along = "x" if axis == "y" else "y"
    shape = {"type": "line", f"{along}ref": "paper", f"{along}0": 0, f"{along}1": 1, f"{axis}0": value,
             f"{axis}1": value, "line": {"color": colour, "width": 3, "dash": dash}}
    note = {f"{along}ref": "paper", along: 0 if axis == "y" else 1, axis: value, "text": f"{label} {value:g}",
            "showarrow": False, "font": {"color": colour}, "xanchor": "left",
            "yanchor": "bottom" if axis == "y" else "top"}
    return shape, note


def score_heatmap(scores: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """Units (rows) × task areas (columns) coloured by score in [−5, 5].

    ``scores``: ``unit_label, area_label, score, detail`` (``detail`` is shown on hover).
    """
    grid = scores.pivot_table(index="unit_label", columns="area_label", values="score", aggfunc="first", sort=False,
                              dropna=False)
    detail = scores.pivot_table(index="unit_label", columns="area_label", values="detail", aggfunc="first",
                                sort=False, dropna=False).reindex(index=grid.index, columns=grid.columns)
    score = t("label.score", lang)
    heat = {"type": "heatmap", "z": grid.to_numpy(dtype=float), "x": list(grid.columns), "y": list(grid.index),
            "zmin": -5, "zmax": 5, "colorscale": SCORE_SCALE, "xgap": 2, "ygap": 2,
            "customdata": detail.fillna("").to_numpy(dtype=object),
            "text": grid.map(lambda v: "" if pd.isna(v) else f"{v:.1f}").to_numpy(dtype=object),
            "texttemplate": "%{text}", "colorbar": {"title": {"text": score}},
            "hovertemplate": "<b>%{y}</b><br>%{x}<br>" + score + ": %{z:.1f}<br>%{customdata}<extra></extra>"}
    return figure([heat], title=title, height=_row_height(len(grid.index)) + 60,
                  yaxis={"autorange": "reversed"}, xaxis={"side": "top", "tickangle": 0})


def target_bullets(rows: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """One bar per target: the current value coloured by status, the path's value for the year and the target.

    ``rows``: ``label, value, path, target, projected, status`` (values in the indicator's scale, mostly %).
    """
    value = t("label.value", lang)
    data = [{"type": "bar", "orientation": "h", "y": list(rows["label"]), "x": list(rows["value"]), "name": value,
             "marker": {"color": [_colour(s) for s in rows["status"]]},
             "customdata": [status_label(s, lang) for s in rows["status"]],
             "hovertemplate": "%{y}<br>" + value + ": %{x:.1f}<br>%{customdata}<extra></extra>"}]
    for column, key, symbol, colour in (("path", "label.target_path", "line-ns", PATH_COLOUR),
                                        ("target", "label.target", "line-ns", TARGET_COLOUR),
                                        ("projected", "label.projection", "diamond-open", SERIES_COLOUR)):
        name = t(key, lang)
        data.append({"type": "scatter", "mode": "markers", "y": list(rows["label"]), "x": list(rows[column]),
                     "name": name, "hovertemplate": "%{y}<br>" + name + ": %{x:.1f}<extra></extra>",
                     "marker": {"symbol": symbol, "size": 22, "color": colour, "line": {"width": 4, "color": colour}}})
    return figure(data, title=title, height=_row_height(len(rows), per_row=44),
                  yaxis={"autorange": "reversed"}, xaxis={"range": [0, 105], "ticksuffix": "%"})


def indicator_series(series: pd.DataFrame, *, path: pd.DataFrame | None = None, target: float | None = None,
                     projection: pd.DataFrame | None = None, lang: str = "vi", title: str = "",
                     percent: bool = True) -> go.Figure:
    """An indicator over the years with its target path, target line and projection.

    ``series`` and ``path``: ``year, value``; ``projection``: ``year, value`` from the last observation on.
    """
    data = []
    if path is not None and not path.empty:
        data.append({"type": "scatter", "mode": "lines", "x": list(path["year"]), "y": list(path["value"]),
                     "name": t("label.target_path", lang), "line": {"color": PATH_COLOUR, "dash": "dot", "width": 3}})
    if projection is not None and not projection.empty:
        data.append({"type": "scatter", "mode": "lines+markers", "x": list(projection["year"]),
                     "y": list(projection["value"]), "name": t("label.projection", lang),
                     "line": {"color": SERIES_COLOUR, "dash": "dash", "width": 3},
                     "marker": {"symbol": "diamond-open", "size": 12}})
    data.append({"type": "scatter", "mode": "lines+markers", "x": list(series["year"]), "y": list(series["value"]),
                 "name": t("label.value", lang), "line": {"color": SERIES_COLOUR, "width": 4}, "marker": {"size": 12}})
    levels = [_level(target, t("label.target", lang), TARGET_COLOUR, "y")] if target is not None else []
    yaxis = {"ticksuffix": "%", "rangemode": "tozero"} if percent else {"rangemode": "tozero"}
    return figure(data, title=title, height=380, shapes=[s for s, _ in levels], annotations=[a for _, a in levels],
                  xaxis={"dtick": 1, "tickformat": "d"}, yaxis=yaxis)


def _score_colour(score: float) -> str:
    if pd.isna(score):
        return STATUS_COLOURS["no_data"]
    return TIER_PALETTE[min(4, max(0, int((5 - score) // 2)))]


def area_scores(scores: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """A unit's score per task area against its block's median. ``scores``: ``area_label, score, median``."""
    data = [{"type": "bar", "orientation": "h", "y": list(scores["area_label"]), "x": list(scores["score"]),
             "name": t("label.score", lang), "marker": {"color": [_score_colour(s) for s in scores["score"]]}},
            {"type": "scatter", "mode": "markers", "y": list(scores["area_label"]), "x": list(scores["median"]),
             "name": t("label.median", lang),
             "marker": {"symbol": "line-ns", "size": 26, "line": {"width": 4, "color": "#252525"}}}]
    return figure(data, title=title, height=_row_height(len(scores), per_row=48),
                  yaxis={"autorange": "reversed"}, xaxis={"range": [-5.2, 5.2], "zeroline": True})


def across_units(values: pd.DataFrame, *, milestone: float | None = None, target: float | None = None,
                 lang: str = "vi", title: str = "", percent: bool = True) -> go.Figure:
    """One indicator across units, sorted, with the milestone and target lines.

    ``values``: ``unit_label, value, status``.
    """
    ordered = values.dropna(subset=["value"]).sort_values("value", ascending=True)
    bar = {"type": "bar", "orientation": "h", "y": list(ordered["unit_label"]), "x": list(ordered["value"]),
           "text": [f"{v:.1f}".removesuffix(".0") for v in ordered["value"]], "textposition": "outside",
           "marker": {"color": [_colour(s) for s in ordered["status"]]}, "showlegend": False,
           "customdata": [status_label(s, lang) for s in ordered["status"]],
           "hovertemplate": "%{y}: %{x:.1f}<br>%{customdata}<extra></extra>"}
    if milestone == target:  # in the target year the milestone is the target: one line, one label
        milestone = None
    levels = [_level(level, t(key, lang), colour, "x", dash)
              for level, key, colour, dash in ((milestone, "label.milestone", PATH_COLOUR, "dot"),
                                               (target, "label.target", TARGET_COLOUR, "solid"))
              if level is not None and not pd.isna(level)]
    xaxis = {"ticksuffix": "%", "rangemode": "tozero"} if percent else {"rangemode": "tozero"}
    return figure([bar], title=title, height=_row_height(len(ordered), per_row=30), xaxis=xaxis,
                  shapes=[s for s, _ in levels], annotations=[a for _, a in levels])


def distribution(values: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """How units spread on each indicator of an area. ``values``: ``indicator_label, unit_label, value``."""
    data = [{"type": "box", "x": list(group["value"]), "name": str(label), "boxpoints": "all", "jitter": 0.4,
             "pointpos": 0, "text": list(group["unit_label"]), "marker": {"color": SERIES_COLOUR, "size": 9},
             "line": {"color": PATH_COLOUR}, "hovertemplate": "%{text}: %{x:.1f}<extra></extra>", "showlegend": False}
            for label, group in values.groupby("indicator_label", sort=False)]
    return figure(data, title=title, height=_row_height(values["indicator_label"].nunique(), per_row=70),
                  yaxis={"autorange": "reversed"}, xaxis={"title": {"text": t("label.value", lang)}})


def tier_colours(tiers: list[str]) -> dict[str, str]:
    """A colour per tier, best first (``tiers`` in order from best to worst): the best green, the worst red."""
    last = len(TIER_PALETTE) - 1
    step = last / max(1, len(tiers) - 1)
    return {tier: TIER_PALETTE[min(last, round(i * step))] for i, tier in enumerate(tiers)}


def ranking_bars(ranking: pd.DataFrame, tier_order: list[str], lang: str = "vi", title: str = "") -> go.Figure:
    """The ranking as bars of the index, coloured by tier. ``ranking``: ``rank, unit_label, index, tier``."""
    ordered = ranking.sort_values("rank")
    colours = tier_colours(tier_order)
    data = [{"type": "bar", "orientation": "h", "y": list(part["unit_label"]), "x": list(part["index"]),
             "name": tier, "marker": {"color": colours[tier]}, "text": [f"{v:.1f}" for v in part["index"]],
             "textposition": "outside", "hovertemplate": "%{y}: %{x:.2f}%<extra>" + tier + "</extra>"}
            for tier in tier_order if not (part := ordered[ordered["tier"] == tier]).empty]
    return figure(data, title=title, height=_row_height(len(ordered)),
                  yaxis={"autorange": "reversed", "categoryorder": "array",
                         "categoryarray": list(ordered["unit_label"])},
                  xaxis={"range": [0, 108], "ticksuffix": "%", "title": {"text": t("label.index", lang)}})


def completeness_matrix(frame: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """Units × periods, one colour per submission status. ``frame``: ``unit_label, period, status``."""
    codes = {status: i for i, status in enumerate(COMPLETENESS_STATUSES)}
    grid = frame.assign(code=frame["status"].map(codes)).pivot_table(
        index="unit_label", columns="period", values="code", aggfunc="first", sort=False)
    words = grid.map(lambda c: "" if pd.isna(c) else status_label(COMPLETENESS_STATUSES[int(c)], lang))
    n = len(COMPLETENESS_STATUSES)
    scale = [[edge, STATUS_COLOURS[s]] for i, s in enumerate(COMPLETENESS_STATUSES) for edge in (i / n, (i + 1) / n)]
    heat = {"type": "heatmap", "z": grid.to_numpy(dtype=float), "x": list(grid.columns), "y": list(grid.index),
            "zmin": -0.5, "zmax": n - 0.5, "colorscale": scale, "xgap": 3, "ygap": 3,
            "text": words.to_numpy(dtype=object), "texttemplate": "%{text}",
            "hovertemplate": "<b>%{y}</b><br>%{x}: %{text}<extra></extra>",
            "colorbar": {"tickvals": list(range(n)),
                         "ticktext": [status_label(s, lang) for s in COMPLETENESS_STATUSES]}}
    return figure([heat], title=title, height=_row_height(len(grid.index)),
                  yaxis={"autorange": "reversed"}, xaxis={"side": "top", "type": "category"})


def index_trend(trend: pd.DataFrame, series_names: Mapping[str, str], lang: str = "vi", title: str = "") -> go.Figure:
    """A PAR index line per series over the years. ``trend``: ``year, series, index``."""
    data = [{"type": "scatter", "mode": "lines+markers", "x": list(group["year"]), "y": list(group["index"]),
             "name": series_names.get(key, key), "line": {"width": 4}, "marker": {"size": 12},
             "hovertemplate": "%{x}: %{y:.1f}%<extra>" + series_names.get(key, key) + "</extra>"}
            for key, group in trend.groupby("series", sort=False)]
    return figure(data, title=title, height=360,
                  xaxis={"dtick": 1, "tickformat": "d", "title": {"text": t("label.year", lang)}},
                  yaxis={"ticksuffix": "%", "title": {"text": t("label.index", lang)}})
