"""Duyệt và khóa sổ (administrators): approve or return each unit's current report, lock and reopen a period."""

import streamlit as st

from cchc import approval
from cchc.catalog import load_catalog
from cchc.dashboard import admin as words
from cchc.i18n import t
from pages import _choices, _data, _session, _widgets

lang = _data.lang()
admin = _session.require_admin(lang)
store = _data.store()
catalog = load_catalog()
st.title(t("page.approval", lang))
_session.show_flash()
periods = _choices.period_choices(lang)
period = st.selectbox(t("upload.period", lang), list(periods), format_func=periods.get, index=len(periods) - 1,
                      key="approval_period")

locked = period in store.locked_periods()
st.info(t("approval.locked" if locked else "approval.open", lang, period=period),
        icon=":material/lock:" if locked else ":material/lock_open:")
with st.form("approval_lock", clear_on_submit=True):
    note = st.text_input(t("approval.comment", lang), key="approval_lock_comment", max_chars=approval.MAX_COMMENT)
    toggled = st.form_submit_button(t("approval.reopen" if locked else "approval.lock", lang), key="approval_lock")
if toggled:
    change = approval.reopen_period if locked else approval.lock_period
    _session.act(lambda: change(store, admin, period, note),
                 t("approval.done_reopen" if locked else "approval.done_lock", lang, period=period))

status = approval.status(store, period)
if status.empty:
    st.info(t("empty.no_submissions", lang), icon=":material/info:")
    st.stop()
states = {s: t(f"approval.{s}", lang) for s in approval.STATES}
shown = st.segmented_control(t("approval.filter", lang), list(states), format_func=states.get,
                             selection_mode="multi", default=list(states), key="approval_filter")
chosen = status[status["state"].isin(shown or list(states))]
_widgets.show_table(words.approval_table(chosen, store.submissions(period=period), catalog, lang),
                    "approval_table", rows=len(chosen))

st.subheader(t("approval.decide", lang))
names = {code: words.unit_name(catalog, code, period) for code in status["unit"]}
unit = st.selectbox(t("upload.unit", lang), status["unit"].tolist(), format_func=names.get, key="approval_unit")
with st.form("approval_decide", clear_on_submit=True):
    comment = st.text_area(t("approval.comment", lang), key="approval_comment", max_chars=approval.MAX_COMMENT)
    left, right = st.columns(2)
    approve = left.form_submit_button(t("approval.approve", lang), type="primary", key="approval_approve")
    send_back = right.form_submit_button(t("approval.return", lang), key="approval_return")
if approve:
    _session.act(lambda: approval.approve(store, admin, unit, period, comment),
                 t("approval.done_approve", lang, unit=names[unit], period=period))
elif send_back:
    _session.act(lambda: approval.return_report(store, admin, unit, period, comment),
                 t("approval.done_return", lang, unit=names[unit], period=period))
