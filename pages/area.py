"""Lĩnh vực: one task area, each of its indicators across the block's units, beside the plan's tasks."""

import streamlit as st

from cchc import charts
from cchc.i18n import KEY_AREA, block_label, t
from pages import _choices, _data, _widgets

lang, block = _data.lang(), _data.block()
areas = _choices.area_choices(lang)
st.title(t("page.area", lang))

_choices.follow_link(KEY_AREA, areas)
area = st.selectbox(t("area.pick", lang), list(areas), format_func=areas.get, key=KEY_AREA)
view = _data.area_view(area)
st.caption(f"{_choices.period_choices(lang, [_data.period()])[_data.period()]} · {block_label(block, lang)}")

data_side, text_side = st.columns([3, 1])
with text_side:
    st.subheader(t("area.tasks", lang))
    for code, text in view.tasks:
        st.markdown(f"**{code}** {text}")
with data_side:
    if not view.indicators:
        st.info(t("empty.no_data", lang), icon=":material/info:")
    for item in view.indicators:
        _widgets.chart(lambda item=item: charts.across_units(item.values, milestone=item.milestone,
                                                             target=item.target, lang=lang, measure=item.measure),
                       key=f"area_{item.code}", title=item.title, choices=(area,))
    if not view.spread.empty:
        st.subheader(t("area.distribution", lang))
        _widgets.chart(lambda: charts.distribution(view.spread, lang), key="area_distribution", choices=(area,))
