"""A corpus of hostile and broken uploads, every one built in code (nothing large is committed).

Each :class:`Case` names the file, builds its bytes (cached: some take a second) and says what must happen:
``rejected`` with one of ``codes``, or ``accepted`` when the content is a valid report in an odd wrapping
(macros, emoji, right-to-left text): then the values must be stored exactly and never executed.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import random
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import xlwt
from openpyxl import load_workbook

from tests.workbooks import build_workbook, to_xlsm

FIXTURES = Path(__file__).resolve().parent / "fixtures"
INFO, DATA = "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"  # as build_workbook writes them
FORMULA_TEXTS = ('=HYPERLINK("http://evil.example/x","Bấm vào đây")', "=cmd|' /C calc'!A0", "+1+1", "-2+3",
                 "@SUM(1,2)")
CONTROL = "Nguyễn\x01\x02Văn\x1b[31mAn\x7f"
RTL_EMOJI = "مرحبا שלום 👩🏽‍💻🇻🇳 \u202etxt.exe\u202c Nguyễn"


@dataclass(frozen=True)
class Case:
    id: str
    filename: str
    build: Callable[[], bytes]
    outcome: str  # 'rejected' | 'accepted'
    codes: tuple[str, ...] = ()  # a rejection carries at least one of these


def valid(**knobs: object) -> bytes:
    return build_workbook("SNV", "2018", **knobs)


def rezip(data: bytes, change: Callable[[str, bytes], bytes] = lambda n, d: d, extra: Iterator[tuple] = (),
          compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The zip ``data`` with every member passed through ``change`` and ``extra`` (name, bytes) members added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, change(item.filename, src.read(item.filename)))
        for name, content in extra:
            dst.writestr(name, content)
    return out.getvalue()


def patched(member: str, old: bytes, new: bytes, data: bytes | None = None) -> bytes:
    def change(name: str, content: bytes) -> bytes:
        if name != member:
            return content
        assert old in content, (member, old)
        return content.replace(old, new, 1)
    return rezip(data or valid(), change)


def streamed_sheet(rows: Iterator[bytes]) -> bytes:
    """A valid workbook whose data sheet is replaced by ``rows`` (written in chunks: memory stays small)."""
    source, out = valid(), io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                                     compresslevel=1) as dst:
        for item in src.infolist():
            if item.filename != DATA:
                dst.writestr(item.filename, src.read(item.filename))
                continue
            with dst.open(DATA, "w", force_zip64=True) as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                            b"<sheetData>")
                for chunk in rows:
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@cache
def million_rows() -> bytes:
    """One million filled rows on the data sheet (cells without references, so only the row count tells)."""
    def rows() -> Iterator[bytes]:
        for start in range(1, 1_000_001, 10_000):
            yield b"".join(b'<row r="%d"><c><v>%d</v></c></row>' % (r, r % 97) for r in range(start, start + 10_000))
    return streamed_sheet(rows())


@cache
def zeros_bomb() -> bytes:
    """A sheet of 60 MiB of zeros: compresses a thousandfold."""
    return streamed_sheet(b"\0" * (1 << 20) for _ in range(60))


def declared_gigabytes() -> bytes:
    """A small zip whose directory declares its data sheet as 4 GiB (the local and central sizes are patched)."""
    data = bytearray(valid())
    name = DATA.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature + b"")
        while at >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                struct.pack_into("<I", data, at + offset, 0xFFFF_FFF0)
            at = data.find(signature, at + 4)
    return bytes(data)


def many_members() -> bytes:
    return rezip(valid(), extra=((f"xl/media/image{n}.png", b"x") for n in range(1200)))


def unsupported_compression() -> bytes:
    """The data sheet's method id set to 99 (AES, which nobody here can decrypt)."""
    data = bytearray(valid())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        struct.pack_into("<H", data, at + 10, 99)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def entity_bomb(member: str, old: bytes, data: bytes | None = None) -> bytes:
    """Billion laughs: ten levels of ten-fold entity expansion (10^10 'lol's) declared in a part's DOCTYPE and
    used in place of ``old``."""
    levels = [b'<!ENTITY l0 "lol">'] + [b'<!ENTITY l%d "%s">' % (n, b"&l%d;" % (n - 1) * 10) for n in range(1, 10)]
    doctype = b"<!DOCTYPE x [" + b"".join(levels) + b"]>"
    return rezip(data or valid(), lambda n, d: doctype + d.replace(old, b"&l9;", 1) if n == member else d)


def external_entity() -> bytes:
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return rezip(valid(), lambda n, d: doctype + d.replace(b"<t>SNV</t>", b"<t>&xxe;</t>") if n == INFO else d)


def deep_nesting() -> bytes:
    depth = 50_000
    return patched(DATA, b"</worksheet>", b"<extLst>" + b"<ext>" * depth + b"</ext>" * depth + b"</extLst></worksheet>")


def xlsb() -> bytes:
    """The shape of an .xlsb (binary workbook parts), which is not accepted."""
    return rezip(valid(), lambda n, d: d, extra=(("xl/workbook.bin", b"\x83\x01\x00"),)).replace(
        b"xl/workbook.xml", b"xl/workbook.bak")


def xls_sparse() -> bytes:
    """An Excel 97–2003 file with two cells, A1 and IV65536 (calamine would allocate 16.7 million cells)."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("Số liệu")
    sheet.write(0, 0, "x")
    sheet.write(65535, 255, "y")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def merged_over_data() -> bytes:
    book = load_workbook(io.BytesIO(valid()))
    book.worksheets[-1].merge_cells("D5:F12")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods_repeated() -> bytes:
    """The valid .ods with one self-closed, valued cell repeated over every row and column: a 30 KB file that
    asks calamine for 17 billion cells (this one found a hole in the reader's guard, now closed)."""
    row = (b'<table:table-row table:number-rows-repeated="1048576"><table:table-cell office:value-type="float" '
           b'office:value="1" table:number-columns-repeated="16384"/></table:table-row>')
    old = b'<table:table-row table:style-name="ro1" table:number-rows-repeated="1048573"><table:table-cell/>' \
          b"</table:table-row>"
    return rezip((FIXTURES / "valid.ods").read_bytes(), lambda n, d: d.replace(old, row, 1) if n == "content.xml"
                 else d)


def sparse_extent() -> bytes:
    """Two cells, A1 and XFD1048576: calamine would allocate the whole rectangle (500 GiB)."""
    return patched(DATA, b"</sheetData>",
                   b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')


def control_characters() -> bytes:
    """Raw control characters (invalid in XML 1.0) in the reporter's name and a note: Excel never writes them,
    other tools do."""
    data = valid(first=["1a.1"], update={"1a.1": {"note": "GHICHU"}})
    return patched(DATA, b"GHICHU", CONTROL.encode(), patched(INFO, "Nguyễn Văn An".encode(), CONTROL.encode(), data))


def formula_text() -> bytes:
    """Texts that a spreadsheet would run as formulas, stored as plain text (a formula-injection attempt)."""
    data = valid(first=["1a.1"], update={"1a.1": {"note": FORMULA_TEXTS[1]}})
    return patched(INFO, "Nguyễn Văn An".encode(), FORMULA_TEXTS[0].replace('"', "&quot;").encode(), data)


def quoted_sparse_extent(spelling: bytes) -> bytes:
    """The 8 KB file that once killed the server: legal XML the old regular-expression guard did not read
    (single quotes, spaces around ``=``, a line break between attributes), spanning A1:XFD1048576."""
    return patched(DATA, b"</sheetData>", b"<row%s><c%s t='inlineStr'><is><t>x</t></is></c></row></sheetData>"
                   % (spelling.replace(b"REF", b"1048576"), spelling.replace(b"REF", b"XFD1048576")))


def shared_string_amplifier(text_chars: int, cells: int) -> bytes:
    """One shared string of ``text_chars`` characters that ``cells`` cells all refer to: a small file whose
    cells expand to ``text_chars × cells`` characters."""
    shared = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
              b"<si><t>" + b"x" * text_chars + b"</t></si></sst>")
    rows = b"".join(b'<row r="%d"><c r="H%d" t="s"><v>0</v></c></row>' % (n, n) for n in range(40, 40 + cells))
    rel = (b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')

    def change(name: str, content: bytes) -> bytes:
        if name == DATA:
            return content.replace(b"</sheetData>", rows + b"</sheetData>")
        return content.replace(b"</Relationships>", rel) if name == "xl/_rels/workbook.xml.rels" else content
    return rezip(valid(), change, extra=(("xl/sharedStrings.xml", shared),))


def ods_cell(cell: bytes, rows: int = 1) -> bytes:
    """The valid .ods with one extra first row (repeated ``rows`` times) holding ``cell``."""
    row = b'<table:table-row table:number-rows-repeated="%d">%s</table:table-row>' % (rows, cell)
    return rezip((FIXTURES / "valid.ods").read_bytes(),
                 lambda n, d: d.replace(b"<table:table-row", row + b"<table:table-row", 1) if n == "content.xml" else d)


CASES: tuple[Case, ...] = (
    Case("empty", "rong.xlsx", lambda: b"", "rejected", ("not-a-workbook",)),
    Case("random-bytes", "ngau-nhien.xlsx", lambda: random.Random(1).randbytes(64_000), "rejected",
         ("not-a-workbook",)),
    Case("zip-magic-garbage", "gia-zip.xlsx", lambda: b"PK\x03\x04" + random.Random(2).randbytes(5_000), "rejected",
         ("corrupt-file",)),
    Case("ole-magic-garbage", "gia-ole.xls", lambda: bytes.fromhex("d0cf11e0a1b11ae1") + random.Random(3).randbytes(
        9_000), "rejected", ("corrupt-file", "not-a-workbook")),
    Case("truncated-zip", "cat-cut.xlsx", lambda: valid()[: len(valid()) // 2], "rejected", ("corrupt-file",)),
    Case("empty-zip", "zip-rong.xlsx", lambda: b"PK\x05\x06" + b"\0" * 18, "rejected",
         ("not-a-workbook", "corrupt-file")),
    Case("zip-bomb-ratio", "bom-nen.xlsx", zeros_bomb, "rejected", ("suspicious-archive",)),
    Case("zip-declares-gigabytes", "khai-4gb.xlsx", declared_gigabytes, "rejected",
         ("suspicious-archive", "corrupt-file")),
    Case("zip-many-members", "1200-tep.xlsx", many_members, "rejected", ("suspicious-archive",)),
    Case("zip-unsupported-method", "ma-hoa-aes.xlsx", unsupported_compression, "rejected", ("corrupt-file",)),
    Case("million-rows", "trieu-dong.xlsx", million_rows, "rejected", ("sheet-too-large",)),
    Case("xls-sparse-extent", "o-xa.xls", xls_sparse, "rejected", ("sheet-too-large",)),
    Case("sparse-extent", "o-xa.xlsx", sparse_extent, "rejected", ("sheet-too-large",)),
    Case("ods-repeated-rows", "lap-dong.ods", ods_repeated, "rejected", ("sheet-too-large",)),
    Case("too-large", "qua-lon.xlsx", lambda: valid() + b"\0" * (10 * 1024 * 1024), "rejected", ("file-too-large",)),
    Case("billion-laughs-sheet", "ti-tiếng-cười.xlsx", lambda: entity_bomb(INFO, b"SNV"), "rejected",
         ("corrupt-file", "missing-info", "unknown-unit", "missing-sheet")),
    Case("billion-laughs-workbook", "ti-tieng-cuoi-2.xlsx",
         lambda: entity_bomb("xl/workbook.xml", "Số liệu".encode()), "rejected",
         ("corrupt-file", "not-a-workbook", "missing-sheet")),
    Case("external-entity", "xxe.xlsx", external_entity, "rejected",
         ("corrupt-file", "missing-info", "unknown-unit", "missing-sheet")),
    Case("deep-nesting", "long-sau.xlsx", deep_nesting, "accepted"),  # an unknown part nobody reads
    Case("encrypted-xlsx", "mat-khau.xlsx", lambda: (FIXTURES / "encrypted.xlsx").read_bytes(), "rejected",
         ("encrypted",)),
    Case("encrypted-xls", "mat-khau.xls", lambda: (FIXTURES / "encrypted.xls").read_bytes(), "rejected",
         ("encrypted",)),
    Case("xlsb", "nhi-phan.xlsb.xlsx", xlsb, "rejected", ("not-a-workbook",)),
    Case("csv-renamed", "bang.xlsx", lambda: "Mã chỉ tiêu,Giá trị\n1a.1,5\n".encode(), "rejected",
         ("not-a-workbook",)),
    Case("html-as-xls", "xuat-tu-phan-mem.xls", lambda: "<html><table><tr><td>Mã chỉ tiêu</td></tr></table></html>"
         .encode(), "rejected", ("not-a-workbook",)),
    Case("pdf-renamed", "cong-van.xlsx", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "rejected",
         ("not-a-workbook",)),
    Case("gzip-renamed", "nen.xlsx", lambda: gzip.compress(valid()), "rejected", ("not-a-workbook",)),
    Case("formulas-not-values", "cong-thuc.xlsx", lambda: valid(first=["1a.1"], update={"1a.1": {"value": "=2+3"}}),
         "rejected", ("formula-cell",)),
    Case("date-in-number", "ngay-trong-o-so.xlsx",
         lambda: valid(first=["1a.1"], update={"1a.1": {"value": dt.date(2018, 5, 1)}}), "rejected",
         ("not-a-number",)),
    Case("merged-over-data", "gop-o.xlsx", merged_over_data, "rejected",
         ("required-value-missing", "not-a-number", "numerator-exceeds-denominator", "zero-denominator")),
    Case("huge-text-unit", "ma-dai.xlsx", lambda: valid(info={"Mã đơn vị": "S" * 1_000_000}), "rejected",
         ("unknown-unit",)),  # openpyxl itself cuts it to 32,767 characters
    Case("sql-in-unit", "sql.xlsx", lambda: valid(info={"Mã đơn vị": "SNV'; DROP TABLE submission; --"}),
         "rejected", ("unknown-unit",)),
    Case("nan-and-infinity", "vo-cuc.xlsx", lambda: valid(first=["1a.1"], update={"1a.1": {"value": "1e999"}}),
         "rejected", ("not-a-number",)),
    Case("control-characters", "ky-tu-dieu-khien.xlsx", control_characters, "accepted"),
    Case("macro-enabled", "macro.xlsm", lambda: to_xlsm(valid()), "accepted"),
    Case("rtl-and-emoji", "emoji-😀-مرحبا.xlsx", lambda: valid(reporter=RTL_EMOJI, first=["1a.1"],
                                                              update={"1a.1": {"note": RTL_EMOJI}}), "accepted"),
    Case("long-note", "ghi-chu-dai.xlsx", lambda: valid(first=["1a.1"], update={"1a.1": {"note": "ư" * 2_001}}),
         "rejected", ("note-too-long",)),
    Case("note-at-limit", "ghi-chu-2000.xlsx", lambda: valid(first=["1a.1"], update={"1a.1": {"note": "ư" * 2_000}}),
         "accepted"),
    Case("huge-note", "ghi-chu-2trieu.xlsx", lambda: patched(DATA, b"GHICHU", "".join(random.Random(4).choices(
        "abcdefghij", k=2_000_000)).encode(), valid(first=["1a.1"], update={"1a.1": {"note": "GHICHU"}})), "rejected",
         ("text-too-large",)),
    Case("sparse-extent-single-quotes", "nhay-don.xlsx", lambda: quoted_sparse_extent(b" r='REF'"), "rejected",
         ("sheet-too-large",)),
    Case("sparse-extent-spaced", "cach-dong.xlsx", lambda: quoted_sparse_extent(b'\n\t r = "REF" '), "rejected",
         ("sheet-too-large",)),
    Case("shared-string-amplifier", "khuech-dai.xlsx", lambda: shared_string_amplifier(30_000, 2_000), "rejected",
         ("content-too-large",)),
    Case("shared-string-too-long", "chuoi-dai.xlsx", lambda: shared_string_amplifier(40_000, 1), "rejected",
         ("text-too-large",)),
    Case("ods-repeated-text", "lap-chu.ods", lambda: ods_cell(
        b'<table:table-cell table:number-columns-repeated="100" office:value-type="string"><text:p>'
        + b"x" * 1_000 + b"</text:p></table:table-cell>", rows=1_000), "rejected", ("content-too-large",)),
    Case("ods-space-run", "dau-cach.ods", lambda: ods_cell(
        b'<table:table-cell office:value-type="string"><text:p>a<text:s text:c="100000000"/></text:p>'
        b"</table:table-cell>"), "rejected", ("text-too-large",)),
    Case("billion-laughs-shared-strings", "ti-tieng-cuoi-3.xlsx", lambda: entity_bomb(
        "xl/sharedStrings.xml", b"x", shared_string_amplifier(10, 1)), "rejected", ("corrupt-file",)),
    Case("long-nul-filename", "a\x00b\x1b[31m" + "d" * 100_000 + ".xlsx", lambda: valid(reporter="Lê Văn Cường"),
         "accepted"),
    Case("formula-text", "cong-thuc-chu.xlsx", formula_text, "accepted"),
    Case("path-and-shell-name", "../../etc/passwd; rm -rf ~ $(touch PWNED) `id` | x.xlsx",
         lambda: valid(reporter="Trần Thị Bình"), "accepted"),
)
