"""Pure chart functions: a tidy DataFrame in, a plotly Figure out, styled to be read on a projector.

Every chart shares one look (:func:`style`: large fonts, white background) and one colour per status, so
"đã đạt" is the same green on every page. Labels come in already translated; these functions never
look anything up.
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
TIER_PALETTE: tuple[str, ...] = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027")
SERIES_COLOUR = "#2166ac"
TARGET_COLOUR = "#b2182b"
PATH_COLOUR = "#737373"
SCORE_SCALE = [[0.0, "#d73027"], [0.4, "#fc8d59"], [0.5, "#fee08b"], [0.75, "#91cf60"], [1.0, "#1a9850"]]


def style(fig: go.Figure, *, title: str = "", height: int | None = None) -> go.Figure:
    """The shared look: large fonts, white template, legend above the plot."""
    fig.update_layout(
        template="plotly_white",
        font={"size": FONT_SIZE},
        title={"text": title, "font": {"size": FONT_SIZE + 4}} if title else None,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"l": 10, "r": 10, "t": 70 if title else 40, "b": 10},
        hoverlabel={"font_size": FONT_SIZE - 2},
    )
    if height:
        fig.update_layout(height=height)
    return fig


def _row_height(rows: int, per_row: int = 34, minimum: int = 320) -> int:
    return max(minimum, 120 + per_row * rows)


def score_heatmap(scores: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """Units (rows) × task areas (columns) coloured by score in [−5, 5].

    ``scores``: ``unit_label, area_label, score, detail`` (``detail`` is shown on hover).
    """
    grid = scores.pivot_table(index="unit_label", columns="area_label", values="score", aggfunc="first", sort=False)
    detail = scores.pivot_table(index="unit_label", columns="area_label", values="detail", aggfunc="first",
                                sort=False).reindex(index=grid.index, columns=grid.columns)
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(dtype=float), x=list(grid.columns), y=list(grid.index), zmin=-5, zmax=5,
        colorscale=SCORE_SCALE, customdata=detail.fillna("").to_numpy(dtype=object),
        text=grid.round(1).to_numpy(dtype=float), texttemplate="%{text}", xgap=2, ygap=2,
        colorbar={"title": {"text": t("label.score", lang)}},
        hovertemplate="<b>%{y}</b><br>%{x}<br>" + t("label.score", lang) + ": %{z:.1f}<br>%{customdata}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=0)
    return style(fig, title=title, height=_row_height(len(grid.index)))


def target_bullets(rows: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """One bar per target: the current value coloured by status, the path's value for the year and the target.

    ``rows``: ``label, value, path, target, projected, status`` (values in the indicator's scale, mostly %).
    """
    fig = go.Figure()
    fig.add_bar(
        y=rows["label"], x=rows["value"], orientation="h", name=t("label.value", lang),
        marker_color=[STATUS_COLOURS.get(s, STATUS_COLOURS["no_data"]) for s in rows["status"]],
        customdata=[status_label(s, lang) for s in rows["status"]],
        hovertemplate="%{y}<br>" + t("label.value", lang) + ": %{x:.1f}<br>%{customdata}<extra></extra>",
    )
    for column, name, symbol, colour in (("path", "label.target_path", "line-ns", PATH_COLOUR),
                                         ("target", "label.target", "line-ns", TARGET_COLOUR),
                                         ("projected", "label.projection", "diamond-open", SERIES_COLOUR)):
        fig.add_scatter(y=rows["label"], x=rows[column], mode="markers", name=t(name, lang),
                        marker={"symbol": symbol, "size": 22, "color": colour, "line": {"width": 4, "color": colour}},
                        hovertemplate="%{y}<br>" + t(name, lang) + ": %{x:.1f}<extra></extra>")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(range=[0, 105], ticksuffix="%")
    return style(fig, title=title, height=_row_height(len(rows), per_row=44))


def indicator_series(series: pd.DataFrame, *, path: pd.DataFrame | None = None, target: float | None = None,
                     projection: pd.DataFrame | None = None, lang: str = "vi", title: str = "",
                     percent: bool = True) -> go.Figure:
    """An indicator over the years with its target path, target line and projection.

    ``series`` and ``path``: ``year, value``; ``projection``: ``year, value`` from the last observation on.
    """
    fig = go.Figure()
    if path is not None and not path.empty:
        fig.add_scatter(x=path["year"], y=path["value"], mode="lines", name=t("label.target_path", lang),
                        line={"color": PATH_COLOUR, "dash": "dot", "width": 3})
    if projection is not None and not projection.empty:
        fig.add_scatter(x=projection["year"], y=projection["value"], mode="lines+markers",
                        name=t("label.projection", lang), line={"color": SERIES_COLOUR, "dash": "dash", "width": 3},
                        marker={"symbol": "diamond-open", "size": 12})
    fig.add_scatter(x=series["year"], y=series["value"], mode="lines+markers", name=t("label.value", lang),
                    line={"color": SERIES_COLOUR, "width": 4}, marker={"size": 12})
    if target is not None:
        fig.add_hline(y=target, line={"color": TARGET_COLOUR, "width": 3},
                      annotation_text=f"{t('label.target', lang)} {target:g}", annotation_position="top left")
    fig.update_xaxes(dtick=1, tickformat="d")
    if percent:
        fig.update_yaxes(ticksuffix="%", rangemode="tozero")
    return style(fig, title=title, height=380)


def area_scores(scores: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """A unit's score per task area against its block's median. ``scores``: ``area_label, score, median``."""
    fig = go.Figure()
    fig.add_bar(y=scores["area_label"], x=scores["score"], orientation="h", name=t("label.score", lang),
                marker_color=[_score_colour(s) for s in scores["score"]])
    fig.add_scatter(y=scores["area_label"], x=scores["median"], mode="markers", name=t("label.median", lang),
                    marker={"symbol": "line-ns", "size": 26, "line": {"width": 4, "color": "#252525"}})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(range=[-5.2, 5.2], zeroline=True)
    return style(fig, title=title, height=_row_height(len(scores), per_row=48))


def _score_colour(score: float) -> str:
    if pd.isna(score):
        return STATUS_COLOURS["no_data"]
    return TIER_PALETTE[min(4, max(0, int((5 - score) // 2)))]


def across_units(values: pd.DataFrame, *, milestone: float | None = None, target: float | None = None,
                 lang: str = "vi", title: str = "", percent: bool = True) -> go.Figure:
    """One indicator across units, sorted, with the milestone and target lines.

    ``values``: ``unit_label, value, status``.
    """
    ordered = values.dropna(subset=["value"]).sort_values("value", ascending=True)
    fig = go.Figure(go.Bar(
        y=ordered["unit_label"], x=ordered["value"], orientation="h",
        marker_color=[STATUS_COLOURS.get(s, STATUS_COLOURS["no_data"]) for s in ordered["status"]],
        customdata=[status_label(s, lang) for s in ordered["status"]],
        hovertemplate="%{y}: %{x:.1f}<br>%{customdata}<extra></extra>", showlegend=False,
    ))
    for level, name, colour, dash in ((milestone, "label.milestone", PATH_COLOUR, "dot"),
                                      (target, "label.target", TARGET_COLOUR, "solid")):
        if level is not None and not pd.isna(level):
            fig.add_vline(x=level, line={"color": colour, "width": 3, "dash": dash},
                          annotation_text=f"{t(name, lang)} {level:g}", annotation_position="top")
    if percent:
        fig.update_xaxes(ticksuffix="%", rangemode="tozero")
    return style(fig, title=title, height=_row_height(len(ordered), per_row=30))


def distribution(values: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """How units spread on each indicator of an area. ``values``: ``indicator_label, unit_label, value``."""
    fig = go.Figure()
    for label, group in values.groupby("indicator_label", sort=False):
        fig.add_box(x=group["value"], name=str(label), boxpoints="all", jitter=0.4, pointpos=0,
                    text=group["unit_label"], marker={"color": SERIES_COLOUR, "size": 9}, line={"color": PATH_COLOUR},
                    hovertemplate="%{text}: %{x:.1f}<extra></extra>", showlegend=False)
    fig.update_yaxes(autorange="reversed")
    return style(fig, title=title, height=_row_height(values["indicator_label"].nunique(), per_row=70))


def tier_colours(tiers: list[str]) -> dict[str, str]:
    """A colour per tier, best first (``tiers`` in order from best to worst)."""
    return {tier: TIER_PALETTE[min(i, len(TIER_PALETTE) - 1)] for i, tier in enumerate(tiers)}


def ranking_bars(ranking: pd.DataFrame, tier_order: list[str], lang: str = "vi", title: str = "") -> go.Figure:
    """The ranking as bars of the index, coloured by tier. ``ranking``: ``rank, unit_label, index, tier``."""
    ordered = ranking.sort_values("rank")
    colours = tier_colours(tier_order)
    fig = go.Figure()
    for tier in tier_order:
        part = ordered[ordered["tier"] == tier]
        if not part.empty:
            fig.add_bar(y=part["unit_label"], x=part["index"], orientation="h", name=tier, marker_color=colours[tier],
                        text=part["index"].map("{:.1f}".format), textposition="outside",
                        hovertemplate="%{y}: %{x:.2f}%<extra>" + tier + "</extra>")
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=list(ordered["unit_label"]))
    fig.update_xaxes(range=[0, 105], ticksuffix="%", title=t("label.index", lang))
    return style(fig, title=title, height=_row_height(len(ordered)))


def completeness_matrix(frame: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """Units × periods, one colour per submission status. ``frame``: ``unit_label, period, status``."""
    codes = {status: i for i, status in enumerate(COMPLETENESS_STATUSES)}
    grid = frame.assign(code=frame["status"].map(codes)).pivot_table(
        index="unit_label", columns="period", values="code", aggfunc="first", sort=False)
    words = grid.map(lambda c: "" if pd.isna(c) else status_label(COMPLETENESS_STATUSES[int(c)], lang))
    n = len(COMPLETENESS_STATUSES)
    scale = [[edge, STATUS_COLOURS[s]] for i, s in enumerate(COMPLETENESS_STATUSES) for edge in (i / n, (i + 1) / n)]
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(dtype=float), x=list(grid.columns), y=list(grid.index), zmin=-0.5, zmax=n - 0.5,
        colorscale=scale, text=words.to_numpy(dtype=object), texttemplate="%{text}", xgap=3, ygap=3,
        hovertemplate="<b>%{y}</b><br>%{x}: %{text}<extra></extra>",
        colorbar={"tickvals": list(range(n)), "ticktext": [status_label(s, lang) for s in COMPLETENESS_STATUSES]},
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", type="category")
    return style(fig, title=title, height=_row_height(len(grid.index)))


def index_trend(trend: pd.DataFrame, series_names: Mapping[str, str], lang: str = "vi", title: str = "") -> go.Figure:
    """A PAR index line per series over the years. ``trend``: ``year, series, index``."""
    fig = go.Figure()
    for key, group in trend.groupby("series", sort=False):
        fig.add_scatter(x=group["year"], y=group["index"], mode="lines+markers+text", name=series_names.get(key, key),
                        text=group["index"].map("{:.1f}".format), textposition="top center",
                        line={"width": 4}, marker={"size": 12})
    fig.update_xaxes(dtick=1, tickformat="d", title=t("label.year", lang))
    fig.update_yaxes(ticksuffix="%", title=t("label.index", lang))
    return style(fig, title=title, height=360)
