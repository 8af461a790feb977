"""Nhật ký (administrators): every audited action, filtered, and downloaded as CSV (formulas neutralised)."""

import datetime as dt

import streamlit as st

from cchc import clock, export
from cchc.i18n import t
from pages import _data, _session, _widgets

ACTIONS = ("", "login", "logout", "submission", "approval", "period", "user", "par", "backup")
LIMIT = 5000

lang = _data.lang()
_session.require_admin(lang)
st.title(t("page.audit", lang))
left, middle, right = st.columns(3)
action = left.selectbox(t("audit.action", lang), ACTIONS, format_func=lambda a: a or t("audit.all", lang),
                        key="audit_action")
who = middle.text_input(t("audit.user", lang), key="audit_user", max_chars=80).strip()
text = right.text_input(t("audit.text", lang), key="audit_text", max_chars=80).strip()
today = clock.today()
days = st.date_input(t("audit.days", lang), value=(today - dt.timedelta(days=30), today), key="audit_days")
since, until = (days[0], days[-1]) if isinstance(days, tuple) and days else (None, None)
log = _data.store().audit_log(LIMIT, user=who or None, action=action or None, text=text or None,
                              since=dt.datetime.combine(since, dt.time()) if since else None,
                              until=dt.datetime.combine(until, dt.time()) + dt.timedelta(days=1) if until else None)
st.caption(t("audit.count", lang, count=len(log), limit=LIMIT))
_widgets.show_table(log, "audit_table")
st.download_button(t("audit.download", lang), export.csv_bytes(log), file_name="nhat-ky.csv", mime="text/csv",
                   icon=_data.DOWNLOAD, key="audit_download", on_click="ignore")
