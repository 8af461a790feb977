"""Read an uploaded workbook (.xlsx, .xlsm, .xls, .ods) into raw cells that keep their sheet and A1 reference.

Nothing in a file is trusted: the size is checked here, then :mod:`cchc.guard` checks the structure (zip
directory, sheet extents and text bytes, BIFF records) before calamine parses anything; macros are never run
(only cell values are read); uploads are read through :mod:`cchc.sandbox`, in a worker process with hard
limits. Problems a user can cause come back as Issues. Sheets and columns are found by their texts
(:func:`cchc.layout.fold`), never by name or position; sheets are parsed lazily, last first, and the guide sheet
is skipped once the data and info sheets are found.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, TypeVar

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

from cchc import layout
from cchc.guard import MAX_UNCOMPRESSED_BYTES as MAX_UNCOMPRESSED_BYTES  # re-exported: part of the contract
from cchc.guard import Refused, check_area, column_letter, corrupt, mib, thousands
from cchc.guard_ole import check_ole
from cchc.guard_ooxml import OoxmlGuard, check_zip
from cchc.report import Issue, make_issue

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_SHEET_ROWS = 5_000  # a report has ~30 indicator rows
HEADER_SEARCH_ROWS = 100

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


class Cell(NamedTuple):
    """One cell, immutable (a NamedTuple: thousands are made per second)."""

    sheet: str
    ref: str
    value: object  # as calamine gives it: str ('' when empty), float, bool, date, datetime, time, timedelta

    @property
    def blank(self) -> bool:
        return _blank(self.value)

    @property
    def text(self) -> str:
        return cell_text(self.value)

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.ref}"


@dataclass(frozen=True)
class RawRow:
    number: int  # 1-based row number in the original sheet
    cells: dict[str, Cell]  # keyed by layout.COL_* texts; only the columns found in the header


@dataclass(frozen=True)
class RawWorkbook:
    info: dict[str, Cell]  # keyed by layout.INFO_* labels; the Cell is the value cell right of the label
    info_sheet: str
    data_sheet: str
    rows: list[RawRow]
    header_row: int = 0
    formula_cells: frozenset[str] = field(default=frozenset())  # refs on the data sheet: formula, no value

    def info_text(self, label: str) -> str:
        cell = self.info.get(label)
        return cell.text if cell else ""

    def packed(self) -> tuple:
        """The workbook as plain tuples, to send to another process: they pickle in C, while a NamedTuple or a
        dataclass costs Python calls per cell (a third of the cost of reading in a worker)."""
        return (tuple((label, tuple(cell)) for label, cell in self.info.items()), self.info_sheet, self.data_sheet,
                tuple((row.number, tuple((column, tuple(cell)) for column, cell in row.cells.items()))
                      for row in self.rows), self.header_row, self.formula_cells)

    @classmethod
    def unpacked(cls, packed: tuple) -> RawWorkbook:
        """The workbook :meth:`packed` gave."""
        info, info_sheet, data_sheet, rows, header_row, formula_cells = packed
        return cls({label: _cell(cell) for label, cell in info}, info_sheet, data_sheet,
                   [RawRow(number, {column: _cell(cell) for column, cell in cells}) for number, cells in rows],
                   header_row, formula_cells)


T = TypeVar("T")


def cell_text(value: object) -> str:
    """A cell's value as trimmed text; whole floats lose their ``.0`` (``2018.0`` → ``2018``)."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return str(value).replace("\u00a0", " ").strip()


_NUMBER_PATTERNS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"\d+"), "", ""),
    (re.compile(r"[1-9]\d{0,2}(?: \d{3})+(?:,\d+)?"), " ", ","),  # 1 234 567,5
    (re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?"), ".", ","),  # 1.234 / 1.234,5
    (re.compile(r"\d*,\d+"), "", ","),  # 85,5 / ,5
    (re.compile(r"[1-9]\d{0,2}(?:,\d{3}){2,}(?:\.\d+)?|[1-9]\d{0,2}(?:,\d{3})+\.\d+"), ",", "."),  # 1,234,567 / 1,234.5
    (re.compile(r"\d*\.\d+"), "", "."),  # 1.5 / 12.50 / 0.125
)


def parse_number(text: object) -> float | None:
    """A number from a cell, read the Vietnamese way; None when it is not one.

    Rule for the ambiguous dot: a dot followed by exactly three digits groups thousands (``1.234`` → 1234,
    ``1.234.567``, ``1.234,5`` → 1234.5), as Vietnamese writes numbers; any other dot is a decimal point
    (``1.5``, ``12.50``, ``0.125``, ``1.2345``). A comma is the decimal separator (``85,5``, ``1,234`` → 1.234)
    except in English-style ``1,234,567`` and ``1,234.5``. ``85%`` and ``85 %`` give 85; spaces (also
    non-breaking) around the number are ignored; a space may group thousands (``1 234``).
    """
    if type(text) is float:  # the common cases first: calamine gives numbers as floats, blanks as ''
        return text if math.isfinite(text) else None
    if text == "" or isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int | float):
        return float(text) if math.isfinite(text) else None
    if not isinstance(text, str):
        return None
    s = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2007", " ").strip()
    s = s.removesuffix("%").rstrip()
    sign = -1.0 if s[:1] in ("-", "\u2212") else 1.0
    s = s[1:].lstrip() if s[:1] in ("-", "+", "\u2212") else s
    for pattern, grouping, decimal in _NUMBER_PATTERNS:
        if pattern.fullmatch(s):
            plain = s.replace(grouping, "") if grouping else s
            return sign * float(plain.replace(decimal, ".") if decimal else plain)
    return None


def read_workbook(source: Path | str | bytes, filename: str = "",
                  lang: str = "vi") -> tuple[RawWorkbook | None, list[Issue]]:
    """Read a workbook from a path or bytes; file-level problems come back as Issues with no workbook.

    ``filename`` is informational only: the format is told by the bytes, never by the name.
    """
    try:
        data = _load(source, lang)
        return _locate(_grids(data, _guard(data, lang), lang), lang), []
    except Refused as refused:
        return None, [refused.issue]


def sheet_grids(data: bytes, lang: str = "vi") -> Iterator[Grid]:
    """Each worksheet's cells, last sheet first, behind the same size and structure checks as
    :func:`read_workbook` (for other sheets than reports: the PAR score sheet); raises :class:`Refused`."""
    data = _load(data, lang)
    return _grids(data, _guard(data, lang), lang)


def _guard(data: bytes, lang: str) -> OoxmlGuard | None:
    """The structure checks by format (told by the bytes, never the name); the OOXML per-sheet guard."""
    if data.startswith(_ZIP_MAGIC):
        return check_zip(data, lang)
    if data.startswith(_OLE_MAGIC):
        check_ole(data, lang)
        return None
    raise Refused(make_issue("not-a-workbook", lang=lang))


def _load(source: Path | str | bytes, lang: str) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = Path(source)
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Refused(make_issue("file-too-large", lang=lang, size=mib(size), limit=mib(MAX_FILE_BYTES)))
        data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise Refused(make_issue("file-too-large", lang=lang, size=mib(len(data)), limit=mib(MAX_FILE_BYTES)))
    return data


# name, (first row, first column) 0-based, rows, refs of formula cells without a value
Grid = tuple[str, tuple[int, int], Sequence[Sequence[object]], frozenset[str]]


def _grids(data: bytes, guard: OoxmlGuard | None, lang: str) -> Iterator[Grid]:
    """Each worksheet's cells, bounded in size, parsed lazily from the last sheet (data and info come last)."""
    book = _calamine(lang, CalamineWorkbook.from_filelike, io.BytesIO(data))
    for meta in reversed(book.sheets_metadata):
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        formulas = guard(meta.name) if guard else frozenset()
        sheet = _calamine(lang, book.get_sheet_by_name, meta.name)
        check_area(meta.name, sheet.height, sheet.width, lang)
        yield meta.name, sheet.start or (0, 0), _calamine(lang, sheet.to_python, nrows=MAX_SHEET_ROWS + 1), formulas


def _calamine(lang: str, call: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run a calamine call, turning its failures (errors, or Rust panics that are BaseExceptions) into Issues."""
    try:
        return call(*args, **kwargs)
    except PasswordError:
        raise Refused(make_issue("encrypted", lang=lang)) from None
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit | MemoryError):
            raise
        raise corrupt("parse", lang) from None


@lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    return layout.fold(text).rstrip(" :")


_COLUMNS = {layout.fold(c): c for c in layout.DATA_COLUMNS}
_LABELS = {layout.fold(label): label for label in layout.INFO_LABELS}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_info(name: str, origin: tuple[int, int], grid: Sequence[Sequence[object]]) -> dict[str, Cell]:
    info: dict[str, Cell] = {}
    top, left = origin
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if not isinstance(value, str) or (label := _LABELS.get(_fold(value))) is None or label in info:
                continue
            right = next((k for k in range(c + 1, len(row)) if not _blank(row[k])), c + 1)
            found = row[right] if right < len(row) else ""
            info[label] = Cell(name, f"{column_letter(left + right)}{top + r + 1}", found)
    return info


def _find_header(grid: Sequence[Sequence[object]]) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for c, value in enumerate(row):
            if isinstance(value, str) and (column := _COLUMNS.get(_fold(value))) and column not in found:
                found[column] = c
        if layout.COL_CODE in found and len(found) >= 3:
            return r, found
    return None


def _locate(grids: Iterator[Grid], lang: str) -> RawWorkbook:
    header: tuple[Grid, tuple[int, dict[str, int]]] | None = None
    info_sheet, info = layout.SHEET_INFO, dict[str, Cell]()
    for sheet in grids:
        if header is None and (found := _find_header(sheet[2])) is not None:
            header = sheet, found
            continue
        candidate = _find_info(*sheet[:3])
        if _score(candidate) > _score(info):
            info_sheet, info = sheet[0], candidate
        if header is not None and _score(info)[0] == len(_INFO_NEEDED):
            break  # the rest (the guide) need not be parsed
    if header is None:
        raise Refused(make_issue("missing-sheet", lang=lang, sheet=layout.SHEET_DATA))
    (data_sheet, (top, left), grid, formulas), (header_index, columns) = header
    if not info and (candidate := _find_info(data_sheet, (top, left), grid)):
        info_sheet, info = data_sheet, candidate
    code_ref = f"{column_letter(left + columns[layout.COL_CODE])}{top + header_index + 1}"
    missing = [c for c in layout.REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise Refused(make_issue("missing-column", lang=lang, sheet=data_sheet, cell=code_ref, column=missing[0]))
    if len(grid) > MAX_SHEET_ROWS:
        rows = f"{thousands(MAX_SHEET_ROWS)} dòng"
        raise Refused(make_issue("sheet-too-large", lang=lang, sheet=data_sheet, size=f"> {rows}", limit=rows))
    return RawWorkbook(info=info, info_sheet=info_sheet, data_sheet=data_sheet,
                       rows=_data_rows(data_sheet, (top, left), grid, header_index, columns),
                       header_row=top + header_index + 1, formula_cells=formulas)


_INFO_NEEDED = (layout.INFO_UNIT_CODE, layout.INFO_PERIOD, layout.INFO_VERSION)


def _score(info: dict[str, Cell]) -> tuple[int, int]:
    """(needed labels with a value, labels found): the info sheet is the one scoring highest."""
    return sum(1 for label in _INFO_NEEDED if label in info and not info[label].blank), len(info)


def _cell(fields: tuple[str, str, object]) -> Cell:
    return tuple.__new__(Cell, fields)  # skips NamedTuple's Python-level __new__ on the hot path


def _data_rows(sheet: str, origin: tuple[int, int], grid: Sequence[Sequence[object]], header_index: int,
               columns: dict[str, int]) -> list[RawRow]:
    top, left = origin
    letters = [(column, c, column_letter(left + c)) for column, c in columns.items()]
    figures = [columns[c] for c in (layout.COL_CODE, layout.COL_NUMERATOR, layout.COL_DENOMINATOR, layout.COL_VALUE)]
    rows = []
    for r in range(header_index + 1, len(grid)):
        row = grid[r]
        if all(c >= len(row) or _blank(row[c]) for c in figures):
            continue  # blank, or a heading/footer line without a code or a figure
        number = top + r + 1
        width = len(row)
        rows.append(RawRow(number, {column: _cell((sheet, f"{letter}{number}", row[c] if c < width else ""))
                                    for column, c, letter in letters}))
    return rows
