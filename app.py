"""Entry point of the CCHC dashboard: navigation, the shared sidebar filters, the language switch."""

import logging

import streamlit as st

from cchc import i18n
from cchc.i18n import t
from pages import _data

st.set_page_config(page_title=t("app.title"), page_icon=":material/monitoring:", layout="wide")

lang = _data.lang()


def page(path: str, key: str, icon: str, url: str, **extra) -> st.Page:
    return st.Page(path, title=t(key, lang), icon=f":material/{icon}:", url_path=url, **extra)


pages = {
    t("section.monitor", lang): [
        page("pages/overview.py", "page.overview", "dashboard", "tong-quan", default=True),
        page("pages/unit.py", "page.unit", "apartment", "don-vi"),
        page("pages/area.py", "page.area", "category", "linh-vuc"),
        page("pages/ranking.py", "page.ranking", "leaderboard", "xep-hang"),
    ],
    t("section.report", lang): [
        page("pages/upload.py", "page.upload", "upload_file", "nop-bao-cao"),
        page("pages/submissions.py", "page.submissions", "fact_check", "tinh-hinh-nop"),
    ],
}
current = st.navigation(pages)

_data.block_from_link()
with st.sidebar:
    st.segmented_control(t("sidebar.language", lang), i18n.LANGS, format_func=i18n.LANG_NAMES.get,
                         key=i18n.KEY_LANG, default="vi")
    st.selectbox(t("sidebar.year", lang), _data.YEARS, key=i18n.KEY_YEAR, index=len(_data.YEARS) - 1)
    st.radio(t("sidebar.block", lang), _data.BLOCKS, format_func=lambda b: i18n.block_label(b, lang),
             key=i18n.KEY_BLOCK)

try:
    if _data.sample_loaded():
        st.sidebar.info(t("sample.notice", lang), icon=":material/info:")
    current.run()
except _data.USER_ERRORS as error:
    st.error(_data.explain(error, lang))
except Exception as error:  # a bug must not show a traceback to a leader; it goes to the log instead
    logging.getLogger("cchc").exception("page %s failed", current.url_path)
    st.error(t("error.unexpected", lang, detail=type(error).__name__))
