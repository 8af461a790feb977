"""Tài liệu kiểm chứng: a unit's account attaches the evidence behind each criterion of its PAR self-assessment
(for the sidebar's year) and sees what is attached; cchc.evidence checks the account, the criterion and each
file's bytes."""

import streamlit as st

from cchc import evidence
from cchc.dashboard.common import literal
from cchc.i18n import t
from cchc.sniff import MAX_EVIDENCE_BYTES, SUFFIXES
from pages import _choices, _data, _session, _widgets

lang, year = _data.lang(), _data.year()
st.title(t("page.evidence", lang))
user = _session.user()
if user is None or not _session.can_upload():  # the navigation hides the page; cchc.evidence refuses anyway
    st.info(t("evidence.login", lang), icon=":material/lock:")
    st.stop()
store = _data.store()
st.caption(t("evidence.caption", lang, year=year, mb=MAX_EVIDENCE_BYTES // (1024 * 1024)))

units = {code: name for code, name in _choices.all_unit_choices().items()
         if user.can_submit(code) and evidence.unit_criteria(store.catalog, code, year)}
left, right = st.columns(2)
unit = left.selectbox(t("evidence.unit", lang), list(units), format_func=units.get, key="evidence_unit")
if unit is None:
    st.stop()
criteria = {c.code: f"{c.code} — {c.name_vi if lang == 'vi' else c.name_en}"
            for c in evidence.unit_criteria(store.catalog, unit, year)}
criterion = right.selectbox(t("evidence.criterion", lang), list(criteria), format_func=criteria.get,
                            key="evidence_criterion")

with st.form("evidence_form", clear_on_submit=True):
    files = st.file_uploader(t("evidence.files", lang), type=list(SUFFIXES), accept_multiple_files=True,
                             key="evidence_files")
    note = st.text_input(t("evidence.note", lang), max_chars=evidence.MAX_NOTE_CHARS, key="evidence_note")
    attach = st.form_submit_button(t("evidence.attach", lang), type="primary", key="evidence_attach")
if attach and not files:
    st.warning(t("evidence.pick", lang), icon=":material/info:")
elif attach:
    results = evidence.attach(store, user, unit, year, criterion, [(f.name, f.getvalue()) for f in files], note,
                              lang)
    for result in results:
        if result.issue is None:
            st.success(t("evidence.stored", lang, name=literal(result.file_name)), icon=":material/check:")
        else:  # the message quotes the typed file name: shown as text
            st.error(literal(result.issue.message), icon=":material/block:")

st.subheader(t("evidence.listed", lang, year=year))
attached = store.evidence(unit, year)
if attached.empty:
    st.info(t("evidence.none", lang), icon=":material/info:")
else:
    _widgets.evidence_files(attached, "evidence_file")
