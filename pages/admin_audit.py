"""Nhật ký (administrators): every audited action in words and Hưng Yên time, filtered, downloaded as CSV."""

import datetime as dt

import streamlit as st

from cchc import clock, export
from cchc.dashboard import admin as words
from cchc.i18n import t
from pages import _data, _downloads, _session, _widgets

LIMIT = 5000

lang = _data.lang()
_session.require_admin(lang)
st.title(t("page.audit", lang))
left, middle, right = st.columns(3)
action = left.selectbox(t("audit.action", lang), ("", *words.AUDIT_GROUPS),
                        format_func=lambda a: words.action_word(a, lang) if a else t("audit.all", lang),
                        key="audit_action")
who = middle.text_input(t("audit.user", lang), key="audit_user", max_chars=80).strip()
text = right.text_input(t("audit.text", lang), key="audit_text", max_chars=80).strip()
today = clock.today()  # Hưng Yên's date, whatever the server's time zone: the range always includes today
days = st.date_input(t("audit.days", lang), value=(today - dt.timedelta(days=30), today), key="audit_days",
                     format="DD/MM/YYYY")
since, until = (days[0], days[-1]) if isinstance(days, tuple) and days else (None, None)
log = _data.store().audit_log(LIMIT, user=who or None, action=action or None, text=text or None,
                              since=dt.datetime.combine(since, dt.time()) if since else None,
                              until=dt.datetime.combine(until, dt.time()) + dt.timedelta(days=1) if until else None)
st.caption(t("audit.count", lang, count=len(log), limit=LIMIT))
table = words.audit_table(log, lang)
_widgets.show_table(table, "audit_table")
st.download_button(t("audit.download", lang), export.csv_bytes(table), file_name="nhat-ky.csv", mime="text/csv",
                   icon=_downloads.DOWNLOAD, key="audit_download", on_click="ignore")
