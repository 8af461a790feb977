"""Ingest: dry run, storing one file, walking folders, and the history a batch keeps while it runs."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from cchc.ingest import check_file, find_workbooks, ingest_file, ingest_paths, safe_filename
from cchc.store import Store

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "data")


def statuses(results) -> list[tuple[str, str, str, str]]:
    return [(r.filename.split("/")[-1], r.status, r.unit, r.period) for r in results]


def test_check_file_valid_workbook_without_store(make_workbook):
    data = make_workbook("SNV", "2018")
    checked = check_file(data, "snv.xlsx")
    assert checked.report.ok
    assert (checked.unit, checked.period, checked.size) == ("SNV", "2018", len(data))
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.submission is not None and len(checked.submission.values) > 20
    assert (checked.duplicate_of, checked.supersedes) == (None, None)


def test_check_file_names_the_duplicate_and_the_report_it_would_replace(store, make_workbook):
    data = make_workbook("SNV", "2018")  # openpyxl stamps the time: the same bytes come from one call only
    first = ingest_file(store, data, "a.xlsx", user="an")
    assert check_file(data, "again.xlsx", store).duplicate_of == first.submission_id
    corrected = check_file(make_workbook("SNV", "2018", reporter="Trần Thị Bình"), "b.xlsx", store)
    assert (corrected.duplicate_of, corrected.supersedes) == (None, first.submission_id)
    assert len(store.submissions()) == 1  # a dry run stores nothing


def test_check_file_rejected_file_keeps_the_unit_and_period_it_names(make_workbook):
    checked = check_file(make_workbook("SNV", "2018", update={"1a.1": {"value": "nhiều"}}), "x.xlsx")
    assert not checked.report.ok and checked.submission is None
    assert (checked.unit, checked.period) == ("SNV", "2018")


def test_ingest_file_accepted_stores_values_raw_file_and_audit(store, make_workbook):
    data = make_workbook("STP", "2018-H1")
    at = dt.datetime(2018, 6, 10, 9, 30)
    result = ingest_file(store, data, "stp.xlsx", user="an", received_at=at)
    assert (result.status, result.unit, result.period, result.supersedes) == ("accepted", "STP", "2018-H1", None)
    expected = check_file(data, "stp.xlsx").submission.values
    values = store.current_values(unit="STP")
    assert sorted(values["indicator"]) == sorted(v.indicator for v in expected)
    assert store.submissions()[["uploaded_at", "uploaded_by", "filename"]].values.tolist() == [[at, "an", "stp.xlsx"]]
    assert store.raw_file(hashlib.sha256(data).hexdigest()) == data
    assert store.audit_log()["action"].tolist() == ["submission.accepted"]


def test_ingest_file_rejected_keeps_file_and_issues_but_no_values(store, make_workbook):
    data = make_workbook("SNV", "2018", update={"1a.1": {"value": "nhiều"}})
    result = ingest_file(store, data, "bad.xlsx", user="an")
    assert (result.status, result.unit, result.period) == ("rejected", "SNV", "2018")
    assert store.issues(result.submission_id)["code"].tolist() == ["not-a-number"]
    assert store.current_values().empty
    assert store.raw_file(hashlib.sha256(data).hexdigest()) == data


def test_ingest_file_unreadable_file_is_rejected_not_raised(store):
    result = ingest_file(store, b"not a workbook at all", "notes.xlsx", user="an")
    assert (result.status, result.unit, result.period) == ("rejected", "", "")
    assert [i.code for i in result.report.errors] == ["not-a-workbook"]


def test_ingest_file_same_bytes_twice_is_a_duplicate(store, make_workbook):
    data = make_workbook("SNV", "2018")
    first = ingest_file(store, data, "a.xlsx", user="an")
    again = ingest_file(store, data, "a (1).xlsx", user="binh")
    assert (again.status, again.submission_id) == ("duplicate", first.submission_id)
    assert len(store.submissions()) == 1


def test_ingest_file_correction_supersedes_and_becomes_current(store, make_workbook):
    first = ingest_file(store, make_workbook("SNV", "2018"), "a.xlsx", user="an")
    second = ingest_file(store, make_workbook("SNV", "2018", update={"1a.1": {"value": 99}}), "b.xlsx", user="an")
    assert (second.status, second.supersedes) == ("accepted", first.submission_id)
    current = store.current_values(unit="SNV")
    assert set(current["submission_id"]) == {second.submission_id}
    assert current.set_index("indicator").loc["1a.1", "value"] == 99


def test_ingest_file_warns_about_an_implausible_change_from_the_previous_period(store, make_workbook):
    ingest_file(store, make_workbook("SNV", "2017", update={"1a.1": {"value": 30}}), "2017.xlsx", user="an")
    result = ingest_file(store, make_workbook("SNV", "2018", update={"1a.1": {"value": 300}}), "2018.xlsx", user="an")
    assert result.status == "accepted"
    assert [(i.code, i.indicator) for i in result.report.warnings] == [("implausible-change", "1a.1")]
    assert store.issues(result.submission_id)["code"].tolist() == ["implausible-change"]


def write(folder, name, data):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_ingest_paths_walks_folders_and_matches_one_by_one_ingest(tmp_path, make_workbook, make_store):
    files = tmp_path / "in"
    write(files, "2017/snv.xlsx", make_workbook("SNV", "2017", update={"1a.1": {"value": 30}}))
    snv = write(files, "2018/snv.xlsx", make_workbook("SNV", "2018", update={"1a.1": {"value": 300}}))
    write(files, "2018/snv copy.xlsx", snv.read_bytes())
    write(files, "2018/stp.xlsx", make_workbook("STP", "2018", update={"2d.3": {"numerator": 90, "denominator": 50}}))
    write(files, "2018/~$snv.xlsx", b"Office lock file")
    write(files, "2018/ghi chu.txt", b"not a workbook")
    seen = []
    batch = ingest_paths(make_store(tmp_path / "batch"), [files], user="an", progress=lambda done, total: seen.append(
        (done, total)))
    assert statuses(batch) == [("snv.xlsx", "accepted", "SNV", "2017"), ("snv copy.xlsx", "accepted", "SNV", "2018"),
                               ("snv.xlsx", "duplicate", "SNV", "2018"), ("stp.xlsx", "rejected", "STP", "2018")]
    assert seen == [(4, 4)]
    single = make_store(tmp_path / "single")
    one_by_one = [ingest_file(single, p.read_bytes(), str(p), user="an") for p in find_workbooks([files])]
    assert statuses(one_by_one) == statuses(batch)
    assert [r.report.flatten(("cell", "code")) for r in one_by_one] == [r.report.flatten(("cell", "code"))
                                                                         for r in batch]
    assert batch[1].report.warnings and batch[1].report.warnings[0].code == "implausible-change"


def test_ingest_paths_a_second_run_finds_only_duplicates(tmp_path, make_workbook):
    files = tmp_path / "in"
    for unit in ("SNV", "STP", "STC"):
        write(files, f"{unit}.xlsx", make_workbook(unit, "2019"))
    store = Store(tmp_path / "data")
    assert {r.status for r in ingest_paths(store, [files], user="an")} == {"accepted"}
    assert {r.status for r in ingest_paths(store, [files], user="an")} == {"duplicate"}
    assert len(store.submissions()) == 3


@pytest.mark.parametrize(("names", "found"), [
    (["a.xlsx", "b.XLSM", "c.xls", "d.ods"], ["a.xlsx", "b.XLSM", "c.xls", "d.ods"]),
    (["~$a.xlsx", ".~lock.b.ods#", ".~c.xlsx", "d.csv", "e.docx", "f.xlsx"], ["f.xlsx"]),
])
def test_find_workbooks_keeps_workbooks_and_skips_lock_files(tmp_path, names, found):
    for name in names:
        write(tmp_path, f"sub/{name}", b"x")
    assert [p.name for p in find_workbooks([tmp_path])] == found


def test_find_workbooks_takes_a_file_named_explicitly(tmp_path):
    named = write(tmp_path, "bao cao.csv", b"a,b")
    assert find_workbooks([named]) == [named]


@pytest.mark.parametrize(("name", "expected"), [
    ("snv.xlsx", "snv.xlsx"),
    ("../../etc/passwd.xlsx", "passwd.xlsx"),
    ("a\x00b\x1b[31mc\x7f.xlsx", "ab[31mc.xlsx"),
    ("hoa-don\u202exslx.exe", "hoa-donxslx.exe"),
    ("👩🏽‍💻 Nguyễn.ods", "👩🏽‍💻 Nguyễn.ods"),  # the emoji's zero-width joiner is not a control character
    ("d" * 100_000 + ".xlsx", "d" * 250 + ".xlsx"),
])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected
