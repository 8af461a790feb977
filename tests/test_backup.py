"""Backup and restore: a round trip keeps every table and every raw file; damaged or foreign zips are refused
before anything is written."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher

from cchc import approval, auth, backup, cli, ingest, sessions
from cchc.auth import User
from cchc.backup import BackupError
from cchc.store import BACKUP_TABLES, CATALOG_TABLES, Store
from tests.workbooks import build_workbook

pytestmark = pytest.mark.usefixtures("backend")

ADMIN = User("admin", "quan_tri", (), "cli")
PASSWORD = "mật-khẩu-đủ-dài-1"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """Argon2id with test-sized cost (the production parameters are checked once, below): the suite stays fast."""
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def source(tmp_path) -> Store:
    return fill(Store(tmp_path / "source"))


def fill(store: Store) -> Store:
    """A bit of everything: accepted, superseded and rejected files, accounts, a login session, decisions, PAR
    scores and the audit rows they leave."""
    auth.ensure_admin(store, {auth.ENV_ADMIN_PASSWORD: PASSWORD})
    auth.create_user(store, ADMIN, "cb.snv", "don_vi", PASSWORD, units=["SNV"], email="cb@hungyen.gov.vn")
    files = {"snv.xlsx": build_workbook("SNV", "2018"), "syt.xlsx": build_workbook("SYT", "2018"),
             "snv2.xlsx": build_workbook("SNV", "2018", reporter="Trần Thị Bình"), "bad.xlsx": b"not a workbook"}
    for name, data in files.items():
        ingest.ingest_file(store, data, name, user="cb.snv")
    approval.approve(store, ADMIN, "SNV", "2018", "đạt")
    approval.lock_period(store, ADMIN, "2018")
    store.record_par_scores([{"year": 2018, "unit": "SNV", "criterion": "1", "source": "appraised", "score": 7.5}],
                            "admin")
    sessions.begin(store, auth.authenticate(store, "cb.snv", PASSWORD, origin="10.0.0.1"))  # a login session
    return store


@pytest.fixture
def archive(source, tmp_path) -> Path:
    summary = backup.backup(source, tmp_path / "sao-luu.zip", ADMIN)
    assert summary.files == 4 and summary.tables["submission"] == 4
    return summary.path


def tables(store: Store) -> dict[str, pd.DataFrame]:
    with store.session():
        return {name: store.table(name) for name in (*BACKUP_TABLES, *CATALOG_TABLES)}


def raw_files(store: Store) -> dict[str, bytes]:
    return {sha256: store.raw_file(sha256) for sha256 in store.raw_hashes()}


def test_backup_restore_round_trip_keeps_every_table_and_file(source, archive, tmp_path, make_store):
    before = tables(source)  # taken after the backup: it includes the backup's own audit row
    restored = make_store(tmp_path / "restored")
    summary = backup.restore(archive, restored, ADMIN)
    after = tables(restored)
    audit = after.pop("audit")
    assert audit.iloc[-1][["user", "action", "object"]].tolist() == ["admin", "backup.restore", "sao-luu.zip"]
    pd.testing.assert_frame_equal(audit.iloc[:-1], before.pop("audit"))
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after[name], frame, obj=name)
    assert raw_files(restored) == raw_files(source) and len(raw_files(source)) == 4
    assert summary.tables == {name: len(frame) for name, frame in tables(source).items()} | {
        "audit": len(audit) - 1}


def test_restored_store_keeps_working(archive, tmp_path, make_store):
    store = make_store(tmp_path / "restored")
    backup.restore(archive, store, ADMIN)
    assert auth.authenticate(store, "cb.snv", PASSWORD).units == ("SNV",)
    result = ingest.ingest_file(store, build_workbook("SYT", "2019"), "syt19.xlsx", user="admin")
    assert (result.status, result.submission_id) == ("accepted", 5)  # ids continue after the restored ones
    assert store.locked_periods() == {"2018"}


def test_a_restore_brings_back_no_login_session(source, archive, tmp_path, make_store):
    assert source.row_count("login_session") == 1  # cb.snv logged in before the backup
    with zipfile.ZipFile(archive) as zipped:
        assert not any("login_session" in name for name in zipped.namelist())
    store = make_store(tmp_path / "restored")
    summary = backup.restore(archive, store, ADMIN)
    assert "login_session" not in summary.tables and store.row_count("login_session") == 0
    assert auth.authenticate(store, "cb.snv", PASSWORD).units == ("SNV",)
    assert sessions.begin(store, auth.operator("admin"))[0] == 1


def test_restore_refuses_a_store_that_is_not_empty(source, archive, tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "note.txt").write_text("x")
    with pytest.raises(BackupError, match="không trống"):
        backup.restore(archive, source if not source.embedded else Store(target), ADMIN)
    assert [p.name for p in target.iterdir()] == ["note.txt"]
    assert len(source.submissions()) == 4


def rewrite(archive: Path, out: Path, change) -> Path:
    """A copy of the backup zip with its members passed through ``change(name, data) -> [(name, data)]``."""
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            for name, data in change(info.filename, old.read(info)):
                new.writestr(name, data)
    return out


def flip_raw(name: str, data: bytes):
    return [(name, data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("raw/") else data)]


def manifest_with_traversal(name: str, data: bytes):
    if name != "manifest.json":
        return [(name, data)]
    manifest = json.loads(data)
    manifest["members"].append({"name": "../../evil.txt", "size": 1, "sha256": hashlib.sha256(b"x").hexdigest()})
    return [(name, json.dumps(manifest)), ("../../evil.txt", b"x")]


@pytest.mark.parametrize(("change", "message"), [
    (flip_raw, "không khớp tổng kiểm"),
    (lambda n, d: [] if n == "manifest.json" else [(n, d)], "bản kê"),
    (lambda n, d: [(n, d), ("extra.txt", b"x")] if n == "manifest.json" else [(n, d)], "không khớp với bản kê"),
    (lambda n, d: [] if n.startswith("tables/account") else [(n, d)], "không khớp với bản kê"),
    (manifest_with_traversal, "bản kê"),
    (lambda n, d: [(n, b'{"format": "khac"}' if n == "manifest.json" else d)], "không phải bản sao lưu"),
])
def test_restore_refuses_a_damaged_backup(archive, tmp_path, change, message, make_store):
    damaged = rewrite(archive, tmp_path / "hong.zip", change)
    target = make_store(tmp_path / "target")
    with pytest.raises(BackupError, match=message):
        backup.restore(damaged, target, ADMIN)
    assert not (tmp_path / "target").exists() and not (tmp_path.parent / "evil.txt").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left
    assert target.embedded or (target.is_empty() and target.raw_hashes() == [])


def damage_compressed(archive: Path, out: Path, member: str) -> Path:
    """A copy of the backup whose ``member`` has its compressed bytes overwritten in place (directory intact)."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as source:
        info = source.getinfo(member)
    assert info.compress_type == zipfile.ZIP_DEFLATED
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 2:start + 2 + min(64, info.compress_size - 4)] = b"\xff" * min(64, info.compress_size - 4)
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize(("member", "message"), [("tables/submission.parquet", "bị hỏng ở «tables/submission"),
                                                 ("manifest.json", "bản kê")])
def test_restore_of_a_damaged_compressed_member_says_so_and_exits_2(archive, tmp_path, capsys, member, message,
                                                                   make_store):
    damaged = damage_compressed(archive, tmp_path / "hong.zip", member)
    target = make_store(tmp_path / "target")
    assert cli.main(["restore", str(damaged), "--data-dir", str(target.data_dir),
                     "--database-url", target.database_url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: ") and message in err and "Traceback" not in err
    assert not target.data_dir.exists() if target.embedded else target.is_empty()  # nothing restored


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 truncated", b"x" * 100])
def test_restore_refuses_what_is_not_a_zip(tmp_path, data, make_store):
    path = tmp_path / "khong-phai.zip"
    path.write_bytes(data)
    with pytest.raises(BackupError, match="không phải tệp sao lưu"):
        backup.restore(path, make_store(tmp_path / "target"), ADMIN)


def test_cli_backup_and_restore(source, tmp_path, capsys, make_store):
    out = tmp_path / "sl.zip"
    assert cli.main(["backup", "--out", str(out), "--data-dir", str(source.data_dir)]) == 0
    assert "4 tệp gốc" in capsys.readouterr().out
    target = make_store(tmp_path / "moi")
    where = ["--data-dir", str(target.data_dir), "--database-url", target.database_url]
    assert cli.main(["restore", str(out), *where]) == 0
    assert len(target.table("submission")) == 4
    assert cli.main(["restore", str(out), *where]) == 2
    assert "không trống" in capsys.readouterr().err
    if source.embedded:  # a PostgreSQL database always exists
        assert cli.main(["backup", "--out", str(out), "--data-dir", str(tmp_path / "khong-co")]) == 2
