"""Charts and tables as every page shows them (styled for a projector, figures written the Vietnamese way)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cchc import charts
from cchc.dashboard import common
from pages._data import lang, series


def chart(figure, key: str) -> None:
    """A figure as :mod:`cchc.charts` styled it (large fonts for a projector), not re-themed by Streamlit."""
    st.plotly_chart(figure, theme=None, key=key, config={"displaylogo": False})



def show_table(frame: pd.DataFrame, key: str, *, labels: str | None = None,
               legend: dict[str, str] | None = None) -> None:
    """A table with figures written the Vietnamese way (``1.234,5``, ``–`` when blank) and right-aligned;
    ``labels`` names a column shown as coloured labels (colours from ``legend``)."""
    figures = [column for column in frame.columns if frame[column].dtype.kind == "f"]
    frame = common.as_text(frame, figures, lang())
    config = {column: st.column_config.TextColumn(alignment="right") for column in figures}
    if labels is not None and legend is not None:
        frame = common.as_labels(frame, labels)
        config[labels] = st.column_config.MultiselectColumn(options=list(legend), color=list(legend.values()))
    st.dataframe(frame, hide_index=True, column_config=config, key=key)


def series_chart(unit: str, code: str, key: str) -> None:
    """One indicator of one unit over time: observed values, target path, target line, projection."""
    line = series(unit, code)
    chart(charts.indicator_series(line.observed, path=line.path, target=line.target, projection=line.projection,
                                  lang=lang(), title=line.title, percent=line.percent), key=key)
