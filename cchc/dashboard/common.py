"""Shared pieces of the dashboard's page data: units of a block, names in the chosen language, table styling.

The ``cchc.dashboard`` modules assemble what each page shows from the store's frames and the analytics; they
never import streamlit (the cached wrappers live in ``pages/_data.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from cchc.catalog import Catalog, Indicator
from cchc.i18n import status_label, t
from cchc.labels import STATUS_COLOURS
from cchc.numbers import number_text


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def block_names(catalog: Catalog, year: int, block: str) -> dict[str, str]:
    """Code → short name of the reporting units in ``block`` during ``year`` (:meth:`Catalog.block_units`)."""
    return {u.code: u.short_name for u in catalog.block_units(year, block)}


def unit_label(catalog: Catalog, code: str, year: int) -> str:
    unit = catalog.unit_by_code.get(code)
    return unit.name_on(year_end(year)) if unit else code


def indicator_name(ind: Indicator, lang: str) -> str:
    return ind.name_en if lang == "en" else ind.name_vi


def area_name(catalog: Catalog, code: str, lang: str, numbered: bool = True) -> str:
    area = catalog.area_by_code[code]
    name = area.name_en if lang == "en" else area.name_vi
    return f"{code}. {name}" if numbered else name


def in_period(prog: pd.DataFrame, period: str) -> pd.DataFrame:
    """The rows of the report for ``period`` itself: a year view shows annual reports, a half-year view that
    half-year's reports; a unit without that report shows none (never a report of another length)."""
    return prog[prog["period"] == period].reset_index(drop=True)


def yearly(prog: pd.DataFrame, unit: str, indicator: str) -> pd.DataFrame:
    """The yearly rows (periods ``YYYY``) of one unit's indicator, in year order."""
    mine = prog[(prog["unit"] == unit) & (prog["indicator"] == indicator)]
    return mine[mine["period"] == mine["year"].astype(str)].sort_values("year")

def area_short(catalog: Catalog, code: str, lang: str) -> str:
    """``2. Thủ tục hành chính``: the few words a chart's axis shows for an area."""
    area = catalog.area_by_code[code]
    return f"{code}. {area.short_en if lang == 'en' else area.short_vi}"

def status_legend(codes: pd.Series, lang: str) -> dict[str, str]:
    """Status word → its colour, for the statuses in ``codes`` (a table's coloured labels)."""
    return {status_label(code, lang): STATUS_COLOURS.get(code, STATUS_COLOURS["no_data"])
            for code in dict.fromkeys(codes)}


def as_text(frame: pd.DataFrame, columns: list[str], lang: str, decimals: int = 1) -> pd.DataFrame:
    """``frame`` with the figures of ``columns`` written out by :func:`cchc.numbers.number_text`."""
    return frame.assign(**{column: frame[column].map(lambda v: number_text(v, lang, decimals)) for column in columns})


TABLE_WIDTH = 860  # pixels of the main column at 1366×768 beside the sidebar
CHAR_PX, PAD_PX, MIN_PX = 7.5, 22, 56


def _px(chars: int) -> int:
    return max(MIN_PX, round(PAD_PX + CHAR_PX * chars))


def header_width(header: object) -> int:
    """The pixels a column needs for its header to show whole."""
    return _px(len(str(header)))


def column_widths(frame: pd.DataFrame, budget: int = TABLE_WIDTH) -> dict[str, int]:
    """A pixel width per column so that the table fits ``budget`` without sideways scrolling: each column as
    wide as its header and longest cell; when that is too wide, the widest text gives way (its cells cut, the
    full text on hover) but never below its header, so no header is cut."""
    header = {column: header_width(column) for column in frame.columns}
    longest = {column: frame[column].map(lambda v: len(str(v))).max() if len(frame) else 0 for column in frame.columns}
    widths = {column: max(header[column], _px(int(longest[column]))) for column in frame.columns}
    over = sum(widths.values()) - budget
    for column in sorted(widths, key=lambda c: widths[c] - header[c], reverse=True):
        if over <= 0:
            break
        give = min(over, widths[column] - header[column])
        widths[column] -= give
        over -= give
    return widths


def as_labels(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """``frame`` with each cell of ``column`` as a one-item list, the shape a coloured-label column shows."""
    return frame.assign(**{column: frame[column].map(lambda word: [word] if isinstance(word, str) else [])})


def when(value: Any, seconds: bool = False) -> str:
    """``31/10/2026 14:05``: a stored time (Hưng Yên wall time) as people read it; blank when there is none."""
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def history_table(subs: pd.DataFrame, catalog: Catalog, lang: str, states: pd.DataFrame | None = None) -> pd.DataFrame:
    """Submissions newest first, in words: report number, unit, period, file, uploader, time (dd/mm/yyyy),
    status, errors, warnings. ``states`` (:func:`cchc.approval.status`) marks the current reports Sở Nội vụ
    returned."""
    names = {u.code: u.short_name for u in catalog.units}
    status = subs["status"].where(subs["superseded_by"].isna() | (subs["status"] != "accepted"), "superseded")
    if states is not None:
        returned = states.loc[states["state"] == "returned", "submission_id"]
        status = status.where(~subs["id"].isin(returned), "returned")
    table = pd.DataFrame({
        t("label.report_no", lang): subs["id"].astype(str).radd("#"),
        t("label.unit", lang): subs["unit"].map(names).fillna(subs["unit"]),
        t("label.period", lang): subs["period"], t("label.file", lang): subs["filename"],
        t("label.uploader", lang): subs["uploaded_by"], t("label.time", lang): subs["uploaded_at"].map(when),
        t("label.status", lang): status.map(lambda s: status_label(s, lang)),
        t("label.errors", lang): subs["errors"], t("label.warnings", lang): subs["warnings"],
    })
    return table.iloc[::-1].reset_index(drop=True)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def literal(text: str) -> str:
    """A typed text (a file name, a note) shown as itself inside Markdown: every Markdown character escaped, so
    ``[x](http://…)`` or ``![](…)`` stays text, never a link or an image."""
    return _MARKDOWN.sub(r"\\\1", text)
