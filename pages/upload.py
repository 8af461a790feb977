"""Nộp báo cáo: download the template, upload filled files, see the dry run, confirm to store the valid ones."""

import streamlit as st

from cchc.dashboard.common import literal
from cchc.i18n import KEY_CHECKED, KEY_STORED, t
from cchc.ingest import safe_filename
from pages import _choices, _data, _downloads, _session, _uploads, _widgets

lang = _data.lang()
st.title(t("page.upload", lang))
user = _session.user()
if user is None or not _session.can_upload():  # the navigation hides the page; cchc.ingest refuses anyway
    st.info(t("auth.login_to_upload", lang), icon=":material/lock:")
    st.stop()
st.caption(t("upload.caption", lang))

units = {code: name for code, name in _choices.all_unit_choices().items() if user.can_submit(code)}
periods = _choices.period_choices(lang)
left, middle, right = st.columns([2, 1, 1], vertical_alignment="bottom")
unit = left.selectbox(t("upload.unit", lang), list(units), format_func=units.get, key="upload_unit")
period = middle.selectbox(t("upload.period", lang), list(periods), format_func=periods.get, key="upload_period",
                          index=len(periods) - 1)
right.download_button(t("upload.template", lang), _uploads.template(unit, period), mime=_downloads.XLSX_MIME,
                      icon=_downloads.DOWNLOAD, file_name=_uploads.template_filename(unit, period),
                      key="upload_template", on_click="ignore")

st.divider()
limit = t("upload.limit", lang, mb=_uploads.MAX_UPLOAD_MB)
files = st.file_uploader(t("upload.files", lang), type=_uploads.UPLOAD_TYPES, accept_multiple_files=True,
                         max_upload_size=_uploads.MAX_UPLOAD_MB, help=limit,
                         key=f"upload_files_{st.session_state.get(KEY_STORED + '_round', 0)}")
st.caption(limit)

if not files:
    for line, ok in st.session_state.get(KEY_STORED, []):
        (st.success if ok else st.error)(line)
    st.stop()

bar = st.progress(0.0) if len(files) > 1 else None
checks = []
for done, upload in enumerate(files, start=1):
    name = safe_filename(upload.name)
    if bar:
        bar.progress(done / len(files),
                     text=t("upload.checking", lang, name=literal(name), done=done, total=len(files)))
    checks.append(_uploads.dry_run(upload.file_id, name, upload.getvalue(), user))
if bar:
    bar.empty()

st.subheader(t("upload.issues", lang))
ALERTS = {"ok": st.success, "warning": st.warning, "error": st.error, "duplicate": st.info, "refused": st.error}
for n, check in enumerate(checks):  # every verdict, notice and warning in sight; only the figures fold away
    with st.container(border=True):
        st.markdown(f"**{literal(check.filename)}**")
        ALERTS[check.level](check.message)
        if check.supersedes:
            st.warning(t("upload.supersedes", lang), icon=":material/sync:")
        if check.punctuality:
            st.info(check.punctuality, icon=":material/schedule:")
        if not check.issues.empty:
            _widgets.show_table(check.issues, f"upload_issues_{n}")
        if not check.preview.empty:
            with st.expander(t("upload.preview", lang)):
                _widgets.show_table(check.preview, f"upload_preview_{n}",
                                    right=tuple(t(f"label.{f}", lang) for f in ("numerator", "denominator", "value")))

storable = [(upload, check) for upload, check in zip(files, checks, strict=True) if check.storable]
if not storable:
    st.info(t("upload.nothing", lang), icon=":material/info:")
    st.stop()
if st.button(t("upload.confirm", lang, count=len(storable)), type="primary", key="upload_confirm"):
    bar = st.progress(0.0)
    lines = []
    for done, (upload, _check) in enumerate(storable, start=1):
        name = safe_filename(upload.name)
        bar.progress(done / len(storable),
                     text=t("upload.progress", lang, name=literal(name), done=done, total=len(storable)))
        lines.append(_uploads.store_file(name, upload.getvalue(), user))
    st.session_state[KEY_STORED] = lines
    st.session_state[KEY_STORED + "_round"] = st.session_state.get(KEY_STORED + "_round", 0) + 1
    st.session_state.pop(KEY_CHECKED, None)
    st.rerun()
