"""First start: a data folder without a database gets one, filled with ``sample_data/`` through the ingest path.

The sample is replayed in ``manifest.csv`` order with each file's upload time and uploader, so lateness and
the one corrected report are real history; then its PAR score sheets (``par_scores/``) are read with
``read_sheet`` and recorded (self-assessments as each unit's account, appraisal and survey scores as
the council member who uploaded the sheet), and its evidence files (``evidence/``) are attached as each unit's
account. The load happens in a private folder beside the data folder and moves into place when complete,
under an exclusive lock: two sessions starting at once load it once, and a crash mid-load leaves no half
database. Later starts find the database and return at once.

Starting clean: ``python -m cchc reset --yes`` empties the database but keeps the file, and an existing
database (even an empty one) is never refilled; delete the data folder to get the sample again.
With PostgreSQL (``CCHC_DATABASE_URL``) the first process to find a database that was never used (an empty
audit log: every action leaves a row, a reset too) loads the sample into it directly, under an advisory lock
that the other processes wait on; a crash mid-load leaves part of the sample (reset, then start again).
Whether the current data came from the sample is recorded in the audit log (action ``sample.loaded``).
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cchc import evidence
from cchc.auth import User
from cchc.frames import tuples
from cchc.ingest import Upload, ingest_uploads
from cchc.sample.evidence import EVIDENCE_DIR, EVIDENCE_MANIFEST, read_evidence_manifest
from cchc.sample.manifest import MANIFEST, SAMPLE_DIR, SCORE_DIR, SCORE_MANIFEST, read_manifest, read_score_manifest
from cchc.score_sheet import read_sheet
from cchc.store import DB_FILE, RAW_DIR, Store

SAMPLE_ACTION = "sample.loaded"
LOCK_FILE = ".bootstrap.lock"
_THREAD_LOCK = threading.Lock()


@dataclass(frozen=True)
class BootstrapResult:
    created: bool  # this call created the database
    loaded: int  # sample files stored (accepted or rejected)
    seconds: float


def ensure_database(data_dir: str | os.PathLike[str], sample_dir: Path = SAMPLE_DIR, *,
                    database_url: str | None = None) -> BootstrapResult:
    """Create and fill the database from ``sample_dir`` unless ``data_dir`` already has one (or, on PostgreSQL,
    unless the database was used already)."""
    start = time.perf_counter()
    data_dir = Path(data_dir)
    shared = Store(data_dir, database_url=database_url)
    if not shared.embedded:
        with shared.first_start():
            loaded = load_sample(shared, sample_dir) if shared.audit_log(1).empty else None
        return BootstrapResult(loaded is not None, loaded or 0, time.perf_counter() - start)
    if (data_dir / DB_FILE).exists():
        return BootstrapResult(False, 0, time.perf_counter() - start)
    with _exclusive(data_dir):
        if (data_dir / DB_FILE).exists():  # another session finished the load while we waited
            return BootstrapResult(False, 0, time.perf_counter() - start)
        work = data_dir / ".bootstrap"
        shutil.rmtree(work, ignore_errors=True)  # left over by a crash
        loaded = load_sample(Store(work, database_url=""), sample_dir)
        if (work / RAW_DIR).exists():
            _merge(work / RAW_DIR, data_dir / RAW_DIR)
        wal = work / f"{DB_FILE}.wal"
        if wal.exists():
            os.replace(wal, data_dir / wal.name)
        os.replace(work / DB_FILE, data_dir / DB_FILE)  # the database appears complete or not at all
        shutil.rmtree(work, ignore_errors=True)
    return BootstrapResult(True, loaded, time.perf_counter() - start)


def load_sample(store: Store, sample_dir: Path = SAMPLE_DIR) -> int:
    """Ingest every file of ``sample_dir``'s manifest in order, as its uploader at its time, then its PAR score
    sheets; returns the count of report files."""
    entries = read_manifest(sample_dir / MANIFEST)
    uploads = (Upload((sample_dir / e.file).read_bytes(), e.file, e.uploaded_by, e.received_at) for e in entries)
    with store.session():
        ingest_uploads(store, uploads)
        load_scores(store, sample_dir)
        load_evidence(store, sample_dir)
        store.audit("system", SAMPLE_ACTION, str(sample_dir), f"{len(entries)} tệp mẫu")
    return len(entries)


def load_scores(store: Store, sample_dir: Path = SAMPLE_DIR) -> int:
    """Record the sample's PAR score sheets (``par_scores/manifest.csv``) read by ``read_sheet``:
    self-assessments as entered by each unit's account, appraisal and survey scores by the council member who
    uploaded the sheet. A sheet with an error, or whose year and units already have scores, is left out.
    Returns the count of scores recorded."""
    manifest = sample_dir / SCORE_DIR / SCORE_MANIFEST
    if not manifest.exists():
        return 0
    known = {(int(y), u) for y, u in tuples(store.par_scores()[["year", "unit"]])}
    by_user: dict[str, list[dict]] = {}
    for entry in read_score_manifest(manifest):
        rows, issues = read_sheet((sample_dir / entry.file).read_bytes())
        if any(i.severity == "error" for i in issues) or any((r["year"], r["unit"]) in known for r in rows):
            continue
        for row in rows:
            user = row["unit"].lower() if row["source"] == "self" else entry.appraised_by
            by_user.setdefault(user, []).append(row)
    return sum(store.record_par_scores(rows, user) for user, rows in by_user.items())


def load_evidence(store: Store, sample_dir: Path = SAMPLE_DIR) -> int:
    """Attach the sample's evidence files (``evidence/manifest.csv``) through :func:`cchc.evidence.attach`, each
    as its unit's account; nothing when the store holds evidence already. Returns the count attached."""
    manifest = sample_dir / EVIDENCE_DIR / EVIDENCE_MANIFEST
    if not manifest.exists() or not store.evidence().empty:
        return 0
    attached = 0
    for entry in read_evidence_manifest(manifest):
        clerk = User(entry.unit.lower(), "don_vi", (entry.unit,), "sample")
        results = evidence.attach(store, clerk, entry.unit, entry.year, entry.criterion,
                                  [(Path(entry.file).name, (sample_dir / entry.file).read_bytes())], entry.note)
        attached += sum(r.issue is None for r in results)
    return attached


def sample_loaded(store: Store) -> bool:
    """Whether the database holds the sample data (it was loaded and the database not reset since)."""
    return not store.audit_log(1, action=SAMPLE_ACTION).empty


def _merge(source: Path, target: Path) -> None:
    """Move the raw files of ``source`` into ``target`` (files already there are identical: same hash)."""
    for path in source.rglob("*"):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, destination)


@contextmanager
def _exclusive(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's bootstrap lock (threads of this process and other processes alike)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with _THREAD_LOCK, open(data_dir / LOCK_FILE, "a+b") as handle:
        _lock(handle)
        try:
            yield
        finally:
            _unlock(handle)


if sys.platform != "win32":
    import fcntl

    def _lock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
else:  # Windows
    import msvcrt

    def _lock(handle) -> None:
        while True:
            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                return
            except OSError:
                time.sleep(0.1)

    def _unlock(handle) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
