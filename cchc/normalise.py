"""Turn a validated workbook into a :class:`Submission`: one long row per indicator with a figure.

Percent: ``value = 100 * numerator / denominator`` (0/0 gives no value). Yes/no: numerator 1 or 0, denominator 1,
value 100 or 0, so province roll-ups are shares of units. Count: the value alone. Call :func:`normalise` only on
a workbook whose report has no errors; rows it cannot understand are left out rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache

from cchc import layout
from cchc.catalog import Catalog, Indicator
from cchc.periods import PeriodError, parse_period
from cchc.read import Cell, RawRow, RawWorkbook, cell_text, parse_number

_YES = frozenset({"co", "c", "x", "yes", "y", "1", "true", "dung"})
_NO = frozenset({"khong", "k", "no", "n", "0", "false", "sai"})
_DATE_RE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


@dataclass(frozen=True)
class ValueRow:
    indicator: str
    numerator: float | None
    denominator: float | None
    value: float | None
    note: str
    source_cell: str  # ``Số liệu!F12``: the cell holding the figure (Tử số for a percent)


@dataclass(frozen=True)
class Submission:
    unit: str
    period: str
    template_version: str
    reporter: str
    report_date: dt.date | None
    values: tuple[ValueRow, ...]


def parse_yes_no(value: object) -> bool | None:
    """``Có``/``Không`` and the forms clerks type (co/khong, c/k, x, yes/no, 1/0, ticked boxes); else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return True if value == 1 else False if value == 0 else None
    return _yes_no_word(value) if isinstance(value, str) else None


@lru_cache(maxsize=256)
def _yes_no_word(text: str) -> bool | None:
    word = layout.fold(text)
    return True if word in _YES else False if word in _NO else None


def parse_date(value: object) -> dt.date | None:
    """A report date from a date cell, ``dd/mm/yyyy`` (also with ``.`` or ``-``) or ISO text; else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    try:
        if match := _DATE_RE.match(text):
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def figures(indicator: Indicator, row: RawRow) -> tuple[float | None, float | None, float | None, Cell] | None:
    """(numerator, denominator, value, source cell) of a row, or None when it holds no usable figure."""
    cells = row.cells
    if indicator.measure == "percent":
        numerator = parse_number(cells[layout.COL_NUMERATOR].value)
        denominator = parse_number(cells[layout.COL_DENOMINATOR].value)
        if numerator is None or denominator is None:
            return None
        value = 100 * numerator / denominator if denominator else None
        return numerator, denominator, value, cells[layout.COL_NUMERATOR]
    cell = cells[layout.COL_VALUE]
    if indicator.measure == "yes_no":
        answer = parse_yes_no(cell.value)
        return None if answer is None else (float(answer), 1.0, 100.0 * answer, cell)
    value = parse_number(cell.value)
    return None if value is None else (None, None, value, cell)


def unit_code(raw: RawWorkbook) -> str:
    return raw.info_text(layout.INFO_UNIT_CODE).upper()


def normalise(raw: RawWorkbook, catalog: Catalog) -> Submission:
    """The submission a validated workbook carries (first row wins if a code repeats)."""
    by_code = catalog.indicator_by_code
    values: dict[str, ValueRow] = {}
    for row in raw.rows:
        code = cell_text(row.cells[layout.COL_CODE].value)
        indicator = by_code.get(code)
        if indicator is None or code in values or (found := figures(indicator, row)) is None:
            continue
        numerator, denominator, value, cell = found
        note = row.cells[layout.COL_NOTE].text if layout.COL_NOTE in row.cells else ""
        values[code] = ValueRow(code, numerator, denominator, value, note, cell.where)
    period = raw.info_text(layout.INFO_PERIOD)
    with suppress(PeriodError):  # validation reports it; normalise is not called on such a workbook
        period = parse_period(period).code
    date = raw.info.get(layout.INFO_DATE)
    return Submission(
        unit=unit_code(raw),
        period=period,
        template_version=raw.info_text(layout.INFO_VERSION),
        reporter=raw.info_text(layout.INFO_REPORTER),
        report_date=parse_date(date.value) if date else None,
        values=tuple(values.values()),
    )
