"""Evidence files behind the PAR self-assessment: the kind told from the bytes, every bad file refused with its
code and nothing stored, only a unit's own account attaches, the appraisal, the score sheet's list, the CLI,
backups and the move to PostgreSQL."""

from __future__ import annotations

import io
import json
import struct
import tracemalloc
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from cchc import backup, cli, evidence, migrate
from cchc.auth import AuthError, User
from cchc.backup import BackupError
from cchc.guard import Refused
from cchc.sample.evidence import DOCUMENTS, EVIDENCE_DIR, EVIDENCE_MANIFEST, YEAR, pdf_bytes, write_evidence
from cchc.sample.manifest import SAMPLE_DIR
from cchc.score_sheet import COL_EVIDENCE, template_xlsx
from cchc.sniff import MAX_EVIDENCE_BYTES, sniff
from cchc.store import MIGRATIONS, Store
from tests.conftest import database
from tests.hostile import rezip

ADMIN = User("admin", "quan_tri", (), "test")
CLERK = User("cb.snv", "don_vi", ("SNV",), "test")
PDF = pdf_bytes(("Quyet dinh so 12/QD-SNV",))
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", 1, 1) + b"\x08\x02\x00\x00\x00" + b"\0" * 16
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Biên bản kiểm tra công tác cải cách hành chính")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A real .docx carrying one more member: 64 MiB of zeros, deflated a thousandfold."""
    return rezip(docx_bytes(), extra=[("word/media/image1.png", b"\0" * (64 << 20))])


def declared_huge() -> bytes:
    """A real .docx whose directory declares its main part as 4 GiB (local and central sizes patched)."""
    data = bytearray(docx_bytes())
    name = b"word/document.xml"
    for signature, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at:at + name_at + len(name)] == name:
                struct.pack_into("<I", data, at + offset, 0xFFFF_FFF0)
            at = data.find(signature, at + 4)
    return bytes(data)


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("quyet-dinh.pdf", PDF, "application/pdf"),
    ("QUYET-DINH.PDF", PDF, "application/pdf"),
    ("anh.png", PNG, "image/png"),
    ("anh.jpg", JPEG, "image/jpeg"),
    ("anh.jpeg", JPEG, "image/jpeg"),
    ("bien-ban.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("bang-diem.xlsx", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("Báo cáo số 12 (bản ký).pdf", PDF, "application/pdf"),
])
def test_sniff_tells_the_kind_from_the_bytes(name, data, kind):
    assert sniff(data, name).media_type == kind


@pytest.mark.parametrize(("name", "data", "code"), [
    ("rong.pdf", b"", "evidence-empty"),
    ("lon.pdf", PDF + b"\0" * (MAX_EVIDENCE_BYTES - len(PDF) + 1), "file-too-large"),
    ("../../etc/passwd.pdf", PDF, "evidence-bad-name"),
    ("thu-muc/qd.pdf", PDF, "evidence-bad-name"),
    ("C:\\Users\\qd.pdf", PDF, "evidence-bad-name"),
    ("  ", PDF, "evidence-bad-name"),
    ("qd\u202efdp.exe", PDF, "evidence-bad-name"),
    ("chuong-trinh.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 200, "evidence-type"),
    ("cat-cut.pdf", b"%PD", "evidence-type"),
    ("cat-cut-2.pdf", b"%PDF-", "evidence-type"),
    ("cat-duoi.pdf", PDF[:-40], "corrupt-file"),
    ("van-ban.txt.pdf", "Quyết định số 12".encode(), "evidence-type"),
    ("bom.docx", zip_bomb(), "suspicious-archive"),
    ("khai-khong.docx", declared_huge(), "suspicious-archive"),
    ("nhieu-tep.docx", rezip(docx_bytes(), extra=((f"word/m{n}.xml", b"x") for n in range(1200))),
     "suspicious-archive"),
    ("zip-thuong.docx", rezip(docx_bytes(), extra=[]).replace(b"[Content_Types].xml", b"[Content_Typez].xml"),
     "evidence-type"),
    ("dtd.docx", rezip(docx_bytes(), lambda n, d: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + d[38:]
                       if n == "[Content_Types].xml" else d), "corrupt-file"),
    ("hong.docx", docx_bytes()[:500], "corrupt-file"),
    ("mat-khau.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "corrupt-file"),
    ("la-pdf.docx", PDF, "evidence-type-mismatch"),
    ("la-word.pdf", docx_bytes(), "evidence-type-mismatch"),
    ("bang-tinh.xlsx", docx_bytes(), "evidence-type-mismatch"),
    ("khong-duoi", PNG, "evidence-type-mismatch"),
])
def test_sniff_refuses_each_bad_file_with_its_code(name, data, code):
    with pytest.raises(Refused) as refused:
        sniff(data, name)
    assert refused.value.issue.code == code


def test_the_zip_bomb_is_refused_from_its_directory_in_bounded_memory():
    bomb = zip_bomb()
    tracemalloc.start()
    try:
        with pytest.raises(Refused):
            sniff(bomb, "bom.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(bomb) < 200_000 and peak < 4 * len(bomb)  # 64 MiB declared; nothing of it inflated


@pytest.fixture
def store(make_store, tmp_path) -> Store:
    return make_store(tmp_path / "data")


def stored(store: Store) -> tuple[int, list[str]]:
    return len(store.evidence()), store.raw_hashes()


@pytest.mark.parametrize(("user", "unit", "year", "criterion", "note", "code"), [
    (CLERK, "STP", 2020, "1.1", "", "evidence-not-permitted"),
    (User("ld", "lanh_dao"), "SNV", 2020, "1.1", "", "evidence-not-permitted"),
    (CLERK, "SNV", 2020, "9.9", "", "evidence-unknown-criterion"),
    (CLERK, "SNV", 2015, "1.1", "", "unknown-period"),
    (CLERK, "KHONGCO", 2020, "1.1", "", "unknown-unit"),
    (CLERK, "SNV", 2020, "1.1", "x" * (evidence.MAX_NOTE_CHARS + 1), "note-too-long"),
])
def test_attach_refuses_another_units_account_and_bad_targets(store, user, unit, year, criterion, note, code):
    results = evidence.attach(store, user, unit, year, criterion, [("qd.pdf", PDF), ("anh.png", PNG)], note)
    assert [r.issue.code for r in results] == [code, code]
    assert stored(store) == (0, [])
    assert store.audit_log()["action"].tolist() == ["evidence.refused"] * 2


def test_attach_keeps_the_good_files_and_refuses_the_bad_ones(store):
    files = [("qd.pdf", PDF), ("chuong-trinh.pdf", b"MZ" + b"\0" * 64), ("bb.docx", docx_bytes()), ("qd-lai.pdf", PDF)]
    results = evidence.attach(store, CLERK, "snv", 2020, "1.1", files, "  Quyết định   số 12  ")
    assert [(r.evidence_id is not None, r.issue.code if r.issue else "") for r in results] == [
        (True, ""), (False, "evidence-type"), (True, ""), (False, "evidence-duplicate")]
    listed = evidence.listing(store, "SNV", 2020)
    assert list(listed.columns) == list(evidence.LIST_COLUMNS)
    assert listed[["unit", "criterion", "file_name", "uploaded_by", "note"]].values.tolist() == [
        ["SNV", "1.1", "qd.pdf", "cb.snv", "Quyết định số 12"], ["SNV", "1.1", "bb.docx", "cb.snv", "Quyết định số 12"]]
    assert store.raw_file(listed["sha256"][0]) == PDF and len(store.raw_hashes()) == 2
    actions = store.audit_log()["action"].tolist()
    assert sorted(actions) == ["evidence.add"] * 2 + ["evidence.refused"] * 2
    again = evidence.attach(store, ADMIN, "SNV", 2020, "1.1", [("ban-sao.pdf", PDF)])
    assert again[0].issue.code == "evidence-duplicate" and len(evidence.listing(store)) == 2


def test_appraisal_records_the_score_comment_and_mark(store):
    evidence.attach(store, CLERK, "SNV", 2020, "1.1", [("qd.pdf", PDF)])
    store.record_par_scores([{"year": 2020, "unit": "SNV", "criterion": "1.1", "source": "self", "score": 4}], "snv")
    evidence.appraise(store, ADMIN, "SNV", 2020, "1.1", score=2.5, comment="Thiếu biên bản kiểm tra",
                      insufficient=True)
    row = evidence.appraisal_table(store, "SNV", 2020).set_index("criterion").loc["1.1"]
    assert (row["self_score"], row["appraised_score"], row["files"], row["insufficient"], row["comment"],
            row["appraised_by"]) == (4.0, 2.5, 1, True, "Thiếu biên bản kiểm tra", "admin")
    scores = store.par_scores(2020)
    assert scores[scores["source"] == "appraised"][["criterion", "score", "reason"]].values.tolist() == [
        ["1.1", 2.5, "Thiếu biên bản kiểm tra"]]
    evidence.appraise(store, ADMIN, "SNV", 2020, "1.1", score=None, comment="Đã bổ sung", insufficient=False)
    row = evidence.appraisal_table(store, "SNV", 2020).set_index("criterion").loc["1.1"]
    assert (row["appraised_score"], row["insufficient"], row["comment"]) == (2.5, False, "Đã bổ sung")


@pytest.mark.parametrize(("actor", "criterion", "score", "comment", "insufficient", "message"), [
    (CLERK, "1.1", 3.0, "", False, "quản trị"),
    (ADMIN, "1.1", 4.5, "", False, "từ 0 đến 4"),
    (ADMIN, "1.1", -1.0, "", False, "từ 0 đến 4"),
    (ADMIN, "8.1", 1.0, "", False, "điều tra xã hội học"),
    (ADMIN, "9.9", 1.0, "", False, "không có trong bộ tiêu chí"),
    (ADMIN, "1.1", None, "  ", True, "tài liệu còn thiếu"),
])
def test_appraisal_refuses_wrong_input_and_stores_nothing(store, actor, criterion, score, comment, insufficient,
                                                          message):
    with pytest.raises(AuthError, match=message):
        evidence.appraise(store, actor, "SNV", 2020, criterion, score=score, comment=comment,
                          insufficient=insufficient)
    assert store.appraisals().empty and store.par_scores().empty


def test_score_sheet_lists_each_criterions_evidence(store):
    evidence.attach(store, CLERK, "SNV", 2020, "1.1", [("qd.pdf", PDF), ("anh.png", PNG)])
    sheet = openpyxl.load_workbook(io.BytesIO(template_xlsx(2020, "so", evidence=evidence.file_names(
        store, 2020)))).active
    header = [c.value for c in sheet[4]]
    listed = {(r[0], r[2]): r[header.index(COL_EVIDENCE)] for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert listed[("SNV", "1.1")] == "qd.pdf; anh.png" and listed[("SNV", "1.2")] is None
    plain = openpyxl.load_workbook(io.BytesIO(template_xlsx(2020, "so"))).active
    assert COL_EVIDENCE not in [c.value for c in plain[4]]


def test_sample_pdf_cross_references_point_at_their_objects():
    data = pdf_bytes(("SO NOI VU", "Ke hoach (mau)"))
    xref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert data[xref:].startswith(b"xref\n0 6\n")
    offsets = [int(line[:10]) for line in data[xref:].split(b"\n")[3:8]]
    assert [data[o:o + 8] for o in offsets] == [b"%d 0 obj\n" % n for n in range(1, 6)]
    assert sniff(data, "mau.pdf").media_type == "application/pdf"


def test_the_evidence_migration_applies_on_each_backend(store):
    assert store.schema_version() == len(MIGRATIONS)
    assert store.row_count("evidence") == store.row_count("appraisal") == 0


def test_a_backup_made_before_evidence_restores_with_none(store, tmp_path, make_store):
    evidence.attach(store, CLERK, "SNV", 2020, "1.1", [("qd.pdf", PDF)])
    archive = backup.backup(store, tmp_path / "sao-luu.zip", ADMIN).path
    older = tmp_path / "cu.zip"
    dropped = {"tables/evidence.parquet", "tables/appraisal.parquet"}
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(older, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["members"] = [m for m in manifest["members"] if m["name"] not in dropped]
                manifest["tables"] = {k: v for k, v in manifest["tables"].items() if k not in ("evidence", "appraisal")}
                data = json.dumps(manifest).encode()
            if info.filename not in dropped:
                new.writestr(info.filename, data)
    restored = make_store(tmp_path / "restored")
    backup.restore(older, restored, ADMIN)
    assert restored.evidence().empty and len(restored.raw_hashes()) == 1


def test_backup_carries_the_evidence_files_and_restore_checks_them(store, tmp_path, make_store):
    evidence.attach(store, CLERK, "SNV", 2020, "1.1", [("qd.pdf", PDF), ("bb.docx", docx_bytes())], "QĐ 12")
    evidence.appraise(store, ADMIN, "SNV", 2020, "1.1", score=3.0, comment="Đủ", insufficient=False)
    archive = backup.backup(store, tmp_path / "sao-luu.zip", ADMIN).path
    restored = make_store(tmp_path / "restored")
    assert backup.restore(archive, restored, ADMIN).tables["evidence"] == 2
    assert restored.evidence().drop(columns="id").equals(store.evidence().drop(columns="id"))
    assert restored.raw_file(store.evidence()["sha256"][0]) == PDF
    assert restored.appraisals()[["score", "comment"]].values.tolist() == [[3.0, "Đủ"]]
    pdf_member = f"raw/{store.evidence()['sha256'][0][:2]}/{store.evidence()['sha256'][0]}"
    cut = tmp_path / "thieu.zip"
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(cut, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "manifest.json":
                data = data.replace(f'"name": "{pdf_member}"'.encode(), b'"name": "raw/00/' + b"0" * 64 + b'"')
            if info.filename != pdf_member:
                new.writestr(info.filename, data)
    with pytest.raises(BackupError):
        backup.restore(cut, make_store(tmp_path / "again"), ADMIN)


def test_cli_attaches_lists_and_refuses(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("qd.pdf").write_bytes(PDF)
    Path("virus.pdf").write_bytes(b"MZ" + b"\0" * 64)
    Path("lon.pdf").write_bytes(PDF + b"\0" * MAX_EVIDENCE_BYTES)
    data = ["--data-dir", str(tmp_path / "data")]
    code = cli.main(["evidence", "add", *data, "--unit", "SNV", "--year", "2020", "--criterion", "1.1", "qd.pdf",
                     "virus.pdf", "lon.pdf", "--note", "QĐ số 12"])
    out = capsys.readouterr().out
    assert code == 1 and "qd.pdf: đã lưu" in out and "virus.pdf: bị từ chối" in out and "lon.pdf: bị từ chối" in out
    assert cli.main(["evidence", "list", *data, "--format", "csv", "--year", "2020"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "unit,year,criterion,file_name,sha256,size,uploaded_by,uploaded_at,note"
    assert len(lines) == 2 and lines[1].startswith("SNV,2020,1.1,qd.pdf,") and lines[1].endswith(",QĐ số 12")
    assert cli.main(["criteria", "--year", "2020", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "id,area,name,max_points" and rows[1].startswith("1.1,Cải cách thể chế,")
    assert cli.main(["criteria", "--year", "2031"]) == 2 and "2031" in capsys.readouterr().err


def test_migrate_db_moves_the_evidence_files(tmp_path, postgres_server):
    if postgres_server is None:
        pytest.skip("no PostgreSQL server (make test starts one)")
    source = Store(tmp_path / "data", database_url="")
    evidence.attach(source, CLERK, "SNV", 2020, "1.1", [("qd.pdf", PDF)])
    with database(postgres_server) as url:
        target = Store(tmp_path / "elsewhere", database_url=url)
        assert migrate.migrate(source, target, ADMIN).files == 1
        assert target.raw_file(target.evidence()["sha256"][0]) == PDF and not target.missing_evidence_files()


def test_sample_installation_has_evidence_to_appraise(sample_install):
    store = Store(sample_install)
    listed = evidence.listing(store)
    assert len(listed) == len(DOCUMENTS) and set(listed["year"]) == {YEAR}
    assert (listed["uploaded_by"] == listed["unit"].str.lower()).all() and not store.missing_evidence_files()
    table = evidence.appraisal_table(store, "SNV", YEAR)
    assert table.loc[table["files"] > 0, "criterion"].tolist() == ["1.1", "2.2"]


def test_sample_evidence_regenerates_byte_identical(tmp_path):
    entries = write_evidence(tmp_path)
    assert [(tmp_path / e.file).read_bytes() for e in entries] == [(SAMPLE_DIR / e.file).read_bytes() for e in entries]
    assert (tmp_path / EVIDENCE_DIR / EVIDENCE_MANIFEST).read_bytes() == (
        SAMPLE_DIR / EVIDENCE_DIR / EVIDENCE_MANIFEST).read_bytes()
