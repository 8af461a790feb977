"""Moving up: ``python -m cchc migrate-db --to postgresql://…`` copies an embedded installation (every table and every
received report and evidence file) into an empty PostgreSQL database, then checks the copy before saying it is done.

The tables travel as in a backup (Parquet from one snapshot, loaded in one transaction); the received files go first
(kept by hash, so a failed run leaves nothing that counts). The check reads the copy back from PostgreSQL and
compares, table by table, the row count and a SHA-256 over the rows in order, and re-hashes every received file, and
checks every evidence file the tables name is there. The embedded database is left as it was.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cchc.auth import User
from cchc.store import BACKUP_TABLES, CATALOG_TABLES, Store, table_checksums


class MigrationError(Exception):
    """A move that cannot start or whose copy does not match; the message is Vietnamese."""


@dataclass(frozen=True)
class Migration:
    target: str  # the PostgreSQL address, without a password
    tables: dict[str, int]  # rows per table, checked
    files: int  # received files, checked
    seconds: float


def migrate(source: Store, target: Store, user: User) -> Migration:
    """Copy ``source`` (embedded) into ``target`` (an empty PostgreSQL database) and check the copy."""
    start = time.perf_counter()
    if not source.embedded or target.embedded:
        raise MigrationError("Chỉ chuyển được từ cơ sở dữ liệu nhúng (DuckDB) sang PostgreSQL (--to postgresql://…).")
    if not source.exists():
        raise MigrationError(f"Không có cơ sở dữ liệu trong «{source.describe()}».")
    if not target.is_empty() or target.raw_hashes():
        raise MigrationError(f"Cơ sở dữ liệu «{target.describe()}» không trống; chỉ chuyển vào một cơ sở dữ liệu"
                             " trống.")
    hashes = source.raw_hashes()
    for sha256 in hashes:
        if target.keep_raw(source.raw_file(sha256)) != sha256:
            raise MigrationError(f"Tệp gốc {sha256} trong «{source.describe()}» bị hỏng (không khớp SHA-256).")
    with tempfile.TemporaryDirectory(prefix="cchc-migrate-") as work:
        sent, back = Path(work) / "sent", Path(work) / "back"
        sent.mkdir()
        back.mkdir()
        tables = source.export_tables(sent)
        target.import_tables(sent)
        target.export_tables(back)
        names = (*BACKUP_TABLES, *CATALOG_TABLES)
        differ = [n for n, a, b in zip(names, table_checksums(sent, names), table_checksums(back, names), strict=True)
                  if a != b]
    if differ:
        raise MigrationError(f"Bản chép trong «{target.describe()}» không khớp ở bảng {', '.join(differ)}; hãy xóa"
                             " cơ sở dữ liệu đích rồi chạy lại.")
    if target.raw_hashes() != hashes or any(hashlib.sha256(target.raw_file(h)).hexdigest() != h for h in hashes):
        raise MigrationError(f"Các tệp gốc trong «{target.describe()}» không khớp; hãy xóa cơ sở dữ liệu đích rồi chạy"
                             " lại.")
    if target.missing_evidence_files():
        raise MigrationError(f"Thiếu tài liệu kiểm chứng trong «{target.describe()}» (tệp gốc của đơn vị chưa được "
                             "giữ); hãy xóa cơ sở dữ liệu đích rồi chạy lại.")
    target.audit(user.name, "database.migrate", source.describe(), f"{sum(tables.values())} dòng, {len(hashes)} tệp",
                 origin=user.origin)
    return Migration(target.describe(), tables, len(hashes), time.perf_counter() - start)
