"""Bản đồ: the districts as tiles placed as they lie (or an installation's real boundaries), coloured by the PAR
index, an indicator's status or its value; a click on a tile, or a name below, opens the unit."""

import streamlit as st

from cchc import map_charts
from cchc.catalog import load_catalog
from cchc.dashboard import districts
from cchc.i18n import KEY_UNIT, t
from pages import _choices, _data, _widgets

lang, period = _data.lang(), _data.period()
st.title(t("page.map", lang))
period_name = _choices.period_choices(lang, [period])[period]
st.caption(t("map.caption", lang, period=period_name))

colour_by = st.segmented_control(t("map.colour_by", lang), districts.COLOUR_BY,
                                   format_func=lambda key: t(f"map.{key}", lang), default="par", key="map_colour")
choices = districts.map_indicators(load_catalog(), period, lang)
indicator = st.selectbox(t("label.indicator", lang), list(choices), format_func=choices.get, key="map_indicator",
                            disabled=colour_by in (None, "par"))
view = _data.district_map(colour_by or "par", indicator)

shapes = districts.boundaries()
figure = _widgets.figure(lambda: map_charts.district_choropleth(view.tiles, shapes, scale=view.scale, lang=lang)
                         if shapes else map_charts.district_tiles(view.tiles, scale=view.scale, lang=lang),
                         "map_tiles", (colour_by, indicator, bool(shapes)))
st.markdown(f"##### {view.title}")
event = st.plotly_chart(figure, theme=None, key="map_tiles", config=_widgets.CHART_CONFIG, on_select="rerun",
                        selection_mode="points")
picked = [point.get("customdata") for point in event.selection.points] if event else []
if picked and picked[0]:
    st.switch_page("pages/unit.py", query_params={KEY_UNIT: picked[0]})
if not shapes:
    st.caption(t("map.schematic", lang))

with st.container(horizontal=True):
    for unit in view.tiles.itertuples():
        st.page_link("pages/unit.py", label=unit.unit_label, icon=":material/apartment:",
                     query_params={KEY_UNIT: unit.unit})
