import io

import pytest
from openpyxl import load_workbook

from cchc.read import MAX_FILE_BYTES
from cchc.score_sheet import SCORE_SHEET, read_sheet, template_xlsx
from tests import hostile
from tests.par import CRITERIA, small_catalog

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(scope="module")
def catalog():
    return small_catalog()


def filled_sheet(catalog, cells, year=2019, block="so", shift=0):
    """The template with ``cells`` set, after inserting ``shift`` blank columns and rows before the table."""
    wb = load_workbook(io.BytesIO(template_xlsx(year, block, catalog, CRITERIA)))
    ws = wb.active
    ws.unmerge_cells("A1:I1")
    ws.unmerge_cells("A2:I2")
    if shift:
        ws.insert_cols(1, shift)
        ws.insert_rows(1, shift)
    for ref, value in cells.items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# Template rows: 4 criteria per unit from row 5 — SNV: 6.1 (5), 6.2 (6), 3.1 (7), 8.1 (8); STP from row 9.
# Columns: F self-assessment, G appraisal, H survey, I reason.
@pytest.mark.parametrize(
    ("cells", "rows", "issues"),
    [
        ({"G6": 7.5, "I6": "Thiếu minh chứng"}, [("SNV", "6.2", "appraised", 7.5, "Thiếu minh chứng")], []),
        ({"G6": "8,5", "I6": "x"}, [("SNV", "6.2", "appraised", 8.5, "x")], []),
        ({"F6": 9, "G6": 7, "I6": "Thiếu minh chứng"},
         [("SNV", "6.2", "self", 9.0, ""), ("SNV", "6.2", "appraised", 7.0, "Thiếu minh chứng")], []),
        ({"F6": 9}, [("SNV", "6.2", "self", 9.0, "")], []),   # a self-assessment needs no reason
        ({"G5": 6, "I5": "Số liệu chưa khớp"}, [("SNV", "6.1", "appraised", 6.0, "Số liệu chưa khớp")], []),
        ({"H8": 9}, [("SNV", "8.1", "survey", 9.0, "")], []),
        ({"G6": 7}, [("SNV", "6.2", "appraised", 7.0, "")], [("G6", "score-reason-missing", "warning")]),
        ({"G6": 12}, [], [("G6", "score-out-of-range", "error")]),
        ({"F6": 10.5}, [], [("F6", "score-out-of-range", "error")]),
        ({"G6": -1}, [], [("G6", "score-out-of-range", "error")]),
        ({"G6": "bảy"}, [], [("G6", "not-a-number", "error")]),
        ({"G8": 5}, [], [("G8", "score-not-applicable", "error")]),
        ({"F8": 5}, [], [("F8", "score-not-applicable", "error")]),
        ({"F5": 5}, [], [("F5", "score-not-applicable", "error")]),   # indicator criteria: self is computed
        ({"H6": 5}, [], [("H6", "score-not-applicable", "error")]),
        ({"A6": "SXYZ", "G6": 5}, [], [("A6", "unknown-unit", "error")]),          # not in the registry
        ({"A6": "VANLAM", "G6": 5}, [], [("A6", "unit-not-in-block", "error")]),   # a huyện in the sở sheet
        ({"C6": "9.9", "G6": 5}, [], [("C6", "unknown-criterion", "error")]),
    ],
)
def test_read_sheet(catalog, cells, rows, issues):
    got_rows, got_issues = read_sheet(filled_sheet(catalog, cells), catalog, CRITERIA)
    assert [(r["unit"], r["criterion"], r["source"], r["score"], r["reason"]) for r in got_rows] == rows
    assert all(r["year"] == 2019 for r in got_rows)
    assert [(i.cell, i.code, i.severity) for i in got_issues] == issues


def test_score_template_greys_the_columns_a_criterion_does_not_take(catalog):
    ws = load_workbook(io.BytesIO(template_xlsx(2019, "so", catalog, CRITERIA))).active
    assert [c.value for c in ws[4]][5:9] == ["Điểm tự đánh giá", "Điểm thẩm định", "Điểm điều tra XHH", "Lý do"]
    grey = [[ws.cell(r, col).fill.fgColor.rgb == "00EEEEEE" for col in (6, 7, 8)] for r in (5, 6, 8)]
    assert grey == [[True, False, True], [False, False, True], [True, True, False]]   # indicator, council, survey


def test_read_sheet_names_the_cells_where_the_table_was_moved(catalog):
    data = filled_sheet(catalog, {"B7": "SXYZ", "H11": 12}, shift=1)   # A6 → B7, G10 → H11
    rows, issues = read_sheet(data, catalog, CRITERIA)
    assert rows == [] and [(i.sheet, i.cell, i.code) for i in issues] == [
        (SCORE_SHEET, "B7", "unknown-unit"), (SCORE_SHEET, "H11", "score-out-of-range")]


def _hostile_sheet(catalog):
    """The template whose sheet spans A1:XFD1048576 (two cells): calamine would allocate 500 GiB."""
    return hostile.patched(SHEET, b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t>'
                           b"</is></c></row></sheetData>", template_xlsx(2019, "so", catalog, CRITERIA))


@pytest.mark.parametrize(
    ("make", "code"),
    [(lambda c: b"not a workbook", "not-a-workbook"),
     (lambda c: b"PK\x03\x04" + b"\0" * (MAX_FILE_BYTES + 1), "file-too-large"),
     (lambda c: filled_sheet(c, {"B3": None}), "score-info-missing"),
     (lambda c: filled_sheet(c, {"D3": "tinh"}), "score-info-missing"),
     (lambda c: filled_sheet(c, {"A4": "Đơn vị", "C4": None}), "score-header-missing"),
     (_hostile_sheet, "sheet-too-large"),
     (lambda c: hostile.quoted_sparse_extent(b" r='REF'"), "sheet-too-large"),   # it once aborted the reader
     (lambda c: hostile.zeros_bomb(), "suspicious-archive")],
    ids=["not-a-workbook", "too-large", "no-year", "no-block", "no-header", "sparse-extent", "quoted-extent",
         "zip-bomb"],
)
def test_read_sheet_refuses_what_it_cannot_read_with_the_readers_codes(catalog, make, code):
    rows, issues = read_sheet(make(catalog), catalog, CRITERIA)
    assert rows == [] and [i.code for i in issues] == [code]


@pytest.mark.parametrize(
    ("lang", "message"),
    [("vi", "Điểm thẩm định!A6: Đơn vị «VANLAM» không thuộc khối so năm 2019."),
     ("en", "Điểm thẩm định!A6: Unit «VANLAM» is not in the so block in 2019.")],
)
def test_read_sheet_speaks_both_languages(catalog, lang, message):
    _, issues = read_sheet(filled_sheet(catalog, {"A6": "VANLAM"}), catalog, CRITERIA, lang=lang)
    assert [i.text() for i in issues] == [message]
