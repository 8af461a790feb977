"""Normalising a validated workbook into a Submission of long value rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from cchc import layout
from cchc.catalog import load_catalog
from cchc.normalise import Submission, ValueRow, normalise, parse_date, parse_yes_no
from cchc.read import read_workbook
from tests.workbooks import check_workbook

FIXTURES = Path(__file__).parent / "fixtures"


def _submission(data: bytes) -> Submission:
    raw, report = check_workbook(data)
    assert report.errors == []  # warnings (such as 0/0) do not stop a report
    return normalise(raw, load_catalog())


def test_normalise_submission_header_and_first_rows(make_workbook):
    update = {"2d.3": {"numerator": "1.234", "denominator": 2000, "note": " khảo sát quý IV "},
              "2d.1": {"value": "co"}, "2c.1": {"value": "12"}}
    data = make_workbook("SNV", "2018", reporter="  Lê Văn Cường ", report_date="15/12/2018",
                         first=["2d.3", "2d.1", "2c.1"], update=update)
    sub = _submission(data)
    assert (sub.unit, sub.period, sub.template_version, sub.reporter, sub.report_date) == (
        "SNV", "2018", "2016.1", "Lê Văn Cường", dt.date(2018, 12, 15))
    assert sub.values[:3] == (
        ValueRow("2d.3", 1234.0, 2000.0, 61.7, "khảo sát quý IV", "Số liệu!D5"),
        ValueRow("2d.1", 1.0, 1.0, 100.0, "", "Số liệu!F6"),
        ValueRow("2c.1", None, None, 12.0, "", "Số liệu!F7"),
    )
    assert len(sub.values) == 29


def test_normalise_every_applicable_indicator_once(make_workbook):
    sub = _submission(make_workbook("TPHY", "2019-H1", shuffle=5))
    catalog = load_catalog()
    expected = {i.code for i in catalog.indicators_for(catalog.unit_by_code["TPHY"], dt.date(2019, 6, 30))}
    assert sorted(v.indicator for v in sub.values) == sorted(expected)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"numerator": 45, "denominator": 50}, (45.0, 50.0, 90.0)),
        ({"numerator": 45, "denominator": 50, "value": "90%"}, (45.0, 50.0, 90.0)),
        ({"numerator": 0, "denominator": 0}, (0.0, 0.0, None)),
        ({"numerator": "1.500", "denominator": "2.000"}, (1500.0, 2000.0, 75.0)),
    ],
)
def test_normalise_percent_from_fraction(make_workbook, fields, expected):
    sub = _submission(make_workbook(update={"2d.3": fields}, first=["2d.3"]))
    assert (sub.values[0].numerator, sub.values[0].denominator, sub.values[0].value) == expected


@pytest.mark.parametrize(("answer", "expected"), [("Có", (1.0, 1.0, 100.0)), ("Không", (0.0, 1.0, 0.0)),
                                                  ("x", (1.0, 1.0, 100.0)), (0, (0.0, 1.0, 0.0))])
def test_normalise_yes_no_as_share(make_workbook, answer, expected):
    sub = _submission(make_workbook(update={"2d.1": {"value": answer}}, first=["2d.1"]))
    assert (sub.values[0].numerator, sub.values[0].denominator, sub.values[0].value) == expected


def test_normalise_blank_optional_rows_left_out(make_workbook):
    sub = _submission(make_workbook(update={"2c.1": {"value": None}, "2d.4": {"numerator": None, "denominator": None}}))
    assert {"2c.1", "2d.4"} & {v.indicator for v in sub.values} == set()
    assert len(sub.values) == 27


def test_normalise_info_forms(make_workbook):
    data = make_workbook(info={layout.INFO_UNIT_CODE: " snv ", layout.INFO_PERIOD: "2018 - h2",
                               layout.INFO_VERSION: 2016.1}, report_date=None)
    sub = _submission(data)
    assert (sub.unit, sub.period, sub.template_version, sub.report_date) == ("SNV", "2018-H2", "2016.1", None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(dt.date(2018, 6, 15), dt.date(2018, 6, 15)), (dt.datetime(2018, 6, 15, 9, 30), dt.date(2018, 6, 15)),
     ("15/06/2018", dt.date(2018, 6, 15)), ("5.6.2018", dt.date(2018, 6, 5)), ("2018-06-15", dt.date(2018, 6, 15)),
     ("31/02/2018", None), ("tháng 6", None), ("", None), (None, None)],
)
def test_parse_date_forms(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Có", True), ("CÓ", True), (" co ", True), ("c", True), ("x", True), ("Yes", True), (1.0, True), (True, True),
     ("1", True), ("Không", False), ("khong", False), ("K", False), ("no", False), (0.0, False), ("0", False),
     (False, False), ("có lẽ", None), ("", None), (2.0, None), (None, None)],
)
def test_parse_yes_no_forms(value, expected):
    assert parse_yes_no(value) is expected


def test_normalise_xls_and_ods_give_the_same_submission():
    catalog = load_catalog()
    subs = [normalise(read_workbook(FIXTURES / f"valid.{ext}")[0], catalog) for ext in ("xlsx", "xls", "ods")]
    assert subs[0] == subs[1] == subs[2]
    assert subs[0].report_date == dt.date(2018, 12, 15)
    assert [v for v in subs[0].values if v.indicator == "6dd.1"] == [
        ValueRow("6dd.1", 1234.0, 2000.0, 61.7, "ước tính", "Số liệu!D26")]


def test_normalise_submission_is_frozen(make_workbook):
    sub = _submission(make_workbook())
    with pytest.raises(dataclasses.FrozenInstanceError):
        sub.unit = "STP"  # type: ignore[misc]
