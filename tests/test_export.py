import csv
import dataclasses
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from cchc import cli, clock
from cchc.catalog import load_catalog
from cchc.completeness import completeness
from cchc.criteria import load_criteria
from cchc.export import (
    CUT_MARK,
    EXCEL_MAX_CHARS,
    PROGRESS_CSV,
    completeness_xlsx,
    csv_bytes,
    fit_cell,
    neutralise,
    progress_file,
    progress_xlsx,
    ranking_xlsx,
    values_xlsx,
)
from cchc.progress import progress
from cchc.ranking import ranking


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+84 912", "'+84 912"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\t=x", "'\t=x"), ("\r=x", "'\r=x"), ("Sở Nội vụ", "Sở Nội vụ"), ("", ""), (-5, -5), (2.5, 2.5), (None, None)],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_bytes_has_bom_and_neutralised_text():
    frame = pd.DataFrame({"unit": ["SNV", "=cmd|' /C calc'!A0"], "value": [-1.5, 2.0], "note": ["Đạt", "@x"]})
    data = csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == [
        "unit,value,note", "SNV,-1.5000,Đạt", "'=cmd|' /C calc'!A0,2.0000,'@x"]


@pytest.fixture(scope="module")
def catalog():
    base = load_catalog()
    evil = dataclasses.replace(base.unit_by_code["STP"], name="=HYPERLINK(\"http://x\",\"Sở\")")
    return dataclasses.replace(base, units=tuple(evil if u.code == "STP" else u for u in base.units))


@pytest.fixture(scope="module")
def table(catalog):
    scores = pd.DataFrame([(2019, u, "8.1", "survey", s, "", "") for u, s in [("SNV", 18), ("STP", 15)]],
                          columns=["year", "unit", "criterion", "source", "score", "entered_by", "reason"])
    empty = pd.DataFrame(columns=["unit", "period", "indicator", "achievement"])
    return ranking(2019, "so", empty, scores, catalog)


def test_ranking_xlsx_layout(catalog, table):
    # Sở Nội vụ: survey 18 points of a maximum of 97 (criterion 3.1 does not apply to it)
    wb = load_workbook(io.BytesIO(ranking_xlsx(table, 2019, "so", catalog)))
    ws = wb["Xếp hạng"]
    assert wb.sheetnames == ["Xếp hạng", "Điểm theo lĩnh vực"]
    assert "NĂM 2019" in ws["A1"].value and "Sở, ban, ngành" in ws["A2"].value and "Hưng Yên" in ws["A2"].value
    assert [c.value for c in ws[4]] == ["Xếp hạng", "Đơn vị", "Điểm tự đánh giá", "Điểm thẩm định",
                                        "Điểm điều tra XHH", "Tổng điểm", "Chỉ số (%)", "Xếp loại",
                                        "Thay đổi thứ hạng", "Thay đổi chỉ số (điểm %)"]  # no STT beside the rank
    assert [c.value for c in ws[5]][:8] == [1, "Sở Nội vụ", 0, 0, 18, 18, pytest.approx(1800 / 97), "Yếu"]
    assert ws["G5"].number_format == "0.00" and ws["A5"].number_format == "0"
    assert ws.freeze_panes == "A5" and ws.auto_filter.ref == f"A4:J{4 + len(table)}"
    note = ws.cell(6 + len(table), 1).value
    assert note.startswith("Nguồn: ") and f"Xuất ngày {clock.today():%d/%m/%Y}." in note
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$4:$4"
    assert ws.column_dimensions["B"].width == 34
    domains = wb["Điểm theo lĩnh vực"]
    assert [c.value for c in domains[4]][2] == "Cải cách thể chế (tối đa 8)"
    assert domains.cell(5, 2 + 8).value == 18   # D8, the survey domain


def test_ranking_xlsx_neutralises_names(catalog, table):
    ws = load_workbook(io.BytesIO(ranking_xlsx(table, 2019, "so", catalog)))["Xếp hạng"]
    cell = ws["B6"]
    assert cell.value == "'=HYPERLINK(\"http://x\",\"Sở\")" and cell.data_type == "s"


def test_progress_xlsx_rows(catalog):
    values = pd.DataFrame([("SNV", "2016", "6dd.1", 20, 100, 20.0), ("SNV", "2018", "6dd.1", 45, 100, 45.0)],
                          columns=["unit", "period", "indicator", "numerator", "denominator", "value"])
    prog = progress(values, catalog, province=False)
    ws = load_workbook(io.BytesIO(progress_xlsx(prog, "Sở Nội vụ", catalog))).active
    assert ws["A2"].value == "Sở Nội vụ — tỉnh Hưng Yên"
    row = [c.value for c in ws[6]]
    assert row[:6] == [2, "6dd.1", "Tỷ lệ dịch vụ công trực tuyến mức độ 3", "SNV", "2018", 45]
    assert row[7:12] == [42.5, 65, 2020, pytest.approx(25 / 45 * 100), "Đúng tiến độ"]


def test_completeness_xlsx_rows(catalog):
    subs = pd.DataFrame([("SNV", "2018", "accepted", "2018-12-20 10:00")],
                        columns=["unit", "period", "status", "uploaded_at"])
    frame = completeness(subs, ["2018"], catalog)
    ws = load_workbook(io.BytesIO(completeness_xlsx(frame, "Năm 2018", catalog))).active
    snv = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[1] == "SNV")
    assert snv[2:] == ("Sở Nội vụ", "2018", pd.Timestamp("2018-12-15"), pd.Timestamp("2018-12-20 10:00"), 5,
                       "Nộp muộn")


def test_completeness_xlsx_names_a_unit_as_it_was_called_in_the_period(catalog):
    subs = pd.DataFrame(columns=["unit", "period", "status", "uploaded_at"])
    frame = completeness(subs, ["2018", "2020"], catalog)
    ws = load_workbook(io.BytesIO(completeness_xlsx(frame, "2018–2020", catalog))).active
    names = {(r[1], r[3]): r[2] for r in ws.iter_rows(min_row=5, values_only=True) if r[1] == "MYHAO"}
    assert names == {("MYHAO", "2018"): "Huyện Mỹ Hào", ("MYHAO", "2020"): "Thị xã Mỹ Hào"}


def test_default_tiers_are_the_vietnamese_words():
    assert [t.name_vi for t in load_criteria().tiers] == ["Tốt", "Khá", "Trung bình", "Yếu"]


def test_values_xlsx_rows(catalog):
    frame = pd.DataFrame([("SNV", "2018", "6dd.1", 45.0, 100.0, 45.0, "-ghi chú", "E12", 7)],
                         columns=["unit", "period", "indicator", "numerator", "denominator", "value", "note",
                                  "source_cell", "submission_id"])
    ws = load_workbook(io.BytesIO(values_xlsx(frame, "2018", catalog))).active
    assert [c.value for c in ws[5]] == [1, "SNV", "2018", "6dd.1", "Tỷ lệ dịch vụ công trực tuyến mức độ 3", 45, 100,
                                        45, "'-ghi chú", "E12", 7]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_progress_file_kinds(catalog, kind):
    values = pd.DataFrame([("SNV", "2016", "6dd.1", 20, 100, 20.0)],
                          columns=["unit", "period", "indicator", "numerator", "denominator", "value"])
    data = progress_file(progress(values, catalog, province=False), kind, "Sở Nội vụ", catalog)
    if kind == "csv":
        assert data.decode("utf-8-sig").splitlines()[0] == ",".join(PROGRESS_CSV)
    else:
        assert load_workbook(io.BytesIO(data)).active["B5"].value == "6dd.1"


def test_cli_exports_progress_ranking_and_completeness(capsys, tmp_path, make_workbook):
    data = tmp_path / "data"
    for period, numerator in (("2016", 20), ("2018", 45)):
        path = tmp_path / f"SNV_{period}.xlsx"
        path.write_bytes(make_workbook("SNV", period, update={"6dd.1": {"numerator": numerator, "denominator": 100}}))
        assert cli.main(["ingest", str(path), "--data-dir", str(data)]) == 0
    outputs = {kind: tmp_path / f"{kind}.csv" for kind in ("progress", "ranking", "completeness")}
    assert cli.main(["export", "progress", "--unit", "snv", "--period", "2018", "--out", str(outputs["progress"]),
                     "--data-dir", str(data)]) == 0
    assert cli.main(["export", "ranking", "--year", "2018", "--block", "so", "--out", str(outputs["ranking"]),
                     "--data-dir", str(data)]) == 0
    assert cli.main(["export", "completeness", "--period", "2018", "--out", str(outputs["completeness"]),
                     "--data-dir", str(data)]) == 0
    capsys.readouterr()
    rows = {k: list(csv.DictReader(io.StringIO(p.read_text(encoding="utf-8-sig")))) for k, p in outputs.items()}
    level3 = next(r for r in rows["progress"] if r["indicator"] == "6dd.1")
    assert (level3["unit"], level3["period"], level3["value"], level3["milestone"], level3["status"]) == (
        "SNV", "2018", "45.0000", "42.5000", "on_track")
    assert list(rows["ranking"][0])[:5] == ["rank", "unit", "block", "self_score", "appraised_score"]
    assert {"score", "index", "tier", "D1", "D8"} <= set(rows["ranking"][0])
    assert [r["unit"] for r in rows["ranking"]][0] == "SNV" and len(rows["ranking"]) == 18
    statuses = {r["unit"]: r["status"] for r in rows["completeness"]}
    assert statuses["SNV"] == "late" and statuses["STP"] == "missing" and len(statuses) == 28


@pytest.mark.parametrize(("text", "expected_end"), [("ư" * 32_767, "ư"), ("ư" * 40_000, CUT_MARK)])
def test_xlsx_cells_are_never_cut_silently(text, expected_end):
    assert len(fit_cell(text)) <= EXCEL_MAX_CHARS and fit_cell(text).endswith(expected_end)
