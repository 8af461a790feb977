"""Xếp hạng: the PAR index ranking of a block for a year, its chart, per-domain points and downloads."""

import streamlit as st

from cchc import charts
from cchc.i18n import block_label, t
from pages import _data, _downloads, _widgets

lang, year, block = _data.lang(), _data.year(), _data.block()
view = _data.ranking_view()
st.title(t("page.ranking", lang))
st.caption(t("ranking.caption", lang, year=year, block=block_label(block, lang).lower()))
if view.bars.empty:
    st.info(t("empty.no_ranking", lang), icon=":material/info:")
    st.stop()

with st.container(horizontal=True):
    st.download_button(t("ranking.xlsx", lang), _downloads.ranking_xlsx(), file_name=f"xep-hang-{block}-{year}.xlsx",
                       mime=_downloads.XLSX_MIME, icon=_downloads.DOWNLOAD, type="primary", key="ranking_xlsx",
                       on_click="ignore")
    st.download_button(t("ranking.csv", lang), _downloads.ranking_csv(), file_name=f"xep-hang-{block}-{year}.csv",
                       mime="text/csv", icon=_downloads.DOWNLOAD, key="ranking_csv", on_click="ignore")

_widgets.show_table(view.table, "ranking_table", labels=t("label.tier", lang), legend=view.legend, decimals=2,
                    right=(t("label.change", lang),), rows=len(view.table))
_widgets.chart(lambda: charts.ranking_bars(view.bars, view.tier_order, lang), key="ranking_bars")

st.subheader(t("ranking.domains", lang))
_widgets.show_table(view.domains, "ranking_domains", decimals=2)
st.caption(" · ".join(f"**{code}** {name}" for code, name in view.domain_names.items()))
