"""Pure chart functions: a tidy DataFrame in, a plotly Figure out, styled to be read on a projector.

Every chart shares one look (:func:`figure`: large fonts, legend on top, the language's number format) and one
colour per status, so "đã đạt" is the same green on every page. The legend names exactly the colours and lines
drawn (a status without a bar, or a projection that is not there, is not listed); reference lines are legend
entries rather than labels on the plot, so no label sits on the data. Tooltips carry their figures already
written by :mod:`cchc.numbers` (value with its unit, milestone, target, status, report period).

Each figure is built in one ``go.Figure(data, layout)`` call from plain dicts and without plotly's validation
(``st.plotly_chart`` validates the figure anyway, and the tests build every chart): a chart then costs about a
millisecond instead of tens.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from cchc.completeness import COMPLETENESS_STATUSES
from cchc.frames import tuples
from cchc.i18n import status_label, t
from cchc.labels import STATUS_COLOURS
from cchc.numbers import DECIMALS, measure_text, number_text, separators

FONT_SIZE = 18
TICK_SIZE = 15
TIER_PALETTE: tuple[str, ...] = ("#1a7f37", "#7cc46b", "#f2c14e", "#f08a3c", "#d1362f")
SERIES_COLOUR = "#2166ac"
TARGET_COLOUR = "#b2182b"
PATH_COLOUR = "#737373"
SCORE_SCALE = [[0.0, "#d1362f"], [0.4, "#f08a3c"], [0.5, "#f2c14e"], [0.75, "#7cc46b"], [1.0, "#1a7f37"]]
LABEL_WIDTH = 40  # characters of an indicator name per line on an axis
TITLE_WIDTH = 60  # characters of a chart title per line


def wrapped(text: str, width: int) -> str:
    """``text`` broken into lines of about ``width`` characters (``<br>`` between them) for a chart label."""
    return "<br>".join(textwrap.wrap(str(text), width)) or str(text)


def _lines(text: str) -> int:
    return text.count("<br>") + 1


def figure(data: list[dict], *, title: str = "", height: int | None = None, lang: str = "vi",
           **layout: Any) -> go.Figure:
    """The shared look around ``data`` (trace dicts): large fonts, legend above the plot, tight margins, the
    language's decimal and thousands marks. A long ``title`` is wrapped, and the plot moves down to make room.

    Page colours come from Streamlit's theme; a plotly template is left out (applying one costs tens of ms).
    """
    base: dict[str, Any] = {
        "font": {"size": FONT_SIZE},
        "separators": separators(lang),
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "font": {"size": TICK_SIZE + 1}},
        "margin": {"l": 10, "r": 20, "t": 40, "b": 10},
        "hoverlabel": {"font": {"size": FONT_SIZE - 2}, "align": "left"},
        "plot_bgcolor": "white",
    }
    if title:  # the title at the top, the legend (one row) between it and the plot
        text = wrapped(title, TITLE_WIDTH)
        base["title"] = {"text": text, "font": {"size": FONT_SIZE + 2}, "x": 0, "xanchor": "left", "y": 1,
                         "yanchor": "top", "yref": "container", "pad": {"t": 10}}
        base["margin"]["t"] = 50 + 28 * _lines(text)
    if height:
        base["height"] = height
    for axis in ("xaxis", "yaxis"):  # room for long Vietnamese labels, light grid on white
        base[axis] = {"automargin": True, "gridcolor": "#e5e5e5", "zerolinecolor": "#bdbdbd",
                      "tickfont": {"size": TICK_SIZE}, "ticklabelstandoff": 6, **layout.pop(axis, {})}
    return go.Figure(data=data, layout={**base, **layout}, _validate=False)


def _row_height(rows: int, per_row: int = 34, minimum: int = 320) -> int:
    return max(minimum, 140 + per_row * rows)


def _colour(status: str) -> str:
    return STATUS_COLOURS.get(status, STATUS_COLOURS["no_data"])


def _key(name: str, colour: str, *, dash: str = "solid", symbol: str | None = None) -> dict:
    """A legend entry with nothing drawn: the key to a reference line (a shape) or a marker."""
    style = {"mode": "markers", "marker": {"symbol": symbol, "size": 14, "color": colour,
                                           "line": {"width": 3, "color": colour}}} if symbol else \
        {"mode": "lines", "line": {"color": colour, "width": 3, "dash": dash}}
    return {"type": "scatter", "x": [None], "y": [None], "name": name, "hoverinfo": "skip", **style}


def _level(value: float, name: str, colour: str, axis: str, dash: str = "solid") -> tuple[dict, dict]:
    """A reference line across the plot (``axis`` ``"y"``: horizontal) as a shape, and its legend entry."""
    along = "x" if axis == "y" else "y"
    shape = {"type": "line", f"{along}ref": "paper", f"{along}0": 0, f"{along}1": 1, f"{axis}0": value,
             f"{axis}1": value, "line": {"color": colour, "width": 3, "dash": dash}}
    return shape, _key(name, colour, dash=dash)


def _levels(levels: list[tuple[float | None, str, str, str]], axis: str, measure: str, lang: str
            ) -> tuple[list[dict], list[dict]]:
    """Shapes and legend entries of ``(value, label key, colour, dash)`` lines that have a value."""
    drawn = [_level(value, f"{t(key, lang)}: {measure_text(value, measure, lang)}", colour, axis, dash)
             for value, key, colour, dash in levels if value is not None and not pd.isna(value)]
    return [shape for shape, _ in drawn], [key for _, key in drawn]


def _status_bars(rows: pd.DataFrame, y: str, x: str, lang: str, hover: list[str],
                 text: list[str] | None = None) -> list[dict]:
    """Horizontal bars of ``rows``, one trace per status drawn (so the legend names each colour shown), with
    ``hover`` as each bar's tooltip and ``text`` (if given) written beside it."""
    rows = rows.assign(_hover=hover, _text=text if text is not None else "")
    # the figure inside the bar's end (a reference line across the bars never crosses it), outside a short bar
    shown = {"textposition": "auto", "insidetextanchor": "end", "cliponaxis": False} if text is not None else {}
    rows = rows.dropna(subset=[x])
    return [{"type": "bar", "orientation": "h", "y": list(part[y]), "x": list(part[x]),
             "name": status_label(str(status), lang), "marker": {"color": _colour(str(status))},
             "customdata": list(part["_hover"]), "hovertemplate": "%{customdata}<extra></extra>",
             **({"text": list(part["_text"])} if text is not None else {}), **shown}
            for status, part in rows.groupby("status", sort=False)]


def score_heatmap(scores: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """Units (rows) × task areas (columns) coloured by score in [−5, 5].

    ``scores``: ``unit_label, area_label, score, detail`` (``detail`` is shown on hover).
    """
    grid = scores.pivot_table(index="unit_label", columns="area_label", values="score", aggfunc="first", sort=False,
                              dropna=False)
    detail = scores.pivot_table(index="unit_label", columns="area_label", values="detail", aggfunc="first",
                                sort=False, dropna=False).reindex(index=grid.index, columns=grid.columns)
    score = t("label.score", lang)
    text = grid.map(lambda v: "" if pd.isna(v) else number_text(v, lang, DECIMALS["score"]))
    heat = {"type": "heatmap", "z": grid.to_numpy(dtype=float), "x": list(grid.columns), "y": list(grid.index),
            "zmin": -5, "zmax": 5, "colorscale": SCORE_SCALE, "xgap": 2, "ygap": 2,
            "customdata": detail.fillna("").to_numpy(dtype=object), "text": text.to_numpy(dtype=object),
            "texttemplate": "%{text}", "textfont": {"size": TICK_SIZE},
            "colorbar": {"title": {"text": score}, "tickfont": {"size": TICK_SIZE}},
            "hovertemplate": "<b>%{y}</b><br>%{customdata}<br>" + score + ": %{text}<extra></extra>"}
    return figure([heat], title=title, height=_row_height(len(grid.index), per_row=30) + 60, lang=lang,
                  yaxis={"autorange": "reversed"}, xaxis={"side": "top", "tickangle": 0})


def _target_hover(row, lang: str) -> str:
    """A target's tooltip: its full name, value, milestone, target with its year, status, report period."""
    lines = [f"<b>{wrapped(row.label, 50)}</b>",
             f"{t('label.value', lang)}: {measure_text(row.value, 'percent', lang)}",
             f"{t('label.milestone', lang)}: {measure_text(row.path, 'percent', lang)}",
             f"{t('label.target', lang)} {row.target_year}: {row.comparison} "
             f"{measure_text(row.target, 'percent', lang)}",
             f"{t('label.status', lang)}: {status_label(row.status, lang)}"]
    if row.source:
        lines.append(f"{t('label.source', lang)}: {row.source}")
    return "<br>".join(lines)


def target_bullets(rows: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """One bar per target: the current value coloured by status, the milestone of the year, the target and the
    projection as markers (each in the legend only when drawn).

    ``rows``: ``label, value, path, target, comparison, target_year, projected, status, source`` (values in
    percent); ``label`` (code and full name) is wrapped on the axis.
    """
    hover = [_target_hover(r, lang) for r in tuples(rows, index=True)]
    rows = rows.assign(axis=[wrapped(label, LABEL_WIDTH) for label in rows["label"]],
                       path=rows["path"].where(rows["path"] != rows["target"]))  # in the target year: one mark
    data = _status_bars(rows, "axis", "value", lang, hover)
    if rows["value"].isna().any():
        data.append(_no_data(list(rows.loc[rows["value"].isna(), "axis"]), 0, lang))
    for column, key, symbol, colour in (("path", "label.milestone", "line-ns", PATH_COLOUR),
                                        ("target", "label.target", "line-ns", TARGET_COLOUR),
                                        ("projected", "label.projection", "diamond-open", SERIES_COLOUR)):
        if rows[column].notna().any():
            name = t(key, lang)
            data.append({"type": "scatter", "mode": "markers", "y": list(rows["axis"]), "x": list(rows[column]),
                         "name": name, "hovertemplate": "%{y}<br>" + name + ": %{x:.1f}%<extra></extra>",
                         "marker": {"symbol": symbol, "size": 22, "color": colour,
                                    "line": {"width": 4, "color": colour}}})
    lines = max((_lines(a) for a in rows["axis"]), default=1)
    return figure(data, title=title, height=_row_height(len(rows), per_row=20 + 18 * lines), lang=lang,
                  barmode="overlay", yaxis={"autorange": "reversed", "categoryorder": "array",
                                            "categoryarray": list(rows["axis"])},
                  xaxis={"range": [0, 105], "ticksuffix": "%"})


def indicator_series(series: pd.DataFrame, *, path: pd.DataFrame | None = None, target: float | None = None,
                     projection: pd.DataFrame | None = None, lang: str = "vi", title: str = "",
                     measure: str = "percent") -> go.Figure:
    """An indicator over the years with its target path, target line (a legend entry, not a label on the
    data) and projection.

    ``series`` and ``path``: ``year, value``; ``projection``: ``year, value`` from the last observation on.
    """
    def hover(name: str, frame: pd.DataFrame) -> dict:
        return {"customdata": [measure_text(v, measure, lang) for v in frame["value"]],
                "hovertemplate": "%{x}<br>" + name + ": %{customdata}<extra></extra>"}

    data = []
    if path is not None and not path.empty:
        name = t("label.target_path", lang)
        data.append({"type": "scatter", "mode": "lines", "x": list(path["year"]), "y": list(path["value"]),
                     "name": name, "line": {"color": PATH_COLOUR, "dash": "dot", "width": 3}, **hover(name, path)})
    if projection is not None and not projection.empty:
        name = t("label.projection", lang)
        data.append({"type": "scatter", "mode": "lines+markers", "x": list(projection["year"]),
                     "y": list(projection["value"]), "name": name,
                     "line": {"color": SERIES_COLOUR, "dash": "dash", "width": 3},
                     "marker": {"symbol": "diamond-open", "size": 12}, **hover(name, projection)})
    name = t("label.value", lang)
    data.append({"type": "scatter", "mode": "lines+markers", "x": list(series["year"]), "y": list(series["value"]),
                 "name": name, "line": {"color": SERIES_COLOUR, "width": 4}, "marker": {"size": 12},
                 **hover(name, series)})
    shapes, keys = _levels([(target, "label.target", TARGET_COLOUR, "solid")], "y", measure, lang)
    percent = measure in ("percent", "yes_no")
    yaxis = {"ticksuffix": "%", "range": [0, 105]} if percent else {"rangemode": "tozero"}
    return figure([*data, *keys], title=title, height=400, shapes=shapes, lang=lang,
                  xaxis={"dtick": 1, "tickformat": "d"}, yaxis=yaxis)


def area_scores(scores: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """A unit's score per task area against its block's median; an area without a score says so in words.

    ``scores``: ``area_label, score, median``.
    """
    fmt = [number_text(v, lang, DECIMALS["score"]) for v in scores["score"]]
    data = [{"type": "bar", "orientation": "h", "y": list(scores["area_label"]), "x": list(scores["score"]),
             "name": t("label.score", lang), "marker": {"color": SERIES_COLOUR}, "customdata": fmt,
             "hovertemplate": "%{y}<br>" + t("label.score", lang) + ": %{customdata}<extra></extra>"},
            {"type": "scatter", "mode": "markers", "y": list(scores["area_label"]), "x": list(scores["median"]),
             "name": t("label.median", lang), "hovertemplate": "%{y}<br>%{fullData.name}: %{x:.1f}<extra></extra>",
             "marker": {"symbol": "line-ns", "size": 26, "color": "#252525", "line": {"width": 4, "color": "#252525"}}}]
    blank = scores[scores["score"].isna()]
    if len(blank):
        data.append(_no_data(list(blank["area_label"]), -5, lang))
    return figure(data, title=title, height=_row_height(len(scores), per_row=52), lang=lang,
                  yaxis={"autorange": "reversed"}, xaxis={"range": [-5.2, 5.2], "zeroline": True})


def _no_data(labels: list[str], at: float, lang: str) -> dict:
    """Words in place of a missing bar (a grey legend entry says what they mean)."""
    word = status_label("no_data", lang)
    return {"type": "scatter", "mode": "text", "y": labels, "x": [at] * len(labels), "text": [word] * len(labels),
            "textposition": "middle right", "textfont": {"color": "#6b6b6b", "size": TICK_SIZE},
            "name": word, "hoverinfo": "skip", "showlegend": False}


def across_units(values: pd.DataFrame, *, milestone: float | None = None, target: float | None = None,
                 lang: str = "vi", title: str = "", measure: str = "percent") -> go.Figure:
    """One indicator across units, sorted best on top, with the milestone and target lines; a unit without a
    figure stays on the chart (at the bottom, "chưa có số liệu").

    ``values``: ``unit_label, value, status``.
    """
    ordered = values.sort_values("value", ascending=True, na_position="first")
    shown = ordered.dropna(subset=["value"])
    texts = [measure_text(v, measure, lang) for v in shown["value"]]
    levels = "".join(f"<br>{t(key, lang)}: {measure_text(level, measure, lang)}" for level, key in (
        (milestone, "label.milestone"), (target, "label.target")) if level is not None and not pd.isna(level))
    hover = [f"<b>{u}</b><br>{t('label.value', lang)}: {v}{levels}<br>{t('label.status', lang)}: "
             f"{status_label(s, lang)}" for u, v, s in zip(shown["unit_label"], texts, shown["status"], strict=True)]
    bars = _status_bars(shown, "unit_label", "value", lang, hover, texts)
    if milestone == target:  # in the target year the milestone is the target: one line
        milestone = None
    shapes, keys = _levels([(milestone, "label.milestone", PATH_COLOUR, "dot"),
                            (target, "label.target", TARGET_COLOUR, "solid")], "x", measure, lang)
    blank = ordered[ordered["value"].isna()]
    extra = [_no_data(list(blank["unit_label"]), 0, lang)] if len(blank) else []
    top = max([100.0 if measure in ("percent", "yes_no") else 0.0, *shown["value"], *(
        v for v in (milestone, target) if v is not None and not pd.isna(v))])
    xaxis: dict[str, Any] = {"range": [0, top * 1.15 or 1]}
    if measure in ("percent", "yes_no"):
        xaxis["ticksuffix"] = "%"
    return figure([*bars, *keys, *extra], title=title, height=_row_height(len(ordered), per_row=32), lang=lang,
                  xaxis=xaxis, shapes=shapes, barmode="overlay",
                  yaxis={"categoryorder": "array", "categoryarray": list(ordered["unit_label"])})


def distribution(values: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """How units spread on each indicator of an area. ``values``: ``indicator_label, unit_label, value``."""
    data = [{"type": "box", "x": list(group["value"]), "name": wrapped(str(label), LABEL_WIDTH), "boxpoints": "all",
             "jitter": 0.4, "pointpos": 0, "text": list(group["unit_label"]),
             "marker": {"color": SERIES_COLOUR, "size": 9}, "line": {"color": PATH_COLOUR},
             "hovertemplate": "%{text}: %{x:.1f}%<extra></extra>", "showlegend": False}
            for label, group in values.groupby("indicator_label", sort=False)]
    return figure(data, title=title, height=_row_height(values["indicator_label"].nunique(), per_row=80), lang=lang,
                  yaxis={"autorange": "reversed"}, xaxis={"title": {"text": t("label.value", lang)},
                                                          "ticksuffix": "%"})


def tier_colours(tiers: list[str]) -> dict[str, str]:
    """A colour per tier, best first (``tiers`` in order from best to worst): the best green, the worst red."""
    last = len(TIER_PALETTE) - 1
    step = last / max(1, len(tiers) - 1)
    return {tier: TIER_PALETTE[min(last, round(i * step))] for i, tier in enumerate(tiers)}


def ranking_bars(ranking: pd.DataFrame, tier_order: list[str], lang: str = "vi", title: str = "") -> go.Figure:
    """The ranking as bars of the index, coloured by tier. ``ranking``: ``rank, unit_label, index, tier``."""
    ordered = ranking.sort_values("rank")
    colours = tier_colours(tier_order)
    places = DECIMALS["index"]
    data = [{"type": "bar", "orientation": "h", "y": list(part["unit_label"]), "x": list(part["index"]),
             "name": tier, "marker": {"color": colours[tier]},
             "text": [number_text(v, lang, places) + "%" for v in part["index"]], "textposition": "outside",
             "cliponaxis": False, "hovertemplate": "%{y}: %{text}<extra>" + tier + "</extra>"}
            for tier in tier_order if not (part := ordered[ordered["tier"] == tier]).empty]
    return figure(data, title=title, height=_row_height(len(ordered)), lang=lang,
                  yaxis={"autorange": "reversed", "categoryorder": "array",
                         "categoryarray": list(ordered["unit_label"])},
                  xaxis={"range": [0, 112], "ticksuffix": "%", "title": {"text": t("label.index", lang)}})


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
            "text": words.to_numpy(dtype=object), "texttemplate": "%{text}", "textfont": {"size": TICK_SIZE},
            "hovertemplate": "<b>%{y}</b><br>%{x}: %{text}<extra></extra>",
            "colorbar": {"tickvals": list(range(n)), "tickfont": {"size": TICK_SIZE},
                         "ticktext": [status_label(s, lang) for s in COMPLETENESS_STATUSES]}}
    return figure([heat], title=title, height=_row_height(len(grid.index), per_row=30), lang=lang,
                  yaxis={"autorange": "reversed"}, xaxis={"side": "top", "type": "category"})


def index_trend(trend: pd.DataFrame, series_names: Mapping[str, str], lang: str = "vi", title: str = "") -> go.Figure:
    """A PAR index line per series over the years. ``trend``: ``year, series, index``."""
    data = [{"type": "scatter", "mode": "lines+markers", "x": list(group["year"]), "y": list(group["index"]),
             "name": series_names.get(str(key), str(key)), "line": {"width": 4}, "marker": {"size": 12},
             "hovertemplate": "%{x}: %{y:.2f}%<extra>" + series_names.get(str(key), str(key)) + "</extra>"}
            for key, group in trend.groupby("series", sort=False)]
    return figure(data, title=title, height=360, lang=lang,
                  xaxis={"dtick": 1, "tickformat": "d", "title": {"text": t("label.year", lang)}},
                  yaxis={"ticksuffix": "%", "title": {"text": t("label.index", lang)}})
