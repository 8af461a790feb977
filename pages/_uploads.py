"""The upload page's work: the template download, the dry run and storing a file as the logged-in user."""

from __future__ import annotations

import streamlit as st

from cchc import approval, i18n, ingest, templates
from cchc.auth import User
from cchc.catalog import load_catalog
from cchc.dashboard import reporting
from cchc.read import MAX_FILE_BYTES
from pages._data import lang, store

MAX_UPLOAD_MB = MAX_FILE_BYTES // (1024 * 1024)
UPLOAD_TYPES: list[str] = ["xlsx", "xlsm", "xls", "ods"]


template_filename = templates.template_filename


@st.cache_data(show_spinner=False, max_entries=64)
def template(unit: str, period: str) -> bytes:
    return templates.write_template(unit, period)


def dry_run(file_id: str, filename: str, data: bytes, user: User) -> reporting.UploadCheck:
    """Check a file without storing it, as ``user`` would store it (their units, the period's lock), and when
    it corrects a report, when that report first arrived; remembered in this session until the data changes."""
    checked = st.session_state.setdefault(i18n.KEY_CHECKED, {})
    key = (file_id, store().data_version(), lang())
    if key not in checked:
        result = ingest.check_file(data, filename, store(), load_catalog())
        refusal = approval.refusal(user, result.unit, result.period, store().locked_periods())
        first = None
        if result.supersedes:
            mine = store().submissions(period=result.period)
            first = mine.loc[(mine["unit"] == result.unit) & (mine["status"] == "accepted"), "uploaded_at"].min()
        checked[key] = reporting.upload_check(result, filename, load_catalog(), lang(), refusal, first)
    return checked[key]


def store_file(filename: str, data: bytes, user: User) -> tuple[str, bool]:
    """Store one file as the logged-in ``user`` (cchc.ingest checks their units and the period's lock); a
    sentence saying what happened, and whether it was stored."""
    result = ingest.ingest_file(store(), data, filename, user=user)
    return reporting.stored_line(result, load_catalog(), lang())
