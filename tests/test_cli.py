"""The command line, run in-process through ``cli.main(argv)`` (one real subprocess for ``python -m cchc``)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cchc import auth, cli, layout, read, sniff, store
from cchc.templates import (
    COLUMNS,
    INFO_LABEL_COLUMN,
    INFO_VALUE_COLUMN,
    build_template,
    indicator_rows,
    workbook_bytes,
)
from tests.workbooks import filled_values

ROOT = Path(__file__).resolve().parents[1]


def command_names(parser: argparse.ArgumentParser | None = None, prefix: str = "") -> list[str]:
    """Every command and sub-command the parser knows (``export values`` …), so new ones are checked too."""
    names = []
    for action in (parser or cli.build_parser())._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                names += [f"{prefix}{name}", *command_names(sub, f"{prefix}{name} ")]
    return names


COMMANDS = command_names()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(tmp_path) -> Path:
    return tmp_path / "data"


def test_python_m_cchc_help_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "cchc", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0
    assert all(name in done.stdout for name in ("units", "indicators", "template", "validate", "ingest", "export"))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_takes_data_dir(capsys, command):
    with pytest.raises(SystemExit) as exit_:
        cli.main([*command.split(), "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0 and "usage: python -m cchc" in out
    assert command == "export" or "--data-dir" in out


@pytest.mark.parametrize("argv", [
    ["user", "--data-dir", "{dir}", "list"], ["user", "list", "--data-dir", "{dir}"],
    ["evidence", "--data-dir", "{dir}", "list"], ["evidence", "list", "--data-dir", "{dir}"],
])
def test_the_data_folder_counts_before_or_after_a_sub_command(capsys, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(capsys, *(a.format(dir=tmp_path / "chosen") for a in argv))
    assert code == 0 and (tmp_path / "chosen" / store.DB_FILE).exists() and not (tmp_path / "data").exists()


def test_the_commands_include_the_core_ones():
    assert {"units", "indicators", "template", "validate", "ingest", "export values", "reset"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command):
    assert f"python -m cchc {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_units_csv_as_of_a_period(capsys):
    code, out, _ = run(capsys, "units", "--period", "2018", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and out.splitlines()[0] == "code,name,kind,parent_code,valid_from,valid_to"
    assert {r["code"]: r["kind"] for r in rows}["MYHAO"] == "huyen"
    _, later, _ = run(capsys, "units", "--period", "2020", "--format", "csv")
    myhao = next(r for r in csv.DictReader(io.StringIO(later)) if r["code"] == "MYHAO")
    assert (myhao["kind"], myhao["name"]) == ("thi_xa", "Thị xã Mỹ Hào")


def test_units_table_lists_every_unit(capsys):
    code, out, _ = run(capsys, "units")
    assert code == 0 and len(out.splitlines()) == 1 + 29 and out.startswith("code")


def test_indicators_csv(capsys):
    code, out, _ = run(capsys, "indicators", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert out.startswith("code,area,task,name_vi,measure,direction,applies_to,target,target_year")
    assert {r["code"]: (r["target"], r["target_year"]) for r in rows}["2d.3"] == ("80", "2020")


@pytest.mark.parametrize(("argv", "message"), [
    (["units", "--period", "2018-H3"], "Kỳ báo cáo «2018-H3» không đúng dạng"),
    (["units", "--period", "2030"], "Kỳ báo cáo «2030» nằm ngoài giai đoạn theo dõi"),
    (["template", "--unit", "XYZ", "--period", "2018", "--out", "t.xlsx"], "Mã đơn vị «XYZ» không có trong danh mục"),
    (["template", "--unit", "SNV", "--period", "năm 2018", "--out", "t.xlsx"], "không đúng dạng"),
    (["validate", "khong-co.xlsx"], "Không tìm thấy: «khong-co.xlsx»"),
    (["ingest", "khong-co"], "Không tìm thấy: «khong-co»"),
    (["export", "values", "--out", "v.txt"], "phải có đuôi .csv hoặc .xlsx"),
    (["reset"], "thêm --yes để xác nhận"),
])
def test_bad_input_gives_a_vietnamese_message_and_exit_2(capsys, data, argv, message):
    code, out, err = run(capsys, *argv, "--data-dir", data)
    assert (code, out) == (2, "")
    assert err.startswith("Lỗi: ") and message in err and "Traceback" not in err


@pytest.mark.parametrize(("argv", "named"), [
    (["export"], "LOẠI"),
    (["units", "--format", "xml"], "'xml'"),
    (["units", "--bogus"], "--bogus"),
    (["template", "--unit"], "--unit"),
])
def test_argument_mistakes_say_so_in_vietnamese_with_argparse_words(capsys, argv, named):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith("Lỗi: lệnh viết sai — ") and named in last


def test_template_writes_the_workbook(capsys, tmp_path):
    out_file = tmp_path / "snv.xlsx"
    code, out, _ = run(capsys, "template", "--unit", "snv", "--period", "2018-H1", "--out", out_file)
    assert code == 0 and "SNV" in out
    assert layout.SHEET_DATA in load_workbook(out_file).sheetnames


def test_validate_human_output_and_exit_codes(capsys, tmp_path, make_workbook):
    good = tmp_path / "good.xlsx"
    good.write_bytes(make_workbook("SNV", "2018"))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(make_workbook("SNV", "2018", update={"1a.1": {"value": "nhiều"}}))
    assert run(capsys, "validate", good, "--data-dir", tmp_path / "none")[0] == 0
    code, out, _ = run(capsys, "validate", good, bad, "--data-dir", tmp_path / "none")
    assert code == 1
    assert f"{bad}: có lỗi (1 lỗi, 0 cảnh báo)" in out
    assert "Số liệu!F5: «nhiều» không phải là số." in out
    assert not (tmp_path / "none").exists()  # checking never creates a data folder


def test_validate_against_stored_reports_names_duplicates_and_replacements(capsys, tmp_path, data, make_workbook):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    first.write_bytes(make_workbook("SNV", "2018"))
    second.write_bytes(make_workbook("SNV", "2018", update={"1a.1": {"value": 12}}))
    run(capsys, "ingest", first, "--data-dir", data)
    code, out, _ = run(capsys, "validate", first, second, "--data-dir", data)
    assert code == 0
    assert out.splitlines() == [f"{first}: hợp lệ (0 lỗi, 0 cảnh báo, đã nhận trước đó (#1))",
                                f"{second}: hợp lệ (0 lỗi, 0 cảnh báo, sẽ thay báo cáo số 1)"]
    assert len(store.Store(data).submissions()) == 1


def test_validate_json_in_english(capsys, tmp_path, make_workbook):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(make_workbook("SNV", "2018", update={"1a.1": {"value": "nhiều"}}))
    code, out, _ = run(capsys, "validate", bad, "--json", "--lang", "en", "--data-dir", tmp_path / "none")
    assert code == 1
    assert json.loads(out) == [{"file": str(bad), "ok": False, "issues": [{
        "code": "not-a-number", "severity": "error", "sheet": "Số liệu", "cell": "F5", "indicator": "1a.1",
        "message": "«nhiều» is not a number."}]}]


def test_ingest_reports_each_file_and_a_summary(capsys, tmp_path, data, make_workbook):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_snv.xlsx").write_bytes(make_workbook("SNV", "2018"))
    (folder / "b_bad.xlsx").write_bytes(make_workbook("STP", "2018", update={"1a.1": {"value": "nhiều"}}))
    code, out, _ = run(capsys, "ingest", folder, "--data-dir", data)
    assert code == 1
    assert out.splitlines() == [
        f"{folder / 'a_snv.xlsx'}: đã nhận — SNV 2018, báo cáo số 1.",
        f"{folder / 'b_bad.xlsx'}: bị từ chối (1 lỗi)",
        "  Số liệu!F5: «nhiều» không phải là số.",
        "Tổng cộng 2 tệp: 1 đã nhận, 1 bị từ chối, 0 đã nhận trước đó.",
    ]
    code, out, _ = run(capsys, "ingest", folder / "a_snv.xlsx", "--data-dir", data)
    assert code == 0 and "đã nhận trước đó (báo cáo số 1)" in out


def test_export_values_of_a_fresh_data_folder_is_empty(capsys, tmp_path, data):
    out_file = tmp_path / "v.csv"
    assert run(capsys, "export", "values", "--out", out_file, "--data-dir", data)[0] == 0
    assert out_file.read_bytes() == b"\xef\xbb\xbfunit,period,indicator,numerator,denominator,value,note,source_cell," \
                                    b"submission_id\n"


def test_round_trip_template_filled_ingested_exported(capsys, tmp_path, data):
    wb = build_template("VANLAM", "2019")  # the real template writer
    sheet, fields = wb[layout.SHEET_DATA], {"numerator": layout.COL_NUMERATOR, "denominator": layout.COL_DENOMINATOR,
                                            "value": layout.COL_VALUE}
    rows = indicator_rows(sheet)
    figures = {**filled_values("VANLAM", "2019"), "2d.2": {"numerator": 9, "denominator": 12},
               "1a.1": {"value": 14}, "2d.1": {"value": layout.YES}}
    for code, given in figures.items():
        for field, value in given.items():
            sheet[f"{COLUMNS[fields[field]]}{rows[code]}"] = value
    info = wb[layout.SHEET_INFO]
    labels = {info.cell(r, INFO_LABEL_COLUMN).value: r for r in range(1, info.max_row + 1)}
    info.cell(labels[layout.INFO_REPORTER], INFO_VALUE_COLUMN, "Nguyễn Văn An")
    upload = tmp_path / "VANLAM_2019.xlsx"
    upload.write_bytes(workbook_bytes(wb))
    assert run(capsys, "ingest", upload, "--data-dir", data)[0] == 0
    exported = tmp_path / "values.csv"
    assert run(capsys, "export", "values", "--period", "2019", "--out", exported, "--data-dir", data)[0] == 0
    table = {r["indicator"]: r for r in csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8-sig")))}
    assert len(table) == len(figures)
    assert {k: (r["unit"], r["period"], r["numerator"], r["denominator"], r["value"]) for k, r in table.items()
            if k in ("2d.2", "1a.1", "2d.1")} == {
        "2d.2": ("VANLAM", "2019", "9.0000", "12.0000", "75.0000"), "1a.1": ("VANLAM", "2019", "", "", "14.0000"),
        "2d.1": ("VANLAM", "2019", "1.0000", "1.0000", "100.0000")}


def test_reset_empties_the_data_folder(capsys, tmp_path, data, make_workbook):
    upload = tmp_path / "a.xlsx"
    upload.write_bytes(make_workbook("SNV", "2018"))
    run(capsys, "ingest", upload, "--data-dir", data)
    code, out, _ = run(capsys, "reset", "--yes", "--data-dir", data)
    assert code == 0 and store.Store(data).submissions().empty


def test_busy_database_gives_the_clear_message(capsys, monkeypatch, tmp_path, data, make_workbook):
    upload = tmp_path / "a.xlsx"
    upload.write_bytes(make_workbook("SNV", "2018"))
    store.Store(data).data_version()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]);"
                               " print('held', flush=True); time.sleep(30)", str(data / store.DB_FILE)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(store, "BUSY_TIMEOUT", 0.3)
        code, out, err = run(capsys, "ingest", upload, "--data-dir", data)
    finally:
        holder.kill()
        holder.wait()
    assert (code, out) == (2, "")
    assert "đang được một chương trình khác sử dụng" in err and "Traceback" not in err
    assert run(capsys, "ingest", upload, "--data-dir", data)[0] == 0  # released: it works again


def test_ingest_for_an_account_uses_its_rights_and_says_so_in_the_audit(capsys, tmp_path, data, make_workbook):
    kept = store.Store(data)
    auth.create_user(kept, auth.operator("admin"), "cb.snv", "don_vi", "mật-khẩu-đủ-dài-1", units=["SNV"])
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_snv.xlsx").write_bytes(make_workbook("SNV", "2018"))
    (folder / "b_stp.xlsx").write_bytes(make_workbook("STP", "2018"))
    code, out, _ = run(capsys, "ingest", folder, "--user", "CB.SNV", "--data-dir", data)
    assert code == 1 and "a_snv.xlsx: đã nhận" in out and "không được nộp báo cáo cho đơn vị «STP»" in out
    log = kept.audit_log(action="submission")
    assert set(log["user"]) == {"cb.snv"} and all(o.startswith("cli:") for o in log["origin"])
    assert set(log["action"]) == {"submission.accepted", "submission.refused"}
    code, _, err = run(capsys, "ingest", folder, "--user", "khong-co", "--data-dir", data)
    assert code == 2 and "Không có tài khoản đang hoạt động tên «khong-co»" in err


@pytest.mark.parametrize(("extra", "options"), [
    ([], []),
    (["--address", "127.0.0.1"], ["--server.address", "127.0.0.1"]),
])
def test_serve_starts_streamlit_in_the_project_folder_wherever_it_is_run(monkeypatch, tmp_path, extra, options):
    started = {}
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_DATA_DIR", "khac")  # serve overrides it; the fixture restores it afterwards
    monkeypatch.setattr(cli.os, "chdir", lambda path: started.setdefault("cwd", Path(path)))
    monkeypatch.setattr(cli.os, "execv", lambda exe, argv: started.setdefault("argv", argv))
    cli.main(["serve", "--data-dir", "du-lieu", "--port", "8600", *extra])
    assert (started["cwd"] / ".streamlit" / "config.toml").is_file() and (started["cwd"] / "server.py").is_file()
    assert started["argv"][1:] == ["-m", "streamlit", "run", "server.py", "--server.port", "8600", *options]
    assert cli.os.environ["CCHC_DATA_DIR"] == str(tmp_path / "du-lieu")
    config = (started["cwd"] / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "disableDataExport = true" in config
    assert f"maxUploadSize = {sniff.MAX_EVIDENCE_BYTES // 2**20}" in config  # the largest file a page takes
    assert sniff.MAX_EVIDENCE_BYTES >= read.MAX_FILE_BYTES
