"""Entry point of the CCHC dashboard: navigation, the shared sidebar filters, the language switch."""

import logging

import streamlit as st

from cchc import i18n
from cchc.i18n import t
from pages import _data

st.set_page_config(page_title=t("app.title"), page_icon="📊", layout="wide")

lang = _data.lang()
pages = {
    t("section.monitor", lang): [
        st.Page("pages/overview.py", title=t("page.overview", lang), icon="🏠", url_path="tong-quan", default=True),
        st.Page("pages/unit.py", title=t("page.unit", lang), icon="🏢", url_path="don-vi"),
        st.Page("pages/area.py", title=t("page.area", lang), icon="🧩", url_path="linh-vuc"),
        st.Page("pages/ranking.py", title=t("page.ranking", lang), icon="🏆", url_path="xep-hang"),
    ],
    t("section.report", lang): [
        st.Page("pages/upload.py", title=t("page.upload", lang), icon="📤", url_path="nop-bao-cao"),
        st.Page("pages/submissions.py", title=t("page.submissions", lang), icon="📋", url_path="tinh-hinh-nop"),
    ],
}
page = st.navigation(pages)

_data.block_from_link()
with st.sidebar:
    st.segmented_control(t("sidebar.language", lang), i18n.LANGS, format_func=i18n.LANG_NAMES.get,
                         key=i18n.KEY_LANG, default="vi")
    st.selectbox(t("sidebar.year", lang), _data.YEARS, key=i18n.KEY_YEAR, index=len(_data.YEARS) - 1)
    st.radio(t("sidebar.block", lang), _data.BLOCKS, format_func=lambda b: i18n.block_label(b, lang),
             key=i18n.KEY_BLOCK)

try:
    if _data.sample_loaded():
        st.sidebar.info(t("sample.notice", lang), icon="ℹ️")
    page.run()
except _data.USER_ERRORS as error:
    st.error(_data.explain(error, lang))
except Exception as error:  # a bug must not show a traceback to a leader; it goes to the log instead
    logging.getLogger("cchc").exception("page %s failed", page.url_path)
    st.error(t("error.unexpected", lang, detail=type(error).__name__))
