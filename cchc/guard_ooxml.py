"""The zip formats (.xlsx, .xlsm, .ods): the central directory (sizes as declared: zipfile never inflates a
member past them), then the XML parts that matter streamed through expat (DTDs and entity declarations refused,
as defusedxml does), budgeted with :mod:`cchc.guard`'s limits: extent, the longest text, the text a sheet
expands to once every shared-string reference and repeat is resolved, formulas without a value.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from typing import NoReturn
from xml.parsers import expat

from cchc.guard import (
    HUGE,
    MAX_COMPRESSION_RATIO,
    MAX_SHARED_STRINGS,
    MAX_SHEET_CELLS,
    MAX_SHEET_SPAN_ROWS,
    MAX_SHEET_TEXT_BYTES,
    MAX_TEXT_CHARS,
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_MEMBERS,
    RATIO_CHECK_MIN_BYTES,
    Refused,
    cell_at,
    check_area,
    check_sheet_bytes,
    check_text,
    column_letter,
    corrupt,
    count,
    local,
    mib,
    thousands,
)
from cchc.report import make_issue

_CHUNK = 64 * 1024
# raw control characters are not XML 1.0, yet some tools write them and calamine reads them: seen as spaces
_CONTROLS = bytes.maketrans(bytes([*range(9), 11, 12, *range(14, 32)]), b" " * 29)
# what zipfile raises on damaged archives; NotImplementedError: a method (99 = AES) or version it lacks
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, ValueError, EOFError, KeyError,
               UnicodeDecodeError, NotImplementedError)


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


class Collect(_Scan):
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
        self.top = self.left = HUGE
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
            index = count(value, HUGE)
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

def open_zip(data: bytes, lang: str) -> tuple[zipfile.ZipFile, set[str]]:
    """The archive and its member names, after refusing a damaged or bomb-like zip from its directory (too
    many members, too many bytes declared, a member compressed beyond :data:`MAX_COMPRESSION_RATIO`)."""
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
    return archive, {m.filename for m in members}


def check_zip(data: bytes, lang: str) -> OoxmlGuard | None:
    """Refuse a damaged or bomb-like zip (:func:`open_zip`), an ODS from its content part; for OOXML, return
    the per-sheet guard (shared strings already checked)."""
    archive, names = open_zip(data, lang)
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
    sheets, rels = Collect("sheet"), Collect("Relationship")
    scan(archive, "xl/workbook.xml", sheets, lang)
    scan(archive, "xl/_rels/workbook.xml.rels", rels, lang)
    targets = {r.get("Id"): r.get("Target", "") for r in rels.found}
    for sheet in sheets.found:
        if target := targets.get(sheet.get("id"), ""):
            yield sheet.get("name", ""), target[1:] if target.startswith("/") else f"xl/{target}"
