"""Xếp hạng: the PAR index ranking of a block for a year, its chart, per-domain points and downloads."""

import streamlit as st

from cchc import charts
from cchc.dashboard.common import coloured
from cchc.i18n import block_label, t
from pages import _data

lang, year, block = _data.lang(), _data.year(), _data.block()
view = _data.ranking_view()
st.title(t("page.ranking", lang))
st.caption(t("ranking.caption", lang, year=year, block=block_label(block, lang).lower()))
if view.bars.empty:
    st.info(t("empty.no_ranking", lang), icon="ℹ️")
    st.stop()

with st.container(horizontal=True):
    st.download_button(t("ranking.xlsx", lang), _data.ranking_xlsx(), file_name=f"xep-hang-{block}-{year}.xlsx",
                       mime=_data.XLSX_MIME, icon="⬇️", type="primary", key="ranking_xlsx", on_click="ignore")
    st.download_button(t("ranking.csv", lang), _data.ranking_csv(), file_name=f"xep-hang-{block}-{year}.csv",
                       mime="text/csv", icon="⬇️", key="ranking_csv", on_click="ignore")

tier_column = t("label.tier", lang)
st.dataframe(coloured(view.table, tier_column, view.tier_colours), hide_index=True, key="ranking_table")
st.plotly_chart(charts.ranking_bars(view.bars, view.tier_order, lang), key="ranking_bars")

st.subheader(t("ranking.domains", lang))
st.dataframe(coloured(view.domains), hide_index=True, key="ranking_domains")
