"""What the pages share: the sidebar's choices, one Store per data folder, and page data cached per data version.

Every cached function takes the data folder and ``store.data_version()`` as its first arguments, so a write
changes the key and the next run recomputes: no page shows stale figures. The cache holds nothing
user-specific (only figures, keyed by year, block, unit, area and language).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from cchc import bootstrap, config, i18n, views
from cchc.auth import AuthError
from cchc.catalog import BLOCKS, load_catalog
from cchc.dashboard import districts, monitor, reporting
from cchc.periods import parse_period
from cchc.store import Store, StoreBusy

YEARS: list[int] = list(views.YEARS)
USER_ERRORS: tuple[type[Exception], ...] = (StoreBusy, AuthError)


def lang() -> str:
    return st.session_state.get(i18n.KEY_LANG) or "vi"


def period() -> str:
    """The period the sidebar shows: a year (annual reports) or a half-year or quarter (its own reports)."""
    return st.session_state.get(i18n.KEY_PERIOD) or str(YEARS[-1])


def year() -> int:
    return parse_period(period()).year


def official() -> bool:
    """Whether only approved reports count (the sidebar's switch)."""
    return bool(st.session_state.get(i18n.KEY_OFFICIAL))


def block() -> str:
    return st.session_state.get(i18n.KEY_BLOCK) or BLOCKS[0]


def explain(error: Exception, lang: str) -> str:
    """One of :data:`USER_ERRORS` in words: a refusal in the chosen language, or the busy database."""
    return error.text(lang) if isinstance(error, AuthError) else i18n.t("error.busy", lang)


@st.cache_resource(show_spinner="Đang chuẩn bị dữ liệu lần đầu…")
def _store(directory: str) -> Store:
    bootstrap.ensure_database(Path(directory))
    return Store(Path(directory))


def store() -> Store:
    return _store(str(config.data_dir().resolve()))


def data_key() -> tuple[str, int]:
    """What every cache is keyed on (pages/_widgets.figure's and pages/_downloads' too): folder, data version."""
    current = store()
    return str(current.data_dir), current.data_version()


@st.cache_data(show_spinner=False, max_entries=4)
def _sample_loaded(directory: str, version: int) -> bool:
    return bootstrap.sample_loaded(_store(directory))


def sample_loaded() -> bool:
    return _sample_loaded(*data_key())


# -- the view API (cchc.views), once per data version --------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=4)
def basis(directory: str, version: int, official: bool) -> views.Basis:
    return views.basis(_store(directory), load_catalog(), official=official)


@st.cache_data(show_spinner=False, max_entries=4)
def _periods(directory: str, version: int) -> list[str]:
    return views.periods(_store(directory).submissions())


def periods() -> list[str]:
    """The periods the sidebar offers: from the submissions alone, so a page that needs no figures (uploading)
    does not wait for them."""
    return _periods(*data_key())


@st.cache_data(show_spinner=False, max_entries=32)
def _overview(directory: str, version: int, official: bool, period: str, block: str, lang: str) -> monitor.Overview:
    return views.overview(basis(directory, version, official), load_catalog(), period, block, lang)


def overview() -> monitor.Overview:
    return _overview(*data_key(), official(), period(), block(), lang())


@st.cache_data(show_spinner=False, max_entries=4)
def _par_trend(directory: str, version: int, official: bool) -> pd.DataFrame:
    return views.par_trend(basis(directory, version, official), load_catalog())


def par_trend() -> pd.DataFrame:
    return _par_trend(*data_key(), official())


@st.cache_data(show_spinner=False, max_entries=64)
def _series(directory: str, version: int, official: bool, unit: str, code: str, lang: str) -> monitor.Series:
    return monitor.series(basis(directory, version, official).progress, load_catalog(), unit, code, lang)


def series(unit: str, code: str) -> monitor.Series:
    """One indicator of one unit over time: observed values, target path, target line, projection."""
    return _series(*data_key(), official(), unit, code, lang())


@st.cache_data(show_spinner=False, max_entries=32)
def _unit_view(directory: str, version: int, official: bool, unit: str, period: str, lang: str) -> monitor.UnitView:
    return views.unit(basis(directory, version, official), load_catalog(), unit, period, lang)


def unit_view(unit: str) -> monitor.UnitView:
    return _unit_view(*data_key(), official(), unit, period(), lang())


@st.cache_data(show_spinner=False, max_entries=32)
def _area_view(directory: str, version: int, official: bool, area: str, period: str, block: str,
               lang: str) -> monitor.AreaView:
    return views.area(basis(directory, version, official), load_catalog(), area, period, block, lang)


def area_view(area: str) -> monitor.AreaView:
    return _area_view(*data_key(), official(), area, period(), block(), lang())


@st.cache_data(show_spinner=False, max_entries=32)
def _ranking_view(directory: str, version: int, official: bool, year: int, block: str,
                  lang: str) -> reporting.RankingView:
    return views.ranking_view(basis(directory, version, official), load_catalog(), year, block, lang)


def ranking_view() -> reporting.RankingView:
    return _ranking_view(*data_key(), official(), year(), block(), lang())


@st.cache_data(show_spinner=False, max_entries=32)
def _submissions_view(directory: str, version: int, year: int, block: str, lang: str) -> reporting.SubmissionsView:
    return views.submissions(basis(directory, version, False), load_catalog(), year, block, lang)


def submissions_view() -> reporting.SubmissionsView:
    return _submissions_view(*data_key(), year(), block(), lang())


@st.cache_data(show_spinner=False, max_entries=32)
def _district_map(directory: str, version: int, official: bool, period: str, colour_by: str, indicator: str,
                  lang: str) -> districts.DistrictMap:
    return views.district_map(basis(directory, version, official), load_catalog(), period, colour_by, indicator,
                              lang)


def district_map(colour_by: str, indicator: str) -> districts.DistrictMap:
    return _district_map(*data_key(), official(), period(), colour_by, indicator, lang())
