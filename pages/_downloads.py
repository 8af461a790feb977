"""The files the pages offer for download, written from the cached view API (as the CLI's exports write them)
and keyed like every cache on the data folder and version (:func:`pages._data.data_key`)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from cchc import export, views
from cchc.catalog import load_catalog
from cchc.dashboard import common, monitor
from pages._data import basis, block, data_key, official, period, ranking_view, year

DOWNLOAD = ":material/download:"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@st.cache_data(show_spinner=False, max_entries=16)
def _ranking_xlsx(directory: str, version: int, official: bool, year: int, block: str) -> bytes:
    table = views.ranking_table(basis(directory, version, official), load_catalog(), year, block)
    return export.ranking_xlsx(table, year, block)


def ranking_xlsx() -> bytes:
    return _ranking_xlsx(*data_key(), official(), year(), block())


def ranking_csv() -> bytes:
    """The ranking table as the page shows it (headers in the chosen language, points and index to two
    places), CSV with a BOM."""
    return export.csv_bytes(ranking_view().table, decimals=2)


@st.cache_data(show_spinner=False, max_entries=16)
def _progress_xlsx(directory: str, version: int, official: bool, unit: str, year: int) -> bytes:
    catalog = load_catalog()
    rows = monitor.unit_progress(basis(directory, version, official).progress, unit, year)
    return export.progress_xlsx(rows, common.unit_label(catalog, unit, year), catalog)


def progress_xlsx(unit: str) -> bytes:
    return _progress_xlsx(*data_key(), official(), unit, year())


@st.cache_data(show_spinner=False, max_entries=8)
def _report_docx(directory: str, version: int, official: bool, period: str) -> bytes:
    from cchc import docx_report, synthesis  # Word and matplotlib: loaded only when a report is asked for

    found = basis(directory, version, official)
    return docx_report.report_docx(synthesis.synthesis(found, load_catalog(), period))


def report_docx() -> Callable[[], bytes]:
    """The drafted synthesis report of the chosen period (both blocks), as the CLI's ``report`` writes it: written
    when the button is pressed (the choices are bound now; the press itself runs outside the page's session)."""
    return functools.partial(_report_docx, *data_key(), official(), period())
