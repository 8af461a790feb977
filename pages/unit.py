"""Đơn vị: one unit's indicators, their paths to the targets, its area scores and its submissions."""

import streamlit as st

from cchc import charts
from cchc.i18n import KEY_UNIT, t
from pages import _choices, _data, _downloads, _widgets

lang, year = _data.lang(), _data.year()
units = _choices.unit_choices()
st.title(t("page.unit", lang))
if not units:
    st.info(t("empty.no_data", lang), icon=":material/info:")
    st.stop()

_choices.follow_link(KEY_UNIT, units)
unit = st.selectbox(t("unit.pick", lang), list(units), format_func=units.get, key=KEY_UNIT)
view = _data.unit_view(unit)
st.header(view.name)
if view.returned:
    st.warning(t("unit.returned", lang, period=_data.period()), icon=":material/undo:")

st.subheader(t("unit.indicators", lang))
_widgets.show_table(view.table, "unit_table", labels=t("label.status", lang), legend=view.legend,
                    right=tuple(t(k, lang) for k in ("label.value", "label.milestone", "label.target",
                                                     "label.projection")), hidden=(t("label.projection", lang),))
st.download_button(t("unit.download", lang), _downloads.progress_xlsx(unit), file_name=f"tien-do-{unit}-{year}.xlsx",
                   mime=_downloads.XLSX_MIME, icon=_downloads.DOWNLOAD, key="unit_download", on_click="ignore")

left, right = st.columns([3, 2])
with left:
    st.subheader(t("unit.series", lang))
    names = dict(zip(view.indicators, view.table[t("label.indicator", lang)], strict=True))
    picked = st.multiselect(t("label.indicator", lang), view.indicators, format_func=lambda c: f"{c} {names[c]}",
                            default=[c for c, s in zip(view.indicators, view.statuses, strict=True)
                                     if s not in ("no_target", "no_data")][:2], key="unit_indicators")
    for code in picked:
        _widgets.series_chart(unit, code, key=f"unit_series_{code}")
with right:
    st.subheader(t("unit.areas", lang))
    _widgets.chart(lambda: charts.area_scores(view.areas, lang), key="unit_areas", choices=(unit,))

st.subheader(t("unit.history", lang))
if view.history.empty:
    st.info(t("empty.no_submissions", lang), icon=":material/info:")
else:
    _widgets.show_table(view.history, "unit_history")
