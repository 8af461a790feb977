"""The reporting template: sheets, header, one row per applicable indicator, input cells, protection."""

import datetime as dt
import io
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from cchc import layout
from cchc.catalog import load_catalog
from cchc.templates import build_template, indicator_rows, workbook_bytes, write_template
from tests.workbooks import check_workbook


def _load(unit: str, period: str):
    return load_workbook(io.BytesIO(write_template(unit, period)))


def _validations(ws) -> dict[str, str]:
    """Cell reference → validation type (or the list formula) on a sheet."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            for row in cell_range.cells:
                ref = f"{chr(64 + row[1])}{row[0]}"
                found[ref] = dv.formula1 if dv.type == "list" else dv.type
    return found


def test_template_has_three_sheets_in_order():
    assert _load("SNV", "2018").sheetnames == [layout.SHEET_GUIDE, layout.SHEET_INFO, layout.SHEET_DATA]


def test_template_header_is_exactly_the_seven_columns():
    ws = _load("SNV", "2018")[layout.SHEET_DATA]
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == layout.COL_CODE)
    assert header == layout.DATA_COLUMNS


@pytest.mark.parametrize(
    ("unit", "period", "count", "has", "lacks"),
    [
        ("SNV", "2018", 29, {"7b.1", "2d.3"}, {"2d.2", "6d.2", "3b.1"}),
        ("STP", "2018", 28, {"2d.1"}, {"7b.1", "2d.2"}),
        ("SGDDT", "2020", 29, {"3b.1"}, {"3b.2"}),
        ("VANLAM", "2016", 33, {"2d.2", "6d.2", "6k.1", "3b.1", "3b.2"}, {"7b.1"}),
        ("MYHAO", "2019-H2", 33, {"2d.2"}, {"7b.1"}),
        ("TTT", "2020-H1", 28, {"6dd.1"}, {"2d.2"}),
    ],
)
def test_template_has_one_row_per_applicable_indicator(unit, period, count, has, lacks):
    rows = indicator_rows(_load(unit, period)[layout.SHEET_DATA])
    assert len(rows) == count
    assert has <= rows.keys()
    assert not lacks & rows.keys()


def test_template_groups_rows_under_area_labels_without_a_code():
    ws = _load("VANLAM", "2018")[layout.SHEET_DATA]
    labels = [r[1] for r in ws.iter_rows(min_row=6, values_only=True) if r[0] is None and r[1]]
    assert labels[0] == "1. Cải cách thể chế"
    assert len(labels) == 7


def test_template_info_sheet_pairs_labels_and_values():
    ws = _load("MYHAO", "2020")[layout.SHEET_INFO]
    pairs = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0] in layout.INFO_LABELS}
    assert pairs == {
        layout.INFO_UNIT_CODE: "MYHAO",
        layout.INFO_UNIT_NAME: "Thị xã Mỹ Hào",
        layout.INFO_PERIOD: "2020",
        layout.INFO_VERSION: layout.TEMPLATE_VERSION,
        layout.INFO_REPORTER: None,
        layout.INFO_DATE: None,
    }


def test_template_input_cells_have_validations_and_are_unlocked():
    ws = _load("SNV", "2018")[layout.SHEET_DATA]
    rows = indicator_rows(ws)
    checks = _validations(ws)
    percent, count, yes_no = rows["6dd.1"], rows["2c.1"], rows["2d.1"]
    assert (checks[f"D{percent}"], checks[f"E{percent}"]) == ("whole", "whole")
    assert checks[f"F{count}"] == "whole"
    assert checks[f"F{yes_no}"] == '"Có,Không"'
    assert f"F{percent}" not in checks
    for ref in (f"D{percent}", f"E{percent}", f"F{count}", f"F{yes_no}", f"G{percent}"):
        assert ws[ref].protection.locked is False, ref
    for ref in (f"A{percent}", f"B{percent}", f"F{percent}", f"D{count}", f"E{yes_no}"):
        assert ws[ref].protection.locked is True, ref


@pytest.mark.parametrize("sheet", [layout.SHEET_GUIDE, layout.SHEET_INFO, layout.SHEET_DATA])
def test_template_sheets_are_protected_without_password(sheet):
    protection = _load("SNV", "2018")[sheet].protection
    assert protection.sheet is True
    assert not protection.password


def test_template_data_sheet_prints_landscape_and_freezes_header():
    ws = _load("SNV", "2018")[layout.SHEET_DATA]
    assert ws.page_setup.orientation == "landscape"
    assert ws.freeze_panes == "A6"
    assert ws.print_title_rows == "$5:$5"


def test_template_guide_names_the_deadline():
    ws = _load("SNV", "2019-H1")[layout.SHEET_GUIDE]
    text = " ".join(str(c.value) for c in ws["A"] if c.value)
    assert "15/06/2019" in text and "Tử số / Mẫu số" in text


def test_write_template_gives_identical_bytes_each_time(tmp_path):
    first = write_template("SNV", "2018", tmp_path / "a.xlsx")
    assert write_template("SNV", "2018") == first == (tmp_path / "a.xlsx").read_bytes()


@pytest.mark.parametrize(
    ("unit", "period", "message"),
    [
        ("XYZ", "2018", "Mã đơn vị «XYZ» không có trong danh mục"),
        ("SNV", "2021", "Kỳ báo cáo «2021»"),
        ("SNV", "2018-H3", "Kỳ báo cáo «2018-H3»"),
        ("UBNDT", "2018", "không thuộc diện gửi báo cáo"),
    ],
)
def test_build_template_refuses_unknown_unit_or_period(unit, period, message):
    with pytest.raises(ValueError, match=message):
        build_template(unit, period)


def test_build_template_refuses_unit_not_valid_in_period():
    catalog = load_catalog()
    units = tuple(replace(u, valid_from=dt.date(2019, 1, 1)) if u.code == "SNV" else u for u in catalog.units)
    with pytest.raises(ValueError, match="không hoạt động trong kỳ 2018"):
        build_template("SNV", "2018", replace(catalog, units=units))


@pytest.mark.parametrize(("unit", "period"), [("SNV", "2018"), ("VANLAM", "2019-H1"), ("MYHAO", "2020")])
def test_filled_template_passes_validation(unit, period):
    wb = build_template(unit, period)
    info = wb[layout.SHEET_INFO]
    for row in info.iter_rows(min_col=1, max_col=2):
        if row[0].value == layout.INFO_REPORTER:
            row[1].value = "Trần Thị Hà"
        elif row[0].value == layout.INFO_DATE:
            row[1].value = dt.date(2018, 12, 10)
    data = wb[layout.SHEET_DATA]
    by_code = load_catalog().indicator_by_code
    for n, (code, row) in enumerate(indicator_rows(data).items()):
        measure = by_code[code].measure
        if measure == "percent":
            data[f"D{row}"], data[f"E{row}"] = 30 + n, 60 + n
        else:
            data[f"F{row}"] = (layout.YES if n % 2 else layout.NO) if measure == "yes_no" else 5 * n
    raw, report = check_workbook(workbook_bytes(wb), f"{unit}_{period}.xlsx")
    assert report.issues == []
    assert len(raw.rows) == len(indicator_rows(data))
