"""Reading workbooks: formats, hostile files, layouts clerks produce, Vietnamese numbers."""

from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cchc import layout
from cchc.read import MAX_FILE_BYTES, MAX_SHEET_ROWS, parse_number, read_workbook
from tests.workbooks import to_xlsm

FIXTURES = Path(__file__).parent / "fixtures"


def _figures(raw) -> dict[str, tuple]:
    """code → (Tử số, Mẫu số, Giá trị) values, independent of where the cells are."""
    columns = (layout.COL_NUMERATOR, layout.COL_DENOMINATOR, layout.COL_VALUE)
    return {r.cells[layout.COL_CODE].value: tuple(r.cells[c].value for c in columns) for r in raw.rows}


def _codes(issues) -> list[tuple[str, str, str]]:
    return [(i.sheet, i.cell, i.code) for i in issues]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12.0),
        ("  12 ", 12.0),
        ("\u00a012\u00a0", 12.0),
        ("1.234", 1234.0),
        ("1.234.567", 1234567.0),
        ("1.234,5", 1234.5),
        ("85,5", 85.5),
        (",5", 0.5),
        ("1,234", 1.234),
        ("1,234,567", 1234567.0),
        ("1,234.5", 1234.5),
        ("1.5", 1.5),
        ("12.50", 12.5),
        ("0.125", 0.125),
        ("1.2345", 1.2345),
        ("1 234", 1234.0),
        ("1\u00a0234,5", 1234.5),
        ("85%", 85.0),
        ("85 %", 85.0),
        ("85,5 %", 85.5),
        ("-3", -3.0),
        ("\u22123,5", -3.5),
        (7, 7.0),
        (7.25, 7.25),
        ("", None),
        ("   ", None),
        ("abc", None),
        ("12a", None),
        ("1.2.3", None),
        ("1..2", None),
        ("%", None),
        ("01.234", 1.234),
        (True, None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_parse_number_vietnamese_forms(text, expected):
    assert parse_number(text) == expected


def test_read_workbook_finds_info_and_rows(make_workbook):
    raw, issues = read_workbook(make_workbook("SNV", "2018", values={"2d.3": {"numerator": 45, "denominator": 50},
                                                                     "2c.1": {"value": "12", "note": "ghi chú"}}))
    assert issues == []
    assert (raw.info_sheet, raw.data_sheet, raw.header_row) == ("Thông tin", "Số liệu", 4)
    assert {label: (c.ref, c.text) for label, c in raw.info.items()} == {
        "Mã đơn vị": ("B3", "SNV"), "Tên đơn vị": ("B4", "Sở Nội vụ"), "Kỳ báo cáo": ("B5", "2018"),
        "Phiên bản biểu mẫu": ("B6", "2016.1"), "Người báo cáo": ("B7", "Nguyễn Văn An"),
        "Ngày báo cáo": ("B8", "2018-12-10"),
    }
    assert [(r.number, {c: (cell.ref, cell.value) for c, cell in r.cells.items()
                        if c in (layout.COL_CODE, layout.COL_NUMERATOR, layout.COL_VALUE, layout.COL_NOTE)})
            for r in raw.rows] == [
        (5, {"Mã chỉ tiêu": ("A5", "2d.3"), "Tử số": ("D5", 45.0), "Giá trị": ("F5", ""), "Ghi chú": ("G5", "")}),
        (6, {"Mã chỉ tiêu": ("A6", "2c.1"), "Tử số": ("D6", ""), "Giá trị": ("F6", "12"),
             "Ghi chú": ("G6", "ghi chú")}),
    ]


@pytest.mark.parametrize(
    ("knobs", "first_code_ref"),
    [
        ({"shuffle": 7}, None),
        ({"blank_rows": (0, 3, 4)}, "A6"),
        ({"offset_columns": 2}, "C5"),
        ({"title_rows": 0}, "A2"),
        ({"sheet_names": {"Số liệu": "Data", "Thông tin": "Info", "Hướng dẫn": "Sheet1"}}, "A5"),
        ({"columns": (layout.COL_NOTE, "", layout.COL_VALUE, layout.COL_DENOMINATOR, layout.COL_NUMERATOR,
                      layout.COL_CODE)}, "F5"),
        ({"columns": (layout.COL_CODE, layout.COL_NUMERATOR, layout.COL_DENOMINATOR, layout.COL_VALUE)}, "A5"),
    ],
    ids=["shuffled", "blank-rows", "blank-columns", "no-title", "renamed-sheets", "reordered-columns",
         "optional-columns-dropped"],
)
def test_read_workbook_survives_clerk_edits(make_workbook, knobs, first_code_ref):
    baseline, _ = read_workbook(make_workbook("TPHY", "2019"))
    raw, issues = read_workbook(make_workbook("TPHY", "2019", **knobs))
    assert issues == []
    assert _figures(raw) == _figures(baseline)
    assert raw.info_text(layout.INFO_UNIT_CODE) == "TPHY"
    if first_code_ref:
        assert raw.rows[0].cells[layout.COL_CODE].ref == first_code_ref


def test_read_workbook_info_labels_folded_and_value_after_blank_cells():
    wb = openpyxl.Workbook()
    info = wb.active
    info.append(["MÃ ĐƠN VỊ:", None, None, "SNV"])
    info.append(["  ky  bao cao ", 2018])
    data = wb.create_sheet("x")
    data.append(["ma chi tieu", "TỬ SỐ", "mẫu  số", "Giá Trị"])
    data.append(["2c.1", None, None, 3])
    out = io.BytesIO()
    wb.save(out)
    raw, issues = read_workbook(out.getvalue())
    assert issues == []
    assert {k: (c.ref, c.text) for k, c in raw.info.items()} == {"Mã đơn vị": ("D1", "SNV"),
                                                                  "Kỳ báo cáo": ("B2", "2018")}
    assert [(r.number, r.cells[layout.COL_VALUE].ref) for r in raw.rows] == [(2, "D2")]


def test_read_workbook_from_path_equals_bytes(tmp_path, make_workbook):
    data = make_workbook()
    path = tmp_path / "bao-cao.bin"  # the name says nothing: the bytes decide
    path.write_bytes(data)
    assert read_workbook(path) == read_workbook(data)


@pytest.mark.parametrize("extension", ["xls", "ods"])
def test_read_workbook_xls_and_ods_read_like_xlsx(extension):
    expected = read_workbook(FIXTURES / "valid.xlsx")
    assert expected[0] is not None and len(expected[0].rows) == 29
    assert read_workbook(FIXTURES / f"valid.{extension}") == expected


def test_read_workbook_xlsm_with_macro_reads_values(make_workbook):
    data = make_workbook()
    xlsm = to_xlsm(data)
    assert "xl/vbaProject.bin" in zipfile.ZipFile(io.BytesIO(xlsm)).namelist()
    assert read_workbook(xlsm) == read_workbook(data)


def test_read_workbook_formula_without_value_is_marked(make_workbook):
    raw, _ = read_workbook(make_workbook(values={"2c.1": {"value": "=2+3", "note": "=A1"}, "1a.1": {"value": 4}}))
    assert raw.formula_cells == frozenset({"F5"})
    assert [raw.rows[0].cells[c].value for c in (layout.COL_VALUE, layout.COL_NOTE)] == ["", "=A1"]


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _declare_size(data: bytes, size: int) -> bytes:
    """Rewrite the uncompressed size the central directory declares for every member (nothing inflates)."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def _method_99(data: bytes) -> bytes:
    """Mark every member as compressed with method 99 (AES), which zipfile cannot read."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.find(signature)
        while at != -1:
            struct.pack_into("<H", data, at + offset, 99)
            at = data.find(signature, at + 4)
    return bytes(data)


def _huge_sheet() -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = layout.COL_CODE
    wb.active["XFD1048576"] = 1  # calamine alone would try to allocate 17 billion cells
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "not-a-workbook"),
        (random.Random(1).randbytes(2048), "not-a-workbook"),
        (b"Ma chi tieu,Tu so\n2c.1,3\n", "not-a-workbook"),
        (b"PK\x05\x06" + bytes(18), "not-a-workbook"),
        (_zip({"readme.txt": b"hello"}), "not-a-workbook"),
        (b"PK\x03\x04" + bytes(2000), "corrupt-file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "corrupt-file"),
        (_zip({"xl/workbook.xml": b"<workbook", "[Content_Types].xml": b"<"}), "corrupt-file"),
        (_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x"}), "corrupt-file"),
        (_method_99(_zip({"xl/workbook.xml": b"<w/>", "xl/_rels/workbook.xml.rels": b"<r/>"})), "corrupt-file"),
        (_zip({"xl/worksheets/sheet1.xml": bytes(2 * 1024 * 1024)}), "suspicious-archive"),
        (_declare_size(_zip({"xl/workbook.xml": b"<w/>", "content.xml": b"<c/>"}), 60 * 1024 * 1024),
         "suspicious-archive"),
        (_zip({f"xl/media/{n}.png": b"" for n in range(1001)}), "suspicious-archive"),
        (_huge_sheet(), "sheet-too-large"),
        (b"PK\x03\x04" + bytes(MAX_FILE_BYTES), "file-too-large"),
    ],
    ids=["empty", "random", "csv", "empty-zip", "zip-not-workbook", "truncated-zip", "bad-ole", "bad-ooxml",
         "bad-ods", "aes-member", "bomb-ratio", "bomb-declared", "many-members", "huge-extent", "too-large"],
)
def test_read_workbook_refuses_hostile_files(data, code):
    raw, issues = read_workbook(data)
    assert raw is None
    assert [i.code for i in issues] == [code]
    assert issues[0].message and "?" not in issues[0].message


def test_read_workbook_truncated_real_workbook(make_workbook):
    data = make_workbook()
    raw, issues = read_workbook(data[: len(data) // 2])
    assert (raw, [i.code for i in issues]) == (None, ["corrupt-file"])


def test_read_workbook_file_too_large_from_path_not_read(tmp_path):
    path = tmp_path / "big.xlsx"
    with path.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written, and the reader must not read it
    raw, issues = read_workbook(path)
    assert (raw, [i.code for i in issues]) == (None, ["file-too-large"])
    assert issues[0].message == "Tệp quá lớn (10.0 MiB); giới hạn là 10.0 MiB."


@pytest.mark.parametrize("name", ["encrypted.xlsx", "encrypted.xls"])
def test_read_workbook_encrypted(name):
    raw, issues = read_workbook(FIXTURES / name)
    assert (raw, [i.code for i in issues]) == (None, ["encrypted"])


def test_read_workbook_far_row_of_cells_without_refs(make_workbook):
    """Cells may omit their reference; a row numbered 70000 still spans the sheet: refused before parsing."""
    source = zipfile.ZipFile(io.BytesIO(make_workbook()))
    members = {name: source.read(name) for name in source.namelist()}
    members["xl/worksheets/sheet2.xml"] = members["xl/worksheets/sheet2.xml"].replace(
        b"</sheetData>", b'<row r="70000"><c><v>1</v></c></row></sheetData>')
    raw, issues = read_workbook(_zip(members))
    assert (raw, _codes(issues)) == (None, [("Thông tin", "", "sheet-too-large")])


def test_read_workbook_too_many_rows(make_workbook):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(layout.DATA_COLUMNS))
    for n in range(MAX_SHEET_ROWS + 1):
        ws.append(["2c.1", None, None, None, None, n])
    out = io.BytesIO()
    wb.save(out)
    raw, issues = read_workbook(out.getvalue())
    assert (raw, _codes(issues)) == (None, [("Sheet", "", "sheet-too-large")])


@pytest.mark.parametrize(
    "cell",
    [b'<table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="1">'
     b"<text:p>1</text:p></table:table-cell>",
     b'<table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="1"/>'],
    ids=["cell-with-text", "self-closing-cell-with-value"],
)
def test_read_workbook_ods_repeated_rows_refused(cell):
    """A few KB of ODS can repeat a filled row and cell into millions of cells: refused before parsing."""
    content = (b'<office:document-content><office:body><office:spreadsheet><table:table table:name="S">'
               b'<table:table-row table:number-rows-repeated="20000">' + cell + b"</table:table-row></table:table>"
               b"</office:spreadsheet></office:body></office:document-content>")
    raw, issues = read_workbook(_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                      "content.xml": content}))
    assert (raw, _codes(issues)) == (None, [("S", "", "sheet-too-large")])


def _xls(patch) -> bytes:
    """The committed .xls fixture with ``patch(bytearray)`` applied."""
    data = bytearray((FIXTURES / "valid.xls").read_bytes())
    patch(data)
    return bytes(data)


def _invert_dimensions(data: bytearray) -> None:
    """First row 262144, last row 33: calamine would reserve ~1 TB from this record and abort the process."""
    at = data.find(bytes.fromhex("00020e00"))  # DIMENSIONS, 14 bytes, in the first sheet
    struct.pack_into("<I", data, at + 4, 262144)


def _rename_workbook_stream(data: bytearray) -> None:
    at = data.find("Workbook".encode("utf-16-le"))
    data[at:at + 16] = "Xorkbook".encode("utf-16-le")


def _far_cells() -> bytes:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Số liệu")
    ws.write(0, 0, layout.COL_CODE)
    ws.write(65535, 255, 1)  # declares and spans the whole 65536 × 256 grid
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_xls(_invert_dimensions), [("", "", "corrupt-file")]),
        (_xls(_rename_workbook_stream), [("", "", "not-a-workbook")]),
        (_far_cells(), [("Số liệu", "", "sheet-too-large")]),
    ],
    ids=["inverted-dimensions", "no-workbook-stream", "far-cells"],
)
def test_read_workbook_refuses_damaged_xls_before_calamine(data, expected):
    raw, issues = read_workbook(data)
    assert (raw, _codes(issues)) == (None, expected)


def test_read_workbook_missing_sheet(make_workbook):
    raw, issues = read_workbook(make_workbook(columns=(layout.COL_NAME, layout.COL_VALUE)))
    assert (raw, _codes(issues)) == (None, [("Số liệu", "", "missing-sheet")])
    assert issues[0].message == "Không tìm thấy trang «Số liệu» có dòng tiêu đề «Mã chỉ tiêu»."


def test_read_workbook_missing_column(make_workbook):
    columns = (layout.COL_CODE, layout.COL_NAME, layout.COL_NUMERATOR, layout.COL_VALUE, layout.COL_NOTE)
    raw, issues = read_workbook(make_workbook(columns=columns, offset_columns=1))
    assert (raw, _codes(issues)) == (None, [("Số liệu", "B4", "missing-column")])
    assert issues[0].message == "Thiếu cột «Mẫu số» ở dòng tiêu đề."


def test_read_workbook_messages_in_english():
    _, issues = read_workbook(b"", lang="en")
    assert issues[0].message.startswith("The file is not a valid Excel/LibreOffice workbook")
