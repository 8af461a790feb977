"""Tổng quan: the plan's targets at a glance, scores by unit and area, and who needs attention."""

import streamlit as st

from cchc import charts, numbers
from cchc.i18n import KEY_AREA, KEY_UNIT, block_label, t
from cchc.progress import BLOCK_TOTALS
from pages import _choices, _data, _downloads, _session, _widgets

lang, year, block = _data.lang(), _data.year(), _data.block()
view = _data.overview()
period_name = _choices.period_choices(lang, [view.period])[view.period]

st.title(t("page.overview", lang))
if _session.can_draft_reports():
    st.download_button(t("overview.report", lang), _downloads.report_docx(),
                       file_name=f"bao-cao-cchc-{view.period}.docx", mime=_downloads.DOCX_MIME,
                       icon=_downloads.DOWNLOAD, key="overview_report", on_click="ignore",
                       help=t("overview.report_help", lang))
st.caption(t("overview.caption", lang, period=period_name, block=block_label(block, lang).lower()))
if _data.official():
    st.caption(t("overview.official", lang))
if not view.has_data:
    st.info(t("empty.no_data", lang), icon=":material/info:")
    st.stop()

cards = st.columns(6)
cards[0].metric(t("card.achieved", lang), view.cards.achieved, border=True,
                help=t("card.of_targets", lang, total=view.cards.total, no_data=view.cards.no_data))
cards[1].metric(t("card.not_achieved", lang), view.cards.not_achieved, border=True,
                help=t("card.not_achieved_help", lang))
cards[2].metric(t("card.on_track", lang), view.cards.on_track, border=True)
cards[3].metric(t("card.behind", lang), view.cards.behind, border=True)
share = f"{100 * view.received / view.expected:.0f}%" if view.expected else "–"
cards[4].metric(t("card.completeness", lang), share, border=True,
                help=t("card.completeness_help", lang, received=view.received, expected=view.expected,
                       period=period_name))
trend = _data.par_trend()
latest = trend[(trend["year"] == year) & (trend["series"] == block)]["index"]
cards[5].metric(t("card.par", lang), numbers.number_text(latest.iloc[0], lang, numbers.DECIMALS["index"])
                if len(latest) else "–", border=True)

st.subheader(t("overview.targets", lang, block=block_label(block, lang).lower()))
_widgets.chart(lambda: charts.target_bullets(view.targets, lang), key="overview_targets")
targets = view.targets
supplementary = targets.loc[targets["origin"] == "supplementary", "indicator"]
if len(supplementary):
    st.caption(t("overview.supplementary", lang, items=", ".join(supplementary)))
changed = targets[targets["reporters"].gt(0) & targets["baseline_reporters"].notna()
                  & targets["reporters"].ne(targets["baseline_reporters"])]
if len(changed):
    st.caption(t("overview.composition", lang, items=", ".join(
        f"{r.indicator} {r.reporters}/{r.baseline_reporters}" for r in changed.itertuples())))

attention, trend_side = st.columns(2)
with attention:
    st.subheader(t("overview.attention", lang))
    if view.attention.empty:
        st.success(t("overview.attention_none", lang))
    for row in view.attention.itertuples():
        st.page_link("pages/unit.py", label=f"**{row.unit_label}**", icon=":material/warning:",
                     query_params={KEY_UNIT: row.unit})
        st.caption(row.reason)
with trend_side:
    st.subheader(t("overview.par_trend", lang))
    names = {b: block_label(b, lang) for b in _data.BLOCKS}
    _widgets.chart(lambda: charts.index_trend(trend, names, lang), key="overview_par")

st.subheader(t("overview.heatmap", lang))
st.caption(t("overview.heatmap_help", lang))
_widgets.chart(lambda: charts.score_heatmap(view.heatmap, lang), key="overview_heatmap")

with st.container(horizontal=True):
    for code, label in _choices.area_choices(lang).items():
        st.page_link("pages/area.py", label=label, icon=":material/category:", query_params={KEY_AREA: code})

st.subheader(t("overview.target_pick", lang))
codes = view.targets["indicator"].tolist()
labels = dict(zip(codes, view.targets["label"], strict=True))
picked = st.selectbox(t("label.indicator", lang), codes, format_func=labels.get, key="overview_indicator")
_widgets.series_chart(BLOCK_TOTALS[block], picked, key="overview_series")
