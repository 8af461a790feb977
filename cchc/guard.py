"""Refuse hostile or damaged uploads from their structure, before calamine parses them: the limits and what the
format checks share.

Calamine allocates a sheet's whole rectangle at once, and a damaged file can make it ask for terabytes, which
aborts the process (no Python exception): a two-cell .xlsx spanning A1:XFD1048576, an .ods repeating one filled
row a million times, an .xls whose DIMENSIONS record is inverted. Cells that all point at one long shared
string (or an .ods cell repeated over a block) make it allocate gigabytes of text. So the zip formats are read
from their central directory and their XML parts streamed (:mod:`cchc.guard_ooxml`), an .xls's BIFF records are
walked (:mod:`cchc.guard_ole`), both budgeting in cells and in bytes with the limits here. Every refusal is an
:class:`~cchc.report.Issue` wrapped in :class:`Refused`. Whatever slips through still meets the hard limits
of the worker process that parses it (:mod:`cchc.sandbox`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from cchc.report import Issue, make_issue

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # deflate of real sheets stays far below this; zeros reach ~1000
RATIO_CHECK_MIN_BYTES = 1024 * 1024  # tiny members may compress absurdly well, harmlessly
MAX_ZIP_MEMBERS = 1000
MAX_SHEET_CELLS = 1_000_000  # the rectangle calamine allocates for one sheet (32 bytes a cell)
MAX_SHEET_SPAN_ROWS = 65_536  # no sheet of a report comes near the old Excel limit; parsing more is waste
MAX_TEXT_CHARS = 32_767  # Excel's own limit for one cell
MAX_SHEET_TEXT_BYTES = 16 * 1024 * 1024  # text of one sheet, every shared string and repeat resolved
MAX_SHARED_STRINGS = 200_000  # a report holds a few hundred
HUGE = 10 ** 9  # a count written with more digits than any sheet could need

_DETAILS = {
    "zip": ("tệp nén bị cắt cụt hoặc hỏng", "the zip archive is truncated or damaged"),
    "ole": ("cấu trúc tệp Excel 97–2003 bị hỏng", "the Excel 97–2003 file structure is damaged"),
    "parse": ("nội dung bảng tính không đọc được", "the workbook content cannot be parsed"),
    "dtd": ("tệp chứa khai báo DTD hoặc thực thể XML, không được phép",
            "the file declares an XML DTD or entities, which is not allowed"),
}
_REF = re.compile(r"\$?([A-Za-z]+)\$?(\d+)")  # any length: "AAAA1" or a row of 11 digits must count as far away


class Refused(Exception):
    """The file is refused; ``issue`` says why."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.code)
        self.issue = issue


def corrupt(kind: str, lang: str) -> Refused:
    vi, en = _DETAILS[kind]
    return Refused(make_issue("corrupt-file", lang=lang, detail=en if lang == "en" else vi))


def mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


def thousands(number: int) -> str:
    """``1000000`` → ``1.000.000`` (Vietnamese digit grouping)."""
    return f"{number:,}".replace(",", ".")


def check_area(sheet: str, height: int, width: int, lang: str) -> None:
    """Refuse a sheet spanning more than :data:`MAX_SHEET_CELLS` cells or :data:`MAX_SHEET_SPAN_ROWS` rows."""
    if height * width > MAX_SHEET_CELLS or height > MAX_SHEET_SPAN_ROWS:
        raise Refused(make_issue(
            "sheet-too-large", lang=lang, sheet=sheet, size=f"{thousands(height)} × {thousands(width)} ô",
            limit=f"{thousands(MAX_SHEET_CELLS)} ô, {thousands(MAX_SHEET_SPAN_ROWS)} dòng"))


def check_text(sheet: str, cell: str, length: int, lang: str) -> None:
    """Refuse one text longer than :data:`MAX_TEXT_CHARS` characters."""
    if length > MAX_TEXT_CHARS:
        raise Refused(make_issue("text-too-large", lang=lang, sheet=sheet, cell=cell, size=thousands(length),
                                 limit=thousands(MAX_TEXT_CHARS)))


def check_sheet_bytes(sheet: str, size: int, lang: str) -> None:
    """Refuse a sheet whose texts, references and repeats resolved, exceed :data:`MAX_SHEET_TEXT_BYTES`."""
    if size > MAX_SHEET_TEXT_BYTES:
        raise Refused(make_issue("content-too-large", lang=lang, sheet=sheet, size=f"> {mib(MAX_SHEET_TEXT_BYTES)}",
                                 limit=mib(MAX_SHEET_TEXT_BYTES)))


def column_index(letters: str) -> int:
    """``A`` → 0, ``AA`` → 26."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


@lru_cache(maxsize=1024)
def column_letter(index: int) -> str:
    """0-based column index → ``A``, ``Z``, ``AA`` …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def count(text: str | None, default: int = 1) -> int:
    """A count or number written in an attribute; absurdly long digit strings count as huge, junk as ``default``."""
    if not text or not text.isdigit():
        return default
    return int(text) if len(text) <= 9 else HUGE


@lru_cache(maxsize=4096)
def local(name: str) -> str:
    """``table:table-row`` → ``table-row`` (any prefix: the guard must be at least as lax as the reader)."""
    return name.rpartition(":")[2]


@lru_cache(maxsize=65_536)
def cell_at(ref: str) -> tuple[int, int] | None:
    """``E12`` → (4, 12): 0-based column, 1-based row; None when ``ref`` is not a cell reference."""
    found = _REF.fullmatch(ref)
    return (column_index(found[1]) if len(found[1]) <= 4 else HUGE, count(found[2])) if found else None
