"""Charts and tables as every page shows them (styled for a projector, figures written the language's way)."""

from __future__ import annotations

from collections.abc import Callable, Hashable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cchc import charts
from cchc.dashboard import common
from cchc.i18n import t
from pages._data import block, data_key, lang, official, period, series, store

ROW_PX = 36
CHART_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}  # no toolbar over the legend


@st.cache_resource(show_spinner=False, max_entries=256)
def _figure(key: str, choices: tuple[Hashable, ...], _build: Callable[[], go.Figure]) -> go.Figure:
    return _build()


def figure(build: Callable[[], go.Figure], key: str, choices: tuple[Hashable, ...] = ()) -> go.Figure:
    """The chart ``build`` makes, built once per chart ``key``, data version, sidebar choices and the page's own
    ``choices`` (everything its data depends on besides the sidebar) and shared by every session: building one
    took 5–35 ms of a page run; st.plotly_chart only reads the figure."""
    return _figure(key, (*data_key(), official(), period(), block(), lang(), *choices), build)


def chart(build: Callable[[], go.Figure], key: str, title: str = "", choices: tuple[Hashable, ...] = ()) -> None:
    """A figure as :mod:`cchc.charts` styled it (large fonts for a projector), not re-themed by Streamlit, built
    once (see :func:`figure`); ``title`` above it as a heading, which wraps with the column however narrow (a
    plotly title would be cut)."""
    if title:
        st.markdown(f"##### {title}")
    st.plotly_chart(figure(build, key, choices), theme=None, key=key, config=CHART_CONFIG)


def show_table(frame: pd.DataFrame, key: str, *, labels: str | None = None,
               legend: dict[str, str] | None = None, decimals: int = 1, right: tuple[str, ...] = (),
               rows: int | None = None, hidden: tuple[str, ...] = ()) -> None:
    """A table that fits the page (:func:`cchc.dashboard.common.column_widths`) with figures written the
    language's way (``1.234,5`` / ``1,234.5`` with ``decimals`` places, ``–`` when blank) and right-aligned, as
    are the already written figures of ``right``; ``labels`` names a column shown as coloured labels (colours
    from ``legend``); ``rows`` rows are shown without scrolling (default: Streamlit's height); the ``hidden``
    columns start hidden (the table's toolbar shows them)."""
    figures = [column for column in frame.columns if frame[column].dtype.kind == "f"]
    frame = common.as_text(frame, figures, lang(), decimals)
    widths = common.column_widths(frame.drop(columns=list(hidden)))
    config = {column: st.column_config.Column(width=widths[column],
                                              alignment="right" if column in (*figures, *right) else None)
              if column in widths else None for column in frame.columns}
    if labels is not None and legend is not None:
        frame = common.as_labels(frame, labels)
        config[labels] = st.column_config.MultiselectColumn(options=list(legend), color=list(legend.values()),
                                                            width=widths[labels])
    height = ROW_PX * (min(len(frame), rows) + 1) + 3 if rows else "auto"  # the header row, the border
    st.dataframe(frame, hide_index=True, column_config=config, key=key, height=height, row_height=ROW_PX)


def series_chart(unit: str, code: str, key: str) -> None:
    """One indicator of one unit over time: observed values, target path, target line, projection."""
    line = series(unit, code)
    chart(lambda: charts.indicator_series(line.observed, path=line.path, target=line.target,
                                          projection=line.projection, lang=lang(), measure=line.measure),
          key=key, title=line.title, choices=(unit, code))


def evidence_files(files: pd.DataFrame, key: str) -> None:
    """Evidence files (rows of ``Store.evidence``) with their description, uploader and a download button each;
    a file's bytes are read only when it is downloaded."""
    for row in files.itertuples():
        left, right = st.columns([3, 1], vertical_alignment="center")
        note = f"  \n{common.literal(row.note)}" if row.note else ""
        left.markdown(f"**{row.criterion}** · {common.literal(row.file_name)} · {row.size / 1024:,.0f} KB · "
                      f"{common.literal(row.uploaded_by)}, {common.when(row.uploaded_at)}{note}")
        right.download_button(t("evidence.download", lang(), name=common.literal(row.file_name)),
                              lambda sha256=row.sha256: store().raw_file(sha256), file_name=row.file_name,
                              mime=row.media_type, icon=":material/download:", key=f"{key}_{row.id}",
                              on_click="ignore")
