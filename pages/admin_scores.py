"""Điểm Chỉ số CCHC (administrators): download the score sheet of the chosen year and block, upload it filled
(self-assessment, appraisal, survey), see what it holds, then record it."""

import pandas as pd
import streamlit as st

from cchc import approval, evidence, score_sheet
from cchc.i18n import block_label, t
from pages import _data, _downloads, _session, _uploads, _widgets

lang, year, block = _data.lang(), _data.year(), _data.block()
admin = _session.require_admin(lang)
st.title(t("page.scores", lang))
_session.show_flash()
st.caption(t("scores.caption", lang, year=year, block=block_label(block, lang)))
st.download_button(t("scores.template", lang), score_sheet.template_xlsx(
                   year, block, evidence=evidence.file_names(_data.store(), year)), mime=_downloads.XLSX_MIME,
                   file_name=f"diem-chi-so-cchc-{year}-{block}.xlsx", icon=_downloads.DOWNLOAD, key="scores_template",
                   on_click="ignore")
sheet = st.file_uploader(t("scores.file", lang), type=["xlsx", "xls", "ods"], max_upload_size=_uploads.MAX_UPLOAD_MB,
                         key="scores_file")
if sheet is None:
    st.stop()
rows, issues = score_sheet.read_sheet(sheet.getvalue(), lang=lang)
if issues:
    _widgets.show_table(pd.DataFrame([i.as_dict() for i in issues]), "scores_issues")
if not rows or any(i.severity == "error" for i in issues):
    st.error(t("scores.nothing", lang), icon=":material/error:")
    st.stop()
st.success(t("scores.ready", lang, count=len(rows)), icon=":material/check:")
if st.button(t("scores.confirm", lang, count=len(rows)), type="primary", key="scores_confirm"):
    _session.act(lambda: approval.enter_scores(_data.store(), admin, sheet.getvalue()),
                 t("scores.done", lang, count=len(rows)))
