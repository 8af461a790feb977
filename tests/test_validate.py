"""Validation: one test per check, each asserting the (sheet, cell, code) of what it finds.

Workbooks come from ``make_workbook`` (tests/workbooks.py): header on row 4, the rows named in ``first`` from
row 5 on, columns A=Mã chỉ tiêu, D=Tử số, E=Mẫu số, F=Giá trị; info values in column B from row 3.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from cchc import layout
from cchc.catalog import load_catalog
from cchc.read import read_workbook
from cchc.validate import CHECKS, validate
from tests.workbooks import check_workbook, filled_values


def _flatten(data: bytes, **kwargs) -> list[tuple[str, ...]]:
    raw, report = check_workbook(data, **kwargs)
    return report.flatten()


def _one(make_workbook, code: str, previous=None, unit: str = "SNV", period: str = "2018", **fields):
    """Issues of a valid workbook where indicator ``code`` (moved to row 5) gets ``fields``."""
    return _flatten(make_workbook(unit, period, update={code: fields}, first=[code]), previous=previous)


@pytest.mark.parametrize(("unit", "period"), [("SNV", "2018"), ("TPHY", "2019-H1"), ("MYHAO", "2019"),
                                              ("SGDDT", "2017-Q2"), ("SYT", "2020"), ("BQLKCN", "2016")])
def test_validate_valid_workbook_has_no_issues(make_workbook, unit, period):
    assert _flatten(make_workbook(unit, period)) == []


def test_validate_checks_are_listed():
    assert len(CHECKS) == 19 and all(callable(c) for c in CHECKS)


@pytest.mark.parametrize(
    ("knobs", "expected"),
    [
        ({"reporter": ""}, [("Thông tin", "B7", "missing-info")]),
        ({"info": {layout.INFO_PERIOD: None}}, [("Thông tin", "", "missing-info")]),
        ({"info": {layout.INFO_UNIT_CODE: "  "}, "version": None},
         [("Thông tin", "B3", "missing-info"), ("Thông tin", "", "missing-info")]),
    ],
    ids=["reporter-blank", "period-label-gone", "unit-blank-version-gone"],
)
def test_check_info_missing(make_workbook, knobs, expected):
    assert _flatten(make_workbook(values=filled_values("SNV", "2018"), **knobs)) == expected


def test_check_info_all_values_blank_point_at_their_cells(make_workbook):
    data = make_workbook("", "", version="", reporter="", values=filled_values("SNV", "2018"))
    assert _flatten(data) == [("Thông tin", "B3", "missing-info"), ("Thông tin", "B5", "missing-info"),
                              ("Thông tin", "B6", "missing-info"), ("Thông tin", "B7", "missing-info")]


def test_check_info_missing_sheet_entirely(make_workbook):
    """Without any info labels the issues point at the expected sheet name."""
    info = dict.fromkeys(layout.INFO_LABELS)
    assert _flatten(make_workbook(info=info))[:4] == [("Thông tin", "", "missing-info")] * 4


def test_check_unit_unknown(make_workbook):
    data = make_workbook("SXYZ", values=filled_values("SNV", "2018"))
    assert _flatten(data) == [("Thông tin", "B3", "unknown-unit")]


def test_check_unit_province_itself_does_not_report(make_workbook):
    """A file naming the province (UBNDT) gets one message at the unit code, not one per indicator row."""
    data = make_workbook("UBNDT", values=filled_values("SNV", "2018"))
    assert _flatten(data) == [("Thông tin", "B3", "unit-not-reporting")]


def test_check_unit_lower_case_code_is_accepted(make_workbook):
    assert _flatten(make_workbook(values=filled_values("SNV", "2018"), info={layout.INFO_UNIT_CODE: " snv "})) == []


def test_check_unit_not_valid_in_period(make_workbook):
    catalog = load_catalog()
    units = tuple(dataclasses.replace(u, valid_to=dt.date(2017, 12, 31)) if u.code == "STP" else u
                  for u in catalog.units)
    closed = dataclasses.replace(catalog, units=units)
    assert _flatten(make_workbook("STP", "2018"), catalog=closed) == [("Thông tin", "B3", "unit-not-valid")]
    assert _flatten(make_workbook("STP", "2017-Q4"), catalog=closed) == []


@pytest.mark.parametrize(
    ("period", "code"),
    [("2018-H3", "malformed-period"), ("Năm 2018", "malformed-period"), ("18", "malformed-period"),
     ("2025", "unknown-period"), ("2014-Q1", "unknown-period")],
)
def test_check_period(make_workbook, period, code):
    data = make_workbook("SNV", period, values=filled_values("SNV", "2018"))
    assert _flatten(data) == [("Thông tin", "B5", code)]


@pytest.mark.parametrize("period", ["2018 - h1", "2018/Q2", 2018])
def test_check_period_forgiving_forms(make_workbook, period):
    assert _flatten(make_workbook("SNV", "2018", info={layout.INFO_PERIOD: period})) == []


@pytest.mark.parametrize(("version", "expected"), [("2015.2", [("Thông tin", "B6", "template-version")]),
                                                   (2016.1, []), (" 2016.1 ", [])])
def test_check_version(make_workbook, version, expected):
    assert _flatten(make_workbook(version=version)) == expected


def test_check_indicator_codes_unknown(make_workbook):
    assert _one(make_workbook, "9z.9", value=3) == [("Số liệu", "A5", "unknown-indicator")]


def test_check_indicator_codes_not_applicable(make_workbook):
    """2d.2 (communes with a one-stop desk) is for districts only; 3b.1 for Sở GD&ĐT and the districts."""
    assert _one(make_workbook, "2d.2", numerator=3, denominator=5) == [
        ("Số liệu", "A5", "indicator-not-applicable")]
    assert _one(make_workbook, "3b.1", numerator=3, denominator=5, unit="TPHY") == []


def test_check_duplicates(make_workbook):
    data = make_workbook(first=["2c.1"], extra_rows=[{"code": "2c.1", "value": 7}], extra_at=1)
    raw, report = check_workbook(data)
    assert report.flatten() == [("Số liệu", "A6", "duplicate-indicator")]
    assert report.issues[0].message == "Chỉ tiêu «2c.1» bị lặp (đã có ở ô A5)."


@pytest.mark.parametrize(("code", "field"), [("2c.1", "value"), ("2d.1", "value"), ("2d.3", "numerator")])
def test_check_formulas(make_workbook, code, field):
    cell = {"value": "F5", "numerator": "D5"}[field]
    assert _one(make_workbook, code, **{field: "=1+1"}) == [("Số liệu", cell, "formula-cell")]


@pytest.mark.parametrize(
    ("code", "fields", "expected"),
    [
        ("2c.1", {"value": "mười hai"}, [("Số liệu", "F5", "not-a-number")]),
        ("2d.3", {"numerator": "45 người"}, [("Số liệu", "D5", "not-a-number")]),
        ("2d.3", {"denominator": dt.date(2018, 1, 1)}, [("Số liệu", "E5", "not-a-number")]),
        ("2c.1", {"value": " 1.234 "}, []),
        ("2d.3", {"numerator": "45", "denominator": "50,0"}, []),
    ],
)
def test_check_numbers(make_workbook, code, fields, expected):
    assert _one(make_workbook, code, **fields) == expected


@pytest.mark.parametrize(
    ("code", "fields", "expected"),
    [
        ("2c.1", {"value": -3}, [("Số liệu", "F5", "negative-value")]),
        ("2d.3", {"numerator": -1, "denominator": 50}, [("Số liệu", "D5", "negative-value")]),
        ("2d.3", {"value": "-90"}, [("Số liệu", "F5", "negative-value")]),
    ],
)
def test_check_negative(make_workbook, code, fields, expected):
    assert _one(make_workbook, code, **fields) == expected


@pytest.mark.parametrize(
    ("code", "fields", "expected"),
    [
        ("2c.1", {"value": "12,5"}, [("Số liệu", "F5", "not-an-integer")]),
        ("2d.3", {"numerator": 45.5}, [("Số liệu", "D5", "not-an-integer")]),
        ("2d.3", {"numerator": 45, "denominator": 50, "value": 90}, []),
        ("2d.3", {"numerator": 45, "denominator": 50, "value": "90,0"}, []),
    ],
)
def test_check_integers(make_workbook, code, fields, expected):
    assert _one(make_workbook, code, **fields) == expected


def test_check_fraction_numerator_exceeds_denominator(make_workbook):
    assert _one(make_workbook, "2d.3", numerator=60, denominator=50) == [
        ("Số liệu", "D5", "numerator-exceeds-denominator")]


@pytest.mark.parametrize(("numerator", "expected"), [(5, [("Số liệu", "E5", "zero-denominator")]),
                                                     (0, [("Số liệu", "E5", "zero-over-zero")])])
def test_check_fraction_zero_denominator(make_workbook, numerator, expected):
    assert _one(make_workbook, "2d.3", numerator=numerator, denominator=0) == expected


@pytest.mark.parametrize(
    ("code", "fields", "expected"),
    [("2d.3", {"numerator": 1e308, "denominator": 1e308}, [("Số liệu", "D5", "number-too-large"),
                                                          ("Số liệu", "E5", "number-too-large")]),
     ("1a.1", {"value": 2e9}, [("Số liệu", "F5", "number-too-large")]),
     ("1a.1", {"value": 1e9}, [])],
)
def test_check_magnitude_refuses_figures_above_a_billion(make_workbook, code, fields, expected):
    assert [i for i in _one(make_workbook, code, **fields) if i[2] == "number-too-large"] == expected


def test_check_percent_range(make_workbook):
    assert _one(make_workbook, "2d.3", value=150) == [("Số liệu", "F5", "percent-out-of-range")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(80, [("Số liệu", "F5", "value-mismatch")]), (90, []), ("90%", []), ("89,6", []), (90.4, []), (0.9, []),
     ("0,9", [("Số liệu", "F5", "value-mismatch")])],
)
def test_check_value_matches_fraction(make_workbook, value, expected):
    assert _one(make_workbook, "2d.3", numerator=45, denominator=50, value=value) == expected


@pytest.mark.parametrize("answer", ["Có", "Không", "co", "KHONG", " c ", "k", "x", "X", "yes", "No", 1, 0, "1", True])
def test_check_yes_no_accepted_forms(make_workbook, answer):
    assert _one(make_workbook, "2d.1", value=answer) == []


@pytest.mark.parametrize("answer", ["có lẽ", "chưa", 2, "?"])
def test_check_yes_no_not_understood(make_workbook, answer):
    assert _one(make_workbook, "2d.1", value=answer) == [("Số liệu", "F5", "yes-no-not-understood")]


@pytest.mark.parametrize(
    ("code", "fields", "expected"),
    [
        ("2d.1", {"value": None}, [("Số liệu", "F5", "required-value-missing")]),
        ("2d.3", {"numerator": None}, [("Số liệu", "D5", "required-value-missing")]),
        ("2d.3", {"numerator": None, "denominator": None, "value": 90}, [("Số liệu", "D5", "required-value-missing")]),
        ("2d.4", {"numerator": 5, "denominator": "  "}, [("Số liệu", "E5", "required-value-missing")]),
        ("2d.4", {"numerator": None, "denominator": None}, []),
        ("2c.1", {"value": None}, []),
    ],
    ids=["yes-no", "percent-numerator", "percent-only-value", "optional-started", "optional-blank", "count-optional"],
)
def test_check_required_values(make_workbook, code, fields, expected):
    assert _one(make_workbook, code, **fields) == expected


def test_check_missing_indicators(make_workbook):
    raw, report = check_workbook(make_workbook(omit=["6d.1", "2c.1"]))
    assert report.flatten(("sheet", "cell", "code", "indicator")) == [("Số liệu", "", "missing-indicator", "6d.1")]


@pytest.mark.parametrize(
    ("code", "fields", "previous", "expected"),
    [
        ("2d.3", {"numerator": 45, "denominator": 50}, {"2d.3": 20.0}, [("Số liệu", "D5", "implausible-change")]),
        ("2d.3", {"numerator": 45, "denominator": 50}, {"2d.3": 55.0}, []),
        ("2c.1", {"value": 120}, {"2c.1": 20.0}, [("Số liệu", "F5", "implausible-change")]),
        ("2c.1", {"value": 3}, {"2c.1": 40.0}, [("Số liệu", "F5", "implausible-change")]),
        ("2c.1", {"value": 17}, {"2c.1": 3.0}, []),
        ("2c.1", {"value": 90}, {"2c.1": 20.0}, []),
        ("2d.1", {"value": "Không"}, {"2d.1": 100.0}, []),
    ],
)
def test_check_implausible_change(make_workbook, code, fields, previous, expected):
    raw, report = check_workbook(make_workbook(update={code: fields}, first=[code]), previous=previous)
    assert report.flatten() == expected
    assert report.ok and [i.severity for i in report.issues] == ["warning"] * len(expected)


@pytest.mark.parametrize(("fields", "error"), [
    ({"numerator": 60, "denominator": 50}, "numerator-exceeds-denominator"),
    ({"numerator": 45.5, "denominator": 50}, "not-an-integer"),
])
def test_no_derived_warning_on_a_figure_that_already_has_an_error(make_workbook, fields, error):
    raw, report = check_workbook(make_workbook(update={"2d.3": fields}, first=["2d.3"]), previous={"2d.3": 20.0})
    assert [(i.code, i.severity) for i in report.issues if i.indicator == "2d.3"] == [(error, "error")]


def test_validate_issue_carries_indicator_and_message(make_workbook):
    raw, report = check_workbook(make_workbook(update={"2d.3": {"numerator": 60}}, first=["2d.3"]))
    assert [i.as_dict() for i in report.issues] == [{
        "code": "numerator-exceeds-denominator", "severity": "error", "sheet": "Số liệu", "cell": "D5",
        "indicator": "2d.3", "message": "Tử số (60) lớn hơn mẫu số (50).",
    }]
    assert report.issues[0].text() == "Số liệu!D5: Tử số (60) lớn hơn mẫu số (50)."


def test_validate_messages_in_english(make_workbook):
    raw, _ = read_workbook(make_workbook(update={"2c.1": {"value": "12,5"}}, first=["2c.1"]))
    report = validate(raw, load_catalog(), lang="en")
    assert [i.message for i in report.issues] == ["12.5 must be a whole number (a count)."]


def test_validate_renamed_sheets_point_to_their_names(make_workbook):
    data = make_workbook(update={"2c.1": {"value": -1}}, first=["2c.1"], sheet_names={"Số liệu": "Bảng 1"},
                         offset_columns=1, blank_rows=[0])
    assert _flatten(data) == [("Bảng 1", "G6", "negative-value")]


def test_check_workbook_unreadable_file():
    raw, report = check_workbook(b"not a workbook")
    assert (raw, report.flatten(), report.ok) == (None, [("", "", "not-a-workbook")], False)


def test_check_workbook_filled_real_template():
    """The template cchc/templates.py writes, filled where it says, validates clean."""
    import io

    import openpyxl

    from cchc.templates import indicator_rows, input_cell, write_template

    catalog = load_catalog()
    wb = openpyxl.load_workbook(io.BytesIO(write_template("MYHAO", "2019")))
    info, data = wb[layout.SHEET_INFO], wb[layout.SHEET_DATA]
    for row in info.iter_rows():
        if row[0].value == layout.INFO_REPORTER:
            row[1].value = "Trần Thị Bình"
    values = filled_values("MYHAO", "2019")
    for code, row in indicator_rows(data).items():
        fields = {layout.COL_NUMERATOR: "numerator", layout.COL_DENOMINATOR: "denominator",
                  layout.COL_VALUE: "value"}
        for column, ref in input_cell(catalog.indicator_by_code[code], row).items():
            data[ref] = values[code][fields[column]]
    out = io.BytesIO()
    wb.save(out)
    assert _flatten(out.getvalue()) == []


@pytest.mark.parametrize(("length", "expected"), [(2_000, []), (2_001, [("Số liệu", "G5", "note-too-long")])])
def test_check_note_length(make_workbook, length, expected):
    assert _one(make_workbook, "1a.1", note="ư" * length) == expected
