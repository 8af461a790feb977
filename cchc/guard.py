"""Refuse hostile or damaged uploads from their structure, before calamine parses them.

Calamine allocates a sheet's whole rectangle at once, and a damaged file can make it ask for terabytes, which
aborts the process (no Python exception): a two-cell .xlsx spanning A1:XFD1048576, an .ods repeating one filled
row a million times, an .xls whose DIMENSIONS record is inverted. Cells that all point at one long shared
string (or an .ods cell repeated over a block) make it allocate gigabytes of text. So this module reads the zip
central directory (sizes as declared: zipfile never inflates a member past them), then parses the XML parts
that matter with a streaming expat parser (DTDs and entity declarations refused, as defusedxml does) and
budgets in cells and in bytes: the longest text, the text a sheet expands to once every shared-string
reference and repeat is resolved. An .xls's BIFF records are walked (via olefile). Every refusal is an
:class:`~cchc.report.Issue` wrapped in :class:`Refused`. Whatever slips through still meets the hard limits
of the worker process that parses it (:mod:`cchc.sandbox`).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from functools import lru_cache
from typing import NoReturn
from xml.parsers import expat

import olefile

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
_CHUNK = 64 * 1024
_HUGE = 10 ** 9  # a count written with more digits than any sheet could need
# raw control characters are not XML 1.0, yet some tools write them and calamine reads them: seen as spaces
_CONTROLS = bytes.maketrans(bytes([*range(9), 11, 12, *range(14, 32)]), b" " * 29)

# what zipfile raises on damaged archives; NotImplementedError: a method (99 = AES) or version it lacks
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, ValueError, EOFError, KeyError,
               UnicodeDecodeError, NotImplementedError)
_DETAILS = {
    "zip": ("tệp nén bị cắt cụt hoặc hỏng", "the zip archive is truncated or damaged"),
    "ole": ("cấu trúc tệp Excel 97–2003 bị hỏng", "the Excel 97–2003 file structure is damaged"),
    "parse": ("nội dung bảng tính không đọc được", "the workbook content cannot be parsed"),
    "dtd": ("tệp chứa khai báo DTD hoặc thực thể XML, không được phép",
            "the file declares an XML DTD or entities, which is not allowed"),
}
_REF = re.compile(r"\$?([A-Za-z]+)\$?(\d+)")  # any length: "AAAA1" or a row of 11 digits must count as far away
# BIFF records: BOF, EOF, FILEPASS, BOUNDSHEET, DIMENSIONS; cells with (row, column) first; MULRK/MULBLANK
_BOF, _EOF, _FILEPASS, _BOUNDSHEET, _DIMENSIONS = 0x0809, 0x000A, 0x002F, 0x0085, 0x0200
_CELLS = frozenset({0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E})
_CELL_RUNS = frozenset({0x00BD, 0x00BE})


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
    return int(text) if len(text) <= 9 else _HUGE


@lru_cache(maxsize=4096)
def local(name: str) -> str:
    """``table:table-row`` → ``table-row`` (any prefix: the guard must be at least as lax as the reader)."""
    return name.rpartition(":")[2]


@lru_cache(maxsize=65_536)
def cell_at(ref: str) -> tuple[int, int] | None:
    """``E12`` → (4, 12): 0-based column, 1-based row; None when ``ref`` is not a cell reference."""
    found = _REF.fullmatch(ref)
    return (column_index(found[1]) if len(found[1]) <= 4 else _HUGE, count(found[2])) if found else None


# --- streaming XML ------------------------------------------------------------------------------------------

class _Scan:
    """Element handlers for one XML part; subclasses override what they need."""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


def scan(archive: zipfile.ZipFile, member: str, handlers: _Scan, lang: str) -> None:
    """Stream one zip member through expat into ``handlers``; DTDs and entity declarations are refused."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True

    def forbidden(*_: object) -> NoReturn:
        raise corrupt("dtd", lang)

    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = forbidden
    parser.ExternalEntityRefHandler = forbidden
    parser.StartElementHandler, parser.EndElementHandler = handlers.start, handlers.end
    parser.CharacterDataHandler = handlers.text
    try:
        with archive.open(member) as part:
            while chunk := part.read(_CHUNK):
                parser.Parse(chunk.translate(_CONTROLS), False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise corrupt("parse", lang) from None
    except _ZIP_ERRORS:
        raise corrupt("zip", lang) from None


def _attributes(attrs: dict[str, str]) -> dict[str, str]:
    return {local(k): v for k, v in attrs.items()}


class _Collect(_Scan):
    """The attributes of every element with one local name (``sheet``, ``Relationship``)."""

    def __init__(self, element: str) -> None:
        self.element = element
        self.found: list[dict[str, str]] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if local(name) == self.element:
            self.found.append(_attributes(attrs))


class _SharedStrings(_Scan):
    """The length of every shared string; refuses one longer than :data:`MAX_TEXT_CHARS`, or too many."""

    def __init__(self, lang: str) -> None:
        self.lengths, self.current, self.inside, self.lang = array("l"), 0, False, lang

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if local(name) == "si":
            self.current, self.inside = 0, True

    def text(self, data: str) -> None:
        if self.inside:
            self.current += len(data)

    def end(self, name: str) -> None:
        if local(name) != "si":
            return
        check_text("", "", self.current, self.lang)
        if len(self.lengths) >= MAX_SHARED_STRINGS:
            raise Refused(make_issue("content-too-large", lang=self.lang, size=thousands(len(self.lengths) + 1),
                                     limit=thousands(MAX_SHARED_STRINGS)))
        self.lengths.append(self.current)
        self.inside = False


class _Sheet(_Scan):
    """One OOXML worksheet: its extent, the text it expands to, and formula cells without a computed value.

    The handlers run for every element of every sheet read, so they are written for speed."""

    def __init__(self, sheet: str, shared: array, lang: str) -> None:
        self.sheet, self.shared, self.lang = sheet, shared, lang
        self.row = self.column = self.rows = self.size = 0
        self.top = self.left = _HUGE
        self.bottom = self.right = -1
        self.cell: tuple[str, str] | None = None  # (ref, type) of the open <c>
        self.formula, self.value, self.inline, self.inside = False, "", 0, ""  # inside: "v", "is" or ""
        self.formulas: set[str] = set()

    def start(self, name: str, attrs: dict[str, str]) -> None:
        element = local(name)
        if element == "c":
            self._open_cell(attrs.get("r", ""), attrs.get("t", "n"))
        elif element == "row":
            self.row, self.column = count(attrs.get("r"), self.row + 1), -1
            self.rows += 1
            if self.rows > MAX_SHEET_SPAN_ROWS:
                check_area(self.sheet, self.rows, 1, self.lang)
        elif self.cell is not None:
            if element == "f":
                self.formula = True
            elif element in ("v", "is"):
                self.inside = element

    def _open_cell(self, ref: str, kind: str) -> None:
        found = cell_at(ref)
        if found is None:
            self.column, row = self.column + 1, self.row
            ref = f"{column_letter(min(self.column, 16_383))}{row}"
        else:
            self.column, row = found
        if row < self.top:
            self.top = row
        if row > self.bottom:
            self.bottom = row
        if self.column < self.left:
            self.left = self.column
        if self.column > self.right:
            self.right = self.column
        self.cell, self.formula, self.value, self.inline = (ref, kind), False, "", 0

    def text(self, data: str) -> None:
        if self.inside == "v":
            self.value += data
        elif self.inside:
            self.inline += len(data)

    def end(self, name: str) -> None:
        element = local(name)
        if element == "c" and self.cell is not None:
            self._close_cell(*self.cell)
        elif element in ("v", "is"):
            self.inside = ""
        elif element == "row" and self.bottom >= 0:
            height, width = self.bottom - self.top + 1, self.right - self.left + 1
            if height > MAX_SHEET_SPAN_ROWS or height * width > MAX_SHEET_CELLS:
                check_area(self.sheet, height, width, self.lang)

    def _close_cell(self, ref: str, kind: str) -> None:
        value = self.value.strip()
        if self.formula and not value:
            self.formulas.add(ref)
        if kind == "s":
            index = count(value, _HUGE)
            length = self.shared[index] if index < len(self.shared) else 0
        else:
            length = self.inline if kind == "inlineStr" else len(value)
        if length > MAX_TEXT_CHARS:
            check_text(self.sheet, ref, length, self.lang)
        self.size += length
        if self.size > MAX_SHEET_TEXT_BYTES:
            check_sheet_bytes(self.sheet, self.size, self.lang)
        self.cell = None


class _Ods(_Scan):
    """An ODS content part, table by table: the extent calamine would allocate counting repeated rows and
    cells, each text's length and the text every table expands to."""

    def __init__(self, lang: str) -> None:
        self.lang, self.sheet = lang, ""
        self.rows = self.height = self.width = self.size = 0
        self.row_repeat = self.columns = self.used = self.row_size = 0
        self.cell: tuple[int, bool, int] | None = None  # (repeat, valued, text length) of the open cell

    def start(self, name: str, attrs: dict[str, str]) -> None:
        element = local(name)
        if element in ("table-cell", "covered-table-cell"):
            found = _attributes(attrs)
            self.cell = (count(found.get("number-columns-repeated")), "value-type" in found,
                         len(found.get("value", "")))
        elif element == "table-row":
            self.row_repeat = count(_attributes(attrs).get("number-rows-repeated"))
            self.columns = self.used = self.row_size = 0
        elif element == "table":
            self.sheet = _attributes(attrs).get("name", "")
            self.rows = self.height = self.width = self.size = 0
        elif self.cell is not None:  # any content makes the cell filled; <text:s text:c="9"/> is 9 spaces
            spaces = count(_attributes(attrs).get("c")) if element == "s" else 0
            self.cell = (self.cell[0], True, self.cell[2] + spaces)

    def text(self, data: str) -> None:
        if self.cell is not None:
            self.cell = (self.cell[0], True, self.cell[2] + len(data))

    def end(self, name: str) -> None:
        element = local(name)
        if element in ("table-cell", "covered-table-cell") and self.cell is not None:
            repeat, valued, length = self.cell
            check_text(self.sheet, f"{column_letter(min(self.columns, 16_383))}{self.rows + 1}", length, self.lang)
            self.columns += repeat
            if valued:
                self.used, self.row_size = self.columns, self.row_size + repeat * length
            self.cell = None
        elif element == "table-row":
            self.rows += self.row_repeat
            if self.used:
                self.height, self.width = self.rows, max(self.width, self.used)
                self.size += self.row_repeat * self.row_size
                check_area(self.sheet, self.height, self.width, self.lang)
                check_sheet_bytes(self.sheet, self.size, self.lang)


# --- zip: .xlsx, .xlsm, .ods -------------------------------------------------------------------------------

def check_zip(data: bytes, lang: str) -> OoxmlGuard | None:
    """Refuse a damaged or bomb-like zip from its directory, an ODS from its content part; for OOXML, return
    the per-sheet guard (shared strings already checked)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except _ZIP_ERRORS:
        raise corrupt("zip", lang) from None
    total = sum(m.file_size for m in members)
    bomb = any(m.file_size > RATIO_CHECK_MIN_BYTES and m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1)
               for m in members)
    if len(members) > MAX_ZIP_MEMBERS or total > MAX_UNCOMPRESSED_BYTES or bomb:
        raise Refused(make_issue("suspicious-archive", lang=lang, size=mib(total), limit=mib(MAX_UNCOMPRESSED_BYTES)))
    names = {m.filename for m in members}
    if "xl/workbook.xml" in names:
        return OoxmlGuard(archive, names, lang)
    if "content.xml" not in names:
        raise Refused(make_issue("not-a-workbook", lang=lang))
    scan(archive, "content.xml", _Ods(lang), lang)
    return None


class OoxmlGuard:
    """Checks an OOXML sheet's part before calamine builds it: extent, text bytes, formulas without a value."""

    def __init__(self, archive: zipfile.ZipFile, names: set[str], lang: str) -> None:
        self.archive, self.lang = archive, lang
        self.parts = dict(_sheet_parts(archive, lang))
        strings = _SharedStrings(lang)
        for member in sorted(n for n in names if n.lower().endswith("sharedstrings.xml")):
            scan(archive, member, strings, lang)
        self.shared = strings.lengths

    def __call__(self, name: str) -> frozenset[str]:
        """The refs of formula cells without a computed value; refuses a sheet too large in cells or bytes."""
        if name not in self.parts:
            return frozenset()
        sheet = _Sheet(name, self.shared, self.lang)
        scan(self.archive, self.parts[name], sheet, self.lang)
        return frozenset(sheet.formulas)


def _sheet_parts(archive: zipfile.ZipFile, lang: str) -> Iterator[tuple[str, str]]:
    """(sheet name, zip member) for every sheet of an OOXML workbook, from workbook.xml and its rels."""
    sheets, rels = _Collect("sheet"), _Collect("Relationship")
    scan(archive, "xl/workbook.xml", sheets, lang)
    scan(archive, "xl/_rels/workbook.xml.rels", rels, lang)
    targets = {r.get("Id"): r.get("Target", "") for r in rels.found}
    for sheet in sheets.found:
        if target := targets.get(sheet.get("id"), ""):
            yield sheet.get("name", ""), target[1:] if target.startswith("/") else f"xl/{target}"
# --- OLE: .xls, and OOXML encrypted into an OLE container --------------------------------------------------

def check_ole(data: bytes, lang: str) -> None:
    """Refuse an encrypted workbook, a non-workbook OLE file (.doc) and an .xls whose records are out of bounds."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            raise Refused(make_issue("encrypted", lang=lang))
        stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
        if stream is None:
            raise Refused(make_issue("not-a-workbook", lang=lang))
        biff = ole.openstream(stream).read(len(data))
    except Refused:
        raise
    except Exception:  # olefile reports damage with many exception types
        raise corrupt("ole", lang) from None
    _check_biff(biff, lang)


def _check_biff(biff: bytes, lang: str) -> None:
    """Walk the BIFF records: FILEPASS right after the first BOF means encrypted; each sheet's DIMENSIONS and
    cells must make a sane rectangle (calamine reserves it before reading a cell)."""
    names: dict[int, str] = {}
    pos, end, sheet, first, cells = 0, len(biff), "", True, [65536, 0, 256, 0]  # rows min/max, columns min/max
    while pos + 4 <= end:
        kind, size = struct.unpack_from("<HH", biff, pos)
        at, pos = pos + 4, pos + 4 + size
        if pos > end:
            break
        if kind == _BOF:
            sheet, cells = names.get(at - 4, ""), [65536, 0, 256, 0]
        elif kind == _FILEPASS and first:
            raise Refused(make_issue("encrypted", lang=lang))
        elif kind == _BOUNDSHEET and size >= 8:
            names[struct.unpack_from("<I", biff, at)[0]] = _sheet_name(biff[at:pos])
        elif kind == _DIMENSIONS and size in (10, 14):
            row_min, row_max, col_min, col_max = struct.unpack_from("<IIHH" if size == 14 else "<HHHH", biff, at)
            if row_min > row_max or col_min > col_max or row_max > 65536 or col_max > 256:
                raise corrupt("ole", lang)
            check_area(sheet, row_max - row_min, col_max - col_min, lang)
        elif (kind in _CELLS or kind in _CELL_RUNS) and size >= 6:
            row, col = struct.unpack_from("<HH", biff, at)
            last = struct.unpack_from("<H", biff, pos - 2)[0] if kind in _CELL_RUNS else col
            cells = [min(cells[0], row), max(cells[1], row), min(cells[2], col), max(cells[3], last)]
        elif kind == _EOF and cells[1] >= cells[0]:
            check_area(sheet, cells[1] - cells[0] + 1, cells[3] - cells[2] + 1, lang)
        first = first and kind == _BOF


def _sheet_name(body: bytes) -> str:
    """A BOUNDSHEET record's sheet name (BIFF8: 8-bit strings are Latin-1, 16-bit ones UTF-16)."""
    length, wide = body[6], body[7] & 1
    return body[8:8 + length * (2 if wide else 1)].decode("utf-16-le" if wide else "latin-1", errors="replace")
