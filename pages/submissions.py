"""Tình hình nộp: who reported on time, late or not at all, every submission, and the original files."""

import streamlit as st

from cchc import charts
from cchc.dashboard import reporting
from cchc.i18n import block_label, t
from pages import _data, _downloads, _widgets

lang, year, block = _data.lang(), _data.year(), _data.block()
view = _data.submissions_view()
st.title(t("page.submissions", lang))
st.caption(block_label(block, lang))

st.subheader(t("subs.matrix", lang, year=year))
if view.matrix.empty:
    st.info(t("empty.no_data", lang), icon=":material/info:")
else:
    _widgets.chart(lambda: charts.completeness_matrix(view.matrix, lang), key="subs_matrix")

st.subheader(t("subs.history", lang))
if view.history.empty:
    st.info(t("empty.no_submissions", lang), icon=":material/info:")
    st.stop()
_widgets.show_table(view.history, "subs_history")

st.subheader(t("subs.file", lang))
sha = st.selectbox(t("subs.file_pick", lang), list(view.files), format_func=lambda key: view.files[key][0],
                   key="subs_file")
_label, filename, submission = view.files[sha]
st.download_button(t("subs.download", lang), _data.store().raw_file(sha), file_name=filename,
                   icon=_downloads.DOWNLOAD, key="subs_download", on_click="ignore")
issues = reporting.issue_table(_data.store().issues(submission), lang)
if not issues.empty:
    st.caption(t("subs.issues", lang))
    _widgets.show_table(issues, "subs_issues")
