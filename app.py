"""Entry point of the CCHC dashboard: navigation (per role), the shared sidebar filters, the language switch."""

import logging

import streamlit as st

from cchc import i18n
from cchc.i18n import t
from pages import _choices, _data, _session

st.set_page_config(page_title=t("app.title"), page_icon=":material/monitoring:", layout="wide")

lang = _data.lang()
_session.prepare()
user = _session.user()


def page(path: str, key: str, icon: str, url: str, **extra) -> st.Page:
    return st.Page(path, title=t(key, lang), icon=f":material/{icon}:", url_path=url, **extra)


pages = {}  # what this visitor may open: reading unless a login is required, uploading and admin by role
if _session.can_read():
    pages[t("section.monitor", lang)] = [
        page("pages/overview.py", "page.overview", "dashboard", "tong-quan", default=True),
        page("pages/unit.py", "page.unit", "apartment", "don-vi"),
        page("pages/area.py", "page.area", "category", "linh-vuc"),
        page("pages/ranking.py", "page.ranking", "leaderboard", "xep-hang"),
        page("pages/map.py", "page.map", "map", "ban-do"),
    ]
    pages[t("section.report", lang)] = [
        *([page("pages/upload.py", "page.upload", "upload_file", "nop-bao-cao"),
           page("pages/evidence.py", "page.evidence", "attach_file", "tai-lieu-kiem-chung")]
          if _session.can_upload() else []),
        page("pages/submissions.py", "page.submissions", "fact_check", "tinh-hinh-nop"),
    ]
if user is not None and user.is_admin:
    pages[t("section.admin", lang)] = [
        page("pages/admin_approval.py", "page.approval", "task_alt", "duyet-khoa-so"),
        page("pages/admin_scores.py", "page.scores", "scoreboard", "diem-chi-so"),
        page("pages/admin_appraisal.py", "page.appraisal", "rule", "tham-dinh"),
        page("pages/admin_users.py", "page.users", "group", "tai-khoan-nguoi-dung"),
        page("pages/admin_audit.py", "page.audit", "history", "nhat-ky"),
    ]
pages[t("section.account", lang)] = [page("pages/login.py", "page.account" if user else "page.login", "person",
                                          "tai-khoan", default=not _session.can_read())]
current = st.navigation(pages, expanded=True)  # every page in sight: an administrator has 14
_session.follow(current.url_path)

_choices.block_from_link()
with st.sidebar:
    st.segmented_control(t("sidebar.language", lang), i18n.LANGS, format_func=i18n.LANG_NAMES.get,
                         key=i18n.KEY_LANG, default="vi")
    choices = _choices.period_choices(lang, _data.periods())
    st.selectbox(t("sidebar.period", lang), list(choices), format_func=choices.get, key=i18n.KEY_PERIOD,
                 index=list(choices).index(str(_data.YEARS[-1])), help=t("sidebar.period_help", lang))
    st.radio(t("sidebar.block", lang), _data.BLOCKS, format_func=lambda b: i18n.block_label(b, lang),
             key=i18n.KEY_BLOCK)
    st.toggle(t("sidebar.official", lang), key=i18n.KEY_OFFICIAL, help=t("sidebar.official_help", lang))

try:
    if _data.sample_loaded():
        st.sidebar.info(t("sample.notice", lang), icon=":material/info:")
    current.run()
except _data.USER_ERRORS as error:
    st.error(_data.explain(error, lang))
except Exception as error:  # a bug must not show a traceback to a leader; it goes to the log instead
    logging.getLogger("cchc").exception("page %s failed", current.url_path)
    st.error(t("error.unexpected", lang, detail=type(error).__name__))
