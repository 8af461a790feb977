"""What the pages share: the sidebar's choices, one Store per data folder, and page data cached per data version.

Every cached function takes the data folder and ``store.data_version()`` as its first arguments, so a write
changes the key and the next run recomputes: no page shows stale figures. The cache holds nothing
user-specific (only figures, keyed by year, block, unit, area and language).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from cchc import bootstrap, config, export, i18n
from cchc.auth import AuthError
from cchc.catalog import BLOCKS, load_catalog
from cchc.completeness import completeness
from cchc.dashboard import common, monitor, reporting
from cchc.periods import all_periods
from cchc.progress import progress
from cchc.ranking import load_criteria, ranking
from cchc.store import Store, StoreBusy

YEARS: list[int] = [p.year for p in all_periods(("year",))]
USER_ERRORS: tuple[type[Exception], ...] = (StoreBusy, AuthError)
DOWNLOAD = ":material/download:"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def lang() -> str:
    return st.session_state.get(i18n.KEY_LANG) or "vi"


def year() -> int:
    return st.session_state.get(i18n.KEY_YEAR) or YEARS[-1]


def block() -> str:
    return st.session_state.get(i18n.KEY_BLOCK) or BLOCKS[0]


def explain(error: Exception, lang: str) -> str:
    """A user-caused or environmental error in words."""
    return i18n.t("error.busy", lang) if isinstance(error, StoreBusy) else str(error)


@st.cache_resource(show_spinner="Đang chuẩn bị dữ liệu lần đầu…")
def _store(directory: str) -> Store:
    bootstrap.ensure_database(Path(directory))
    return Store(Path(directory))


def store() -> Store:
    return _store(str(config.data_dir().resolve()))


def _key() -> tuple[str, int]:
    current = store()
    return str(current.data_dir), current.data_version()


@st.cache_data(show_spinner=False, max_entries=4)
def _sample_loaded(directory: str, version: int) -> bool:
    return bootstrap.sample_loaded(_store(directory))


def sample_loaded() -> bool:
    return _sample_loaded(*_key())


# -- cached frames: the expensive analytics, once per data version -------------------------------------------
@st.cache_data(show_spinner=False, max_entries=4)
def _progress(directory: str, version: int) -> pd.DataFrame:
    return progress(_store(directory).current_values(), load_catalog())


@st.cache_data(show_spinner=False, max_entries=4)
def _submissions(directory: str, version: int) -> pd.DataFrame:
    return _store(directory).submissions()


@st.cache_data(show_spinner=False, max_entries=4)
def _completeness(directory: str, version: int) -> pd.DataFrame:
    return completeness(_submissions(directory, version), catalog=load_catalog())


@st.cache_data(show_spinner=False, max_entries=32)
def _ranking(directory: str, version: int, year: int, block: str) -> pd.DataFrame:
    return ranking(year, block, _progress(directory, version), _store(directory).par_scores(), load_catalog())


@st.cache_data(show_spinner=False, max_entries=4)
def _par_trend(directory: str, version: int) -> pd.DataFrame:
    rows = [(y, b, _ranking(directory, version, y, b)["index"].mean()) for y in YEARS for b in BLOCKS]
    return pd.DataFrame(rows, columns=["year", "series", "index"]).dropna()


# -- page data -----------------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=32)
def _overview(directory: str, version: int, year: int, block: str, lang: str) -> monitor.Overview:
    return monitor.overview(_progress(directory, version), _completeness(directory, version), load_catalog(),
                              year, block, lang)


def overview() -> monitor.Overview:
    return _overview(*_key(), year(), block(), lang())


def par_trend() -> pd.DataFrame:
    return _par_trend(*_key())


@st.cache_data(show_spinner=False, max_entries=64)
def _series(directory: str, version: int, unit: str, code: str, lang: str) -> monitor.Series:
    return monitor.series(_progress(directory, version), load_catalog(), unit, code, lang)


def series(unit: str, code: str) -> monitor.Series:
    """One indicator of one unit over time: observed values, target path, target line, projection."""
    return _series(*_key(), unit, code, lang())


@st.cache_data(show_spinner=False, max_entries=32)
def _unit_view(directory: str, version: int, unit: str, year: int, lang: str) -> monitor.UnitView:
    return monitor.unit_view(_progress(directory, version), _submissions(directory, version), load_catalog(),
                               unit, year, lang)


def unit_view(unit: str) -> monitor.UnitView:
    return _unit_view(*_key(), unit, year(), lang())


@st.cache_data(show_spinner=False, max_entries=32)
def _area_view(directory: str, version: int, area: str, year: int, block: str, lang: str) -> monitor.AreaView:
    return monitor.area_view(_progress(directory, version), load_catalog(), area, year, block, lang)


def area_view(area: str) -> monitor.AreaView:
    return _area_view(*_key(), area, year(), block(), lang())


@st.cache_data(show_spinner=False, max_entries=32)
def _ranking_view(directory: str, version: int, year: int, block: str, lang: str) -> reporting.RankingView:
    return reporting.ranking_view(_ranking(directory, version, year, block), load_criteria(), load_catalog(),
                                  year, block, lang)


def ranking_view() -> reporting.RankingView:
    return _ranking_view(*_key(), year(), block(), lang())


@st.cache_data(show_spinner=False, max_entries=32)
def _submissions_view(directory: str, version: int, year: int, block: str, lang: str) -> reporting.SubmissionsView:
    return reporting.submissions_view(_submissions(directory, version), _completeness(directory, version),
                                      load_catalog(), year, block, lang)


def submissions_view() -> reporting.SubmissionsView:
    return _submissions_view(*_key(), year(), block(), lang())


# -- downloads -----------------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=16)
def _ranking_xlsx(directory: str, version: int, year: int, block: str) -> bytes:
    return export.ranking_xlsx(_ranking(directory, version, year, block), year, block)


def ranking_xlsx() -> bytes:
    return _ranking_xlsx(*_key(), year(), block())


def ranking_csv() -> bytes:
    """The ranking table as the page shows it (headers in the chosen language), CSV with a BOM."""
    return export.csv_bytes(ranking_view().table)


@st.cache_data(show_spinner=False, max_entries=16)
def _progress_xlsx(directory: str, version: int, unit: str, year: int) -> bytes:
    catalog = load_catalog()
    rows = monitor.unit_progress(_progress(directory, version), unit, year)
    return export.progress_xlsx(rows, common.unit_label(catalog, unit, year), catalog)


def progress_xlsx(unit: str) -> bytes:
    return _progress_xlsx(*_key(), unit, year())
