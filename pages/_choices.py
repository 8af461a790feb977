"""What a user can pick: units, areas and periods by name, and choices carried in a link (``?unit=TIENLU``)."""

from __future__ import annotations

import streamlit as st

from cchc import clock, i18n
from cchc.catalog import load_catalog
from cchc.dashboard import common
from cchc.periods import all_periods, parse_period
from pages._data import BLOCKS, block, year


def block_from_link() -> None:
    """A link to a unit (``?unit=TIENLU``) shows the unit's block: call before the sidebar's block widget."""
    catalog = load_catalog()
    unit = catalog.unit_by_code.get(st.query_params.get(i18n.KEY_UNIT, ""))
    unit_block = catalog.block_of(unit, common.year_end(year())) if unit is not None else None
    if unit_block in BLOCKS:
        st.session_state[i18n.KEY_BLOCK] = unit_block


def follow_link(key: str, choices: dict) -> None:
    """Preselect the widget ``key`` from a link's query parameter of the same name, once."""
    if key in st.query_params:
        asked = st.query_params[key]
        del st.query_params[key]
        if asked in choices:
            st.session_state[key] = asked


def unit_choices() -> dict[str, str]:
    return common.block_names(load_catalog(), year(), block())


def area_choices(lang: str) -> dict[str, str]:
    catalog = load_catalog()
    return {a.code: common.area_name(catalog, a.code, lang) for a in catalog.areas}


def all_unit_choices() -> dict[str, str]:
    """Every reporting unit, by the name it has today in Hưng Yên (after the registry's renamings)."""
    today = clock.today()
    return {u.code: u.name_on(today) for u in load_catalog().reporting_units()}


def period_choices(lang: str, codes: list[str] | None = None) -> dict[str, str]:
    """Period code → its name (``Năm 2020``, ``6 tháng đầu năm 2020``): ``codes``, else every year and half-year."""
    chosen = [parse_period(c) for c in codes] if codes is not None else all_periods(("year", "half"))
    return {p.code: (p.code if lang == "en" else p.label_vi) for p in chosen}
