"""Backup and restore of a data folder: ``python -m cchc backup --out FILE.zip`` / ``restore FILE.zip``.

A backup is one zip: ``tables/<table>.parquet`` (every data and catalog table, from one database snapshot),
``raw/<xx>/<sha256>`` (every kept upload and evidence file) and ``manifest.json`` (format, schema version, row
counts, and the size and SHA-256 of every other member). A restore trusts nothing in the zip: member names must be
ones a backup writes, every size and checksum must match the manifest, every evidence file the tables name must be
there, and it fills a staging folder that becomes the data folder only when all of it checked out, so a failed
restore leaves nothing half-done. On PostgreSQL the backup reads the tables in one repeatable-read transaction and
the received files from the database; a restore needs an empty database and loads the tables in one transaction
(after the received files, which are kept by hash and so harmless if it fails).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from cchc import clock
from cchc.auth import User
from cchc.errors import CodedError
from cchc.store import BACKUP_TABLES, RAW_DIR, Store, evidence_hashes

FORMAT = "cchc-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_CHUNK = 1024 * 1024
# what reading a damaged member raises: a bad header or CRC, a broken deflate stream, a method zipfile lacks,
# an encrypted member, a member cut short
_DAMAGED = (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError)
_MEMBER = re.compile(r"^(?:tables/[a-z_]+\.parquet|raw/[0-9a-f]{2}/[0-9a-f]{64})$")


class BackupError(CodedError):
    """A backup that cannot be written or restored: a code of :data:`cchc.errors.REFUSALS`."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    tables: dict[str, int]  # rows per table
    files: int  # raw files
    bytes: int  # size of the zip


def backup(store: Store, out: Path, user: User) -> BackupSummary:
    """Write the backup zip of ``store`` to ``out`` (through a temporary file, so ``out`` is whole or absent)."""
    out = Path(out)
    store.audit(user.name, "backup.create", out.name, origin=user.origin)  # before the snapshot: it is included
    entries: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="cchc-backup-") as work:
        tables = store.export_tables(Path(work))
        temp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        try:
            with zipfile.ZipFile(temp, "w") as archive:
                for name in sorted(tables):
                    entries.append(_add(archive, (Path(work) / f"{name}.parquet").read_bytes(),
                                        f"tables/{name}.parquet"))
                for sha256 in store.raw_hashes():  # listed after the snapshot: every stored file is there
                    entries.append(_add(archive, store.raw_file(sha256), f"{RAW_DIR}/{sha256[:2]}/{sha256}"))
                manifest = {"format": FORMAT, "version": FORMAT_VERSION, "schema_version": store.schema_version(),
                            "created_at": clock.now().isoformat(), "created_by": user.name, "tables": tables,
                            "members": entries}
                archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1),
                                 compress_type=zipfile.ZIP_DEFLATED)
            os.replace(temp, out)
        except OSError as error:
            temp.unlink(missing_ok=True)
            raise BackupError("backup-not-written", path=out, reason=error.strerror or error) from None
    files = sum(str(e["name"]).startswith(RAW_DIR) for e in entries)
    return BackupSummary(out, tables, files, out.stat().st_size)


def restore(source: Path, target: Store, user: User) -> BackupSummary:
    """Restore a backup into ``target``: an embedded store whose data folder is empty or absent, or an empty
    PostgreSQL database. The zip is checked (into a staging folder) before anything is used."""
    data_dir = target.data_dir
    if target.embedded and data_dir.exists() and any(data_dir.iterdir()):
        raise BackupError("restore-folder-not-empty", path=data_dir)
    if not target.embedded and not target.is_empty():
        raise BackupError("restore-database-not-empty", database=target.describe())
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError("backup-unreadable", path=source, detail=error) from None
    if target.embedded:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.restore-", dir=data_dir.parent))
    else:
        staging = Path(tempfile.mkdtemp(prefix="cchc-restore-"))
    try:
        with archive:
            manifest = _manifest(archive)
            for entry in manifest["members"]:
                _extract(archive, entry, staging)
        tables = staging / "tables"
        kept = {path.name for path in (staging / RAW_DIR).glob("??/*")}
        if missing := sorted(evidence_hashes(tables) - kept):
            raise BackupError("backup-evidence-missing", count=len(missing), example=missing[0][:12])
        restored = Store(staging, database_url="") if target.embedded else target
        if restored.schema_version() < manifest["schema_version"]:
            raise BackupError("backup-too-new")
        (staging / RAW_DIR).mkdir(exist_ok=True)
        if not target.embedded:
            for path in sorted((staging / RAW_DIR).glob("??/*")):
                restored.keep_raw(path.read_bytes())
        restored.import_tables(tables, [name for name in BACKUP_TABLES if name in manifest["tables"]])
        shutil.rmtree(tables)
        restored.audit(user.name, "backup.restore", Path(source).name, manifest["created_at"], origin=user.origin)
        if target.embedded:
            if data_dir.exists():
                data_dir.rmdir()
            os.replace(staging, data_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    files = sum(str(e["name"]).startswith(RAW_DIR) for e in manifest["members"])
    return BackupSummary(data_dir, dict(manifest["tables"]), files, Path(source).stat().st_size)


def _add(archive: zipfile.ZipFile, data: bytes, name: str) -> dict[str, object]:
    archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name.startswith(RAW_DIR) else zipfile.ZIP_DEFLATED)
    return {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _manifest(archive: zipfile.ZipFile) -> dict:
    bad = BackupError("backup-manifest")
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise bad from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise bad
    try:
        manifest = json.loads(archive.read(info).decode("utf-8"))
    except (ValueError, *_DAMAGED):
        raise bad from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError("backup-foreign")
    members = manifest.get("members")
    names = {e.get("name") for e in members if isinstance(e, dict)} if isinstance(members, list) else set()
    if len(names) != len(members or ()) or not all(isinstance(n, str) and _MEMBER.match(n) for n in names):
        raise bad
    if names | {MANIFEST} != set(archive.namelist()):
        raise BackupError("backup-members")
    if not {f"tables/{t}.parquet" for t in manifest.get("tables", {})} <= names:
        raise bad
    return manifest


def _extract(archive: zipfile.ZipFile, entry: dict, staging: Path) -> None:
    """Copy one member out, stopping at its declared size, and check its SHA-256 (and a raw file's name)."""
    name, size, expected = entry["name"], entry.get("size"), entry.get("sha256")
    target = staging.joinpath(*name.split("/"))
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, written = hashlib.sha256(), 0
    try:
        with archive.open(name) as source, target.open("wb") as sink:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                if not isinstance(size, int) or written > size:
                    break
                digest.update(chunk)
                sink.write(chunk)
    except _DAMAGED as error:
        raise BackupError("backup-damaged", name=name, detail=error) from None
    raw_ok = not name.startswith(RAW_DIR) or digest.hexdigest() == target.name
    if written != size or digest.hexdigest() != expected or not raw_ok:
        raise BackupError("backup-checksum", name=name)

