import dataclasses
import datetime as dt

import pandas as pd
import pytest

from cchc.catalog import Unit, load_catalog
from cchc.completeness import (
    completeness,
)

NEW = Unit("SMOI", "Sở Mới", "Sở Mới", "so", "UBNDT", dt.date(2018, 7, 1), None)
GONE = Unit("SCU", "Sở Cũ", "Sở Cũ", "so", "UBNDT", dt.date(2016, 1, 1), dt.date(2017, 3, 31))


@pytest.fixture(scope="module")
def catalog():
    base = load_catalog()
    return dataclasses.replace(base, units=(base.unit_by_code["UBNDT"], base.unit_by_code["SNV"],
                                            base.unit_by_code["MYHAO"], NEW, GONE))


def subs(rows):
    return pd.DataFrame(rows, columns=["unit", "period", "status", "uploaded_at"]).astype({"uploaded_at": "object"})


def status_of(frame, unit, period):
    row = frame[(frame["unit"] == unit) & (frame["period"] == period)].iloc[0]
    return row["status"], row["days_late"], row["expected"]


@pytest.mark.parametrize(
    ("rows", "unit", "period", "status", "days_late", "expected"),
    [
        ([("SNV", "2018", "accepted", "2018-12-10 09:00")], "SNV", "2018", "on_time", 0, True),
        ([("SNV", "2018", "accepted", "2018-12-15 23:59")], "SNV", "2018", "on_time", 0, True),   # deadline day
        ([("SNV", "2018", "accepted", "2018-12-18 08:00")], "SNV", "2018", "late", 3, True),
        ([("SNV", "2018-H1", "accepted", "2018-06-16 08:00")], "SNV", "2018-H1", "late", 1, True),
        ([("SNV", "2020", "accepted", "2020-12-19 08:00")], "SNV", "2020", "on_time", 0, True),   # override 20/12
        ([("SNV", "2018", "rejected", "2018-12-01 08:00")], "SNV", "2018", "missing", None, True),
        ([("SNV", "2018", "rejected", "2018-12-01 08:00"), ("SNV", "2018", "accepted", "2018-12-20 08:00")],
         "SNV", "2018", "late", 5, True),
        ([("SNV", "2018", "accepted", "2018-12-01 08:00"), ("SNV", "2018", "accepted", "2019-01-20 08:00")],
         "SNV", "2018", "on_time", 0, True),                                                 # a later correction
        ([], "SNV", "2017", "missing", None, True),
        ([], "MYHAO", "2019", "missing", None, True),                                        # huyện → thị xã
        ([], "SMOI", "2017", "not_applicable", None, False),                                 # did not exist yet
        ([], "SMOI", "2018", "missing", None, True),                                         # existed from 1/7
        ([], "SCU", "2017", "missing", None, True),                                          # closed 31/3/2017
        ([], "SCU", "2018", "not_applicable", None, False),
    ],
)
def test_completeness_status(catalog, rows, unit, period, status, days_late, expected):
    frame = completeness(subs(rows), ["2017", "2018", "2018-H1", "2019", "2020"], catalog)
    got_status, got_days, got_expected = status_of(frame, unit, period)
    assert (got_status, got_expected) == (status, expected)
    assert (pd.isna(got_days) and days_late is None) or got_days == days_late


def test_completeness_reads_utc_stamps_in_vietnam_time(catalog):
    rows = subs([("SNV", "2018", "accepted", pd.Timestamp("2018-12-15 18:00", tz="UTC"))])  # 16/12 01:00 in Hà Nội
    frame = completeness(rows, ["2018"], catalog)
    assert status_of(frame, "SNV", "2018")[:2] == ("late", 1)


def test_completeness_default_periods_are_the_years_plus_reported_halves(catalog):
    frame = completeness(subs([("SNV", "2019-H1", "accepted", "2019-06-01")]), None, catalog)
    assert sorted(frame["period"].unique()) == ["2016", "2017", "2018", "2019", "2019-H1", "2020"]
    assert len(frame) == 4 * 6   # the province itself does not report


def test_completeness_ignores_rejected_files_without_a_period(catalog):
    rows = subs([("", "", "rejected", "2019-06-01"), ("SNV", "2019-H1", "rejected", "2019-06-01")])
    frame = completeness(rows, None, catalog)
    assert sorted(frame["period"].unique()) == ["2016", "2017", "2018", "2019", "2020"]
