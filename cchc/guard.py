"""Refuse hostile or damaged uploads from their structure, before calamine parses them.

Calamine allocates a sheet's whole rectangle at once, and a damaged file can make it ask for terabytes, which
aborts the process (no Python exception): a two-cell .xlsx spanning A1:XFD1048576, an .ods repeating one filled
row a million times, an .xls whose DIMENSIONS record is inverted. So this module reads only directories and
cheap markers: the zip central directory (sizes as declared, nothing inflated), each OOXML sheet's cell
references, an ODS table's repeat counts, and an .xls's BIFF records (via olefile). Every refusal is an
:class:`~cchc.report.Issue` wrapped in :class:`Refused`.
"""

from __future__ import annotations

import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

import olefile

from cchc.report import Issue, make_issue

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # deflate of real sheets stays far below this; zeros reach ~1000
RATIO_CHECK_MIN_BYTES = 1024 * 1024  # tiny members may compress absurdly well, harmlessly
MAX_ZIP_MEMBERS = 1000
MAX_SHEET_CELLS = 1_000_000  # the rectangle calamine allocates for one sheet (32 bytes a cell)
MAX_SHEET_SPAN_ROWS = 65_536  # no sheet of a report comes near the old Excel limit; parsing more is waste

# what zipfile raises on damaged archives; NotImplementedError: a method (99 = AES) or version it lacks
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, ValueError, EOFError, KeyError,
               UnicodeDecodeError, NotImplementedError)
_DETAILS = {
    "zip": ("tệp nén bị cắt cụt hoặc hỏng", "the zip archive is truncated or damaged"),
    "ole": ("cấu trúc tệp Excel 97–2003 bị hỏng", "the Excel 97–2003 file structure is damaged"),
    "parse": ("nội dung bảng tính không đọc được", "the workbook content cannot be parsed"),
}
_REF_RE = re.compile(rb" r=\"([A-Z]{0,3})(\d+)\"")  # only <row> and <c> carry an r attribute
_CELL_BODY_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
_VALUE_RE = re.compile(rb"<(?:\w+:)?v>[^<]")
_SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\sname=\"([^\"]*)\"[^>]*?\s(?:\w+:)?id=\"([^\"]*)\"")
_REL_RE = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*?\sId=\"([^\"]*)\"[^>]*?\sTarget=\"([^\"]*)\"")
_REL_RE_ALT = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*?\sTarget=\"([^\"]*)\"[^>]*?\sId=\"([^\"]*)\"")
_ODS_TABLE_RE = re.compile(rb"<table:table[\s>]")
_ODS_NAME_RE = re.compile(rb"^[^>]*?table:name=\"([^\"]*)\"")
_ODS_ROW_RE = re.compile(rb"<table:table-row\b([^>]*?)(?:/>|>(.*?)</table:table-row>)", re.S)
_ODS_CELL_RE = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(/?)>")
_ODS_REPEAT_RE = re.compile(rb"number-(?:rows|columns)-repeated=\"(\d+)\"")
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


def column_index(letters: str) -> int:
    """``A`` → 0, ``AA`` → 26."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


# --- zip: .xlsx, .xlsm, .ods -------------------------------------------------------------------------------

def check_zip(data: bytes, lang: str) -> OoxmlGuard | None:
    """Refuse a damaged or bomb-like zip from its directory alone; for OOXML, return the per-sheet guard."""
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
        return OoxmlGuard(archive, lang)
    if "content.xml" not in names:
        raise Refused(make_issue("not-a-workbook", lang=lang))
    try:
        content = archive.read("content.xml")
    except _ZIP_ERRORS:
        raise corrupt("zip", lang) from None
    for name, height, width in _ods_extents(content):
        check_area(name, height, width, lang)
    return None


def _ods_extents(xml: bytes) -> Iterator[tuple[str, int, int]]:
    """(table name, rows, columns) calamine would allocate per ODS table, counting repeated rows and cells."""
    for table in _ODS_TABLE_RE.split(xml)[1:]:
        name = _ODS_NAME_RE.search(table)
        height = width = rows = 0
        for attributes, body in _ODS_ROW_RE.findall(table):
            columns = used = 0
            for cell_attributes, closed in _ODS_CELL_RE.findall(body):
                columns += _repeat(cell_attributes)
                used = columns if not closed or b"value-type=" in cell_attributes else used  # <c value=…/> is filled
            rows += _repeat(attributes)
            if used:
                height, width = rows, max(width, used)
        yield html.unescape(name[1].decode()) if name else "", height, width


def _repeat(attributes: bytes) -> int:
    found = _ODS_REPEAT_RE.search(attributes)
    return int(found[1]) if found else 1


class OoxmlGuard:
    """Checks an OOXML sheet's part before calamine builds it: cell extent, formulas without a value."""

    def __init__(self, archive: zipfile.ZipFile, lang: str) -> None:
        try:
            self.parts = dict(_sheet_parts(archive))
        except _ZIP_ERRORS:
            raise corrupt("zip", lang) from None
        self.archive, self.lang = archive, lang

    def __call__(self, name: str) -> frozenset[str]:
        """The refs of formula cells without a computed value; refuses a sheet spanning too many cells."""
        if name not in self.parts:
            return frozenset()
        try:
            xml = self.archive.read(self.parts[name])
        except _ZIP_ERRORS:
            raise corrupt("zip", self.lang) from None
        return _scan_sheet_part(xml, name, self.lang)


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip member) for every sheet of an OOXML workbook, from workbook.xml and its rels."""
    book = archive.read("xl/workbook.xml")
    rels_xml = archive.read("xl/_rels/workbook.xml.rels")
    rels = {rid: target for rid, target in _REL_RE.findall(rels_xml)}
    rels.update({rid: target for target, rid in _REL_RE_ALT.findall(rels_xml)})
    parts = []
    for name, rid in _SHEET_RE.findall(book):
        target = html.unescape(rels.get(rid, b"").decode())
        if target:
            parts.append((html.unescape(name.decode()), target[1:] if target.startswith("/") else f"xl/{target}"))
    return parts


def _scan_sheet_part(xml: bytes, name: str, lang: str) -> frozenset[str]:
    # counting row elements costs nothing; listing a million references first would take ~150 MiB
    check_area(name, xml.count(b"<row ") + xml.count(b"<row>"), 1, lang)
    refs = _REF_RE.findall(xml)  # rows (r="12") and cells (r="E12")
    rows = [int(r) for _, r in refs]
    columns = [column_index(c.decode()) for c in {c for c, _ in refs if c}]
    if rows:  # cells without a reference sit in their row: count at least one column
        check_area(name, max(rows) - min(rows) + 1, max(columns) - min(columns) + 1 if columns else 1, lang)
    if not _FORMULA_RE.search(xml):
        return frozenset()
    found = set()
    for attributes, body in _CELL_BODY_RE.findall(xml):
        ref = re.search(rb"\sr=\"([A-Z]+\d+)\"", b" " + attributes)
        if ref and _FORMULA_RE.search(body) and not _VALUE_RE.search(body):
            found.add(ref[1].decode())
    return frozenset(found)


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
