"""The only module that speaks SQL: the DuckDB schema, its migrations, every write and every query.

Connections are short-lived (one per operation, or one per :meth:`Store.session` for a batch), so the
dashboard and the command line can share ``data/cchc.duckdb``. DuckDB lets one process open the file at a
time: a locked file is retried briefly, then :class:`StoreBusy` says so in Vietnamese. Raw uploads are kept
by SHA-256 under ``data/raw/``. The SQL stays plain (sequences, views, bound ``?`` parameters) so that a
PostgreSQL attached through DuckDB's postgres extension can take over as configuration.
Times are Hưng Yên local time (UTC+7, from :mod:`cchc.clock`), stored without a zone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from cchc import clock
from cchc.catalog import Catalog, load_catalog
from cchc.periods import all_periods, previous_period

DB_FILE = "cchc.duckdb"
RAW_DIR = "raw"
PAR_SOURCES = ("self", "appraised", "survey")
BUSY_TIMEOUT = 5.0  # seconds to wait for a database file another process holds
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_WRITE_LOCK = threading.RLock()  # one writing transaction at a time in this process (see _transact)

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE meta (key VARCHAR PRIMARY KEY, num BIGINT, txt VARCHAR)",
        "CREATE TABLE unit (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, short_name VARCHAR, kind VARCHAR NOT NULL,"
        " parent_code VARCHAR, valid_from DATE NOT NULL, valid_to DATE)",
        "CREATE TABLE unit_event (unit_code VARCHAR NOT NULL, date DATE NOT NULL, event VARCHAR NOT NULL,"
        " new_kind VARCHAR, new_name VARCHAR, basis VARCHAR)",
        "CREATE TABLE indicator (code VARCHAR PRIMARY KEY, area VARCHAR NOT NULL, task VARCHAR NOT NULL,"
        " name_vi VARCHAR NOT NULL, name_en VARCHAR, measure VARCHAR NOT NULL, direction VARCHAR NOT NULL,"
        " applies_to VARCHAR, only_units VARCHAR, required BOOLEAN, baseline_year INTEGER, source VARCHAR)",
        "CREATE TABLE target (indicator VARCHAR NOT NULL, kind VARCHAR NOT NULL, year INTEGER NOT NULL,"
        " value DOUBLE NOT NULL, comparison VARCHAR NOT NULL, basis VARCHAR)",
        'CREATE TABLE period (code VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, year INTEGER NOT NULL,'
        ' start DATE NOT NULL, "end" DATE NOT NULL, deadline DATE NOT NULL)',
        "CREATE SEQUENCE submission_id",
        "CREATE TABLE submission (id BIGINT PRIMARY KEY DEFAULT nextval('submission_id'), unit VARCHAR,"
        " period VARCHAR, sha256 VARCHAR NOT NULL UNIQUE, filename VARCHAR, size BIGINT, uploaded_by VARCHAR,"
        " uploaded_at TIMESTAMP NOT NULL, status VARCHAR NOT NULL CHECK (status IN ('accepted', 'rejected')),"
        " supersedes BIGINT, template_version VARCHAR, reporter VARCHAR, report_date DATE)",
        "CREATE TABLE value (submission_id BIGINT NOT NULL, indicator VARCHAR NOT NULL, numerator DOUBLE,"
        " denominator DOUBLE, value DOUBLE, note VARCHAR, source_cell VARCHAR)",
        "CREATE TABLE issue (submission_id BIGINT NOT NULL, severity VARCHAR NOT NULL, code VARCHAR NOT NULL,"
        " sheet VARCHAR, cell VARCHAR, indicator VARCHAR, message VARCHAR)",
        "CREATE SEQUENCE audit_id",
        'CREATE TABLE audit (id BIGINT PRIMARY KEY DEFAULT nextval(\'audit_id\'), "at" TIMESTAMP NOT NULL,'
        ' "user" VARCHAR, action VARCHAR NOT NULL, object VARCHAR, detail VARCHAR)',
        "CREATE SEQUENCE par_score_id",
        "CREATE TABLE par_score (id BIGINT PRIMARY KEY DEFAULT nextval('par_score_id'), year INTEGER NOT NULL,"
        " unit VARCHAR NOT NULL, criterion VARCHAR NOT NULL,"
        " source VARCHAR NOT NULL CHECK (source IN ('self', 'appraised', 'survey')), score DOUBLE NOT NULL,"
        " entered_by VARCHAR, reason VARCHAR, entered_at TIMESTAMP NOT NULL)",
        "CREATE VIEW current_submission AS SELECT s.* FROM submission s WHERE s.status = 'accepted'"
        " AND s.id = (SELECT max(n.id) FROM submission n"
        " WHERE n.status = 'accepted' AND n.unit = s.unit AND n.period = s.period)",
        "CREATE VIEW current_values AS SELECT c.unit, c.period, v.indicator, v.numerator, v.denominator, v.value,"
        " v.note, v.source_cell, v.submission_id FROM current_submission c JOIN value v ON v.submission_id = c.id",
    ),
    (  # accounts, approval decisions and period locks (append-only), where an audited action came from
        "CREATE TABLE account (name VARCHAR PRIMARY KEY,"
        " role VARCHAR NOT NULL CHECK (role IN ('lanh_dao', 'don_vi', 'quan_tri')), units VARCHAR NOT NULL,"
        " email VARCHAR, password_hash VARCHAR, active BOOLEAN NOT NULL, failed_logins INTEGER NOT NULL,"
        " locked_until TIMESTAMP, created_at TIMESTAMP NOT NULL, password_changed_at TIMESTAMP)",
        "CREATE SEQUENCE decision_id",
        "CREATE TABLE decision (id BIGINT PRIMARY KEY DEFAULT nextval('decision_id'),"
        " kind VARCHAR NOT NULL CHECK (kind IN ('approve', 'return', 'lock', 'reopen')), period VARCHAR NOT NULL,"
        " unit VARCHAR, submission_id BIGINT, comment VARCHAR, decided_by VARCHAR NOT NULL,"
        " decided_at TIMESTAMP NOT NULL)",
        "ALTER TABLE audit ADD COLUMN origin VARCHAR",
    ),
)
# Everything the migrations create, dropped by reset() (views first).
_OBJECTS = (("VIEW", "current_values"), ("VIEW", "current_submission"), *(("TABLE", t) for t in (
    "meta", "unit", "unit_event", "indicator", "target", "period", "submission", "value", "issue", "audit",
    "par_score", "account", "decision", "schema_version")),
    *(("SEQUENCE", s) for s in ("submission_id", "audit_id", "par_score_id", "decision_id")))
# What a backup holds: the data tables (restored) and the catalog tables (kept for reference: the code rebuilds them).
BACKUP_TABLES = ("submission", "value", "issue", "audit", "par_score", "account", "decision")
CATALOG_TABLES = ("unit", "unit_event", "indicator", "target", "period")
_SEQUENCES = (("submission", "submission_id"), ("audit", "audit_id"), ("par_score", "par_score_id"),
              ("decision", "decision_id"))

_SUBMISSION_COLUMNS = ("id", "unit", "period", "sha256", "filename", "size", "uploaded_by", "uploaded_at", "status",
                       "supersedes", "template_version", "reporter", "report_date")
_VALUE_COLUMNS = ("submission_id", "indicator", "numerator", "denominator", "value", "note", "source_cell")
_ISSUE_COLUMNS = ("submission_id", "severity", "code", "sheet", "cell", "indicator", "message")
_AUDIT_COLUMNS = ('"at"', '"user"', "action", "object", "detail", "origin")
_PAR_COLUMNS = ("year", "unit", "criterion", "source", "score", "entered_by", "reason", "entered_at")
_ACCOUNT_COLUMNS = ("name", "role", "units", "email", "password_hash", "active", "failed_logins", "locked_until",
                    "created_at", "password_changed_at")
_ACCOUNT_CHANGES = frozenset(_ACCOUNT_COLUMNS[1:8]) | {"password_changed_at"}
_DECISION_KINDS = {"approval": ("approve", "return"), "lock": ("lock", "reopen")}


class StoreBusy(RuntimeError):
    """The database file is held by another process for longer than we are willing to wait."""


@dataclass(frozen=True)
class SubmissionRow:
    """A stored submission as ingest needs it; ``duplicate`` when the same bytes had already been received."""

    id: int
    unit: str
    period: str
    status: str
    supersedes: int | None
    duplicate: bool = False


@dataclass(frozen=True)
class NewSubmission:
    """A received file to store: ``values`` (ValueRow-like) only when accepted, ``issues`` (Issue-like) always."""

    sha256: str
    filename: str
    size: int
    user: str
    status: str
    unit: str = ""
    period: str = ""
    received_at: dt.datetime | None = None
    template_version: str = ""
    reporter: str = ""
    report_date: dt.date | None = None
    values: tuple = ()
    issues: tuple = ()
    origin: str = ""  # where the upload came from (an IP address, ``cli``), for the audit log


@dataclass(frozen=True)
class Account:
    """A login account (see :mod:`cchc.auth`); ``units`` are the unit codes a ``don_vi`` account reports for."""

    name: str
    role: str
    units: tuple[str, ...] = ()
    email: str | None = None
    password_hash: str | None = None
    active: bool = True
    failed_logins: int = 0
    locked_until: dt.datetime | None = None
    created_at: dt.datetime | None = None
    password_changed_at: dt.datetime | None = None


class Store:
    """The database (``<data_dir>/cchc.duckdb``) and the raw files (``<data_dir>/raw/``) of one data folder."""

    def __init__(self, data_dir: str | os.PathLike[str], *, catalog: Catalog | None = None,
                 busy_timeout: float | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DB_FILE
        self.raw_dir = self.data_dir / RAW_DIR
        self.busy_timeout = BUSY_TIMEOUT if busy_timeout is None else busy_timeout
        self._catalog = catalog
        self._fingerprint = ""
        self._local = threading.local()
        self._version: tuple[Any, int] | None = None

    # -- connections -------------------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[None]:
        """Keep one connection open for a batch of operations in this thread (the file stays locked meanwhile)."""
        if getattr(self._local, "con", None) is not None:
            yield
            return
        con = self._open()
        self._local.con = con
        try:
            yield
        finally:
            self._local.con = None
            con.close()

    @contextmanager
    def _connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = getattr(self._local, "con", None)
        if con is not None:
            yield con
            return
        con = self._open()
        try:
            yield con
        finally:
            con.close()

    def _open(self) -> duckdb.DuckDBPyConnection:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        deadline, pause = time.monotonic() + self.busy_timeout, 0.05
        while True:
            try:
                con = duckdb.connect(str(self.path))
                break
            except (duckdb.IOException, duckdb.BinderException) as error:
                # "already attached": another thread of this process is closing the file's last connection
                if not any(word in str(error).lower() for word in ("lock", "already attached")):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"Cơ sở dữ liệu {self.path} đang được một chương trình khác sử dụng (bảng điều khiển hoặc "
                        "một lệnh khác). Hãy thử lại sau ít phút.") from error
                time.sleep(pause)
                pause = min(pause * 2, 0.5)
        try:
            self._ensure_schema(con)
        except BaseException:
            con.close()
            raise
        return con

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold this process's write turn across a check and the writes that depend on it (a period's lock
        and the uploads it refuses), so no other thread's write comes between them."""
        with _WRITE_LOCK:
            yield

    def _write(self, work: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
        with self._connection() as con:
            return _transact(con, work)

    # -- schema --------------------------------------------------------------------------------------------
    def _ensure_schema(self, con: duckdb.DuckDBPyConnection) -> None:
        with _WRITE_LOCK:  # threads opening a new database at once would race to create it
            exists = con.execute("SELECT count(*) FROM information_schema.tables"
                                 " WHERE table_name = 'schema_version'").fetchone()[0]
            if not exists:
                con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                            " applied_at TIMESTAMP)")
            done = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
            for version, statements in enumerate(MIGRATIONS, start=1):
                if version > done:
                    _transact(con, lambda con, version=version, statements=statements: _migrate(con, version,
                                                                                                statements))
            if con.execute("SELECT txt FROM meta WHERE key = 'catalog'").fetchone()[0] != self.fingerprint:
                self._load_catalog(con)

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = load_catalog()
        return self._catalog

    @property
    def fingerprint(self) -> str:
        """A hash of the catalog and the periods: the catalog tables are refreshed when it changes."""
        if not self._fingerprint:
            self._fingerprint = hashlib.sha256(repr((self.catalog, all_periods())).encode()).hexdigest()
        return self._fingerprint

    def _load_catalog(self, con: duckdb.DuckDBPyConnection) -> None:
        catalog = self.catalog
        tables = {
            "unit": (("code", "name", "short_name", "kind", "parent_code", "valid_from", "valid_to"),
                     [(u.code, u.name, u.short_name, u.kind, u.parent_code, u.valid_from, u.valid_to)
                      for u in catalog.units]),
            "unit_event": (("unit_code", "date", "event", "new_kind", "new_name", "basis"),
                           [(e.unit_code, e.date, e.event, e.new_kind, e.new_name, e.basis)
                            for u in catalog.units for e in u.events]),
            "indicator": (("code", "area", "task", "name_vi", "name_en", "measure", "direction", "applies_to",
                           "only_units", "required", "baseline_year", "source"),
                          [(i.code, i.area, i.task, i.name_vi, i.name_en, i.measure, i.direction,
                            " ".join(i.applies_to), " ".join(i.only_units), i.required, i.baseline_year, i.source)
                           for i in catalog.indicators]),
            "target": (("indicator", "kind", "year", "value", "comparison", "basis"),
                       [(t.indicator, t.kind, t.year, t.value, t.comparison, t.basis)
                        for i in catalog.indicators for t in i.targets]),
            "period": (("code", "kind", "year", "start", '"end"', "deadline"),
                       [(p.code, p.kind, p.year, p.start, p.end, p.deadline) for p in all_periods()]),
        }

        def refresh(con: duckdb.DuckDBPyConnection) -> None:
            for table, (columns, rows) in tables.items():
                con.execute(f"DELETE FROM {table}")
                _insert(con, table, columns, rows)
            con.execute("UPDATE meta SET txt = ? WHERE key = 'catalog'", [self.fingerprint])

        _transact(con, refresh)

    def reset(self) -> None:
        """Drop every table and every kept raw file, then recreate the empty schema."""
        with self._connection() as con:
            for kind, name in _OBJECTS:
                con.execute(f"DROP {kind} IF EXISTS {name}")
            shutil.rmtree(self.raw_dir, ignore_errors=True)
            self._ensure_schema(con)

    # -- raw files --------------------------------------------------------------------------------------
    def _raw_path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.raw_dir / sha256[:2] / sha256

    def keep_raw(self, data: bytes) -> str:
        """Keep one file under its SHA-256; returns the hash (see :meth:`keep_raws`)."""
        return self.keep_raws([data])[0]

    def keep_raws(self, blobs: Sequence[bytes]) -> list[str]:
        """Keep files under their SHA-256 (temporary file + atomic rename), then flush them to disk with one
        ``os.sync`` (far cheaper than one fsync per file), so a submission never refers to a lost file."""
        hashes = []
        for data in blobs:
            sha256 = hashlib.sha256(data).hexdigest()
            hashes.append(sha256)
            path = self._raw_path(sha256)
            if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == sha256:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{sha256}.{os.getpid()}.{threading.get_ident()}.tmp")
            temp.write_bytes(data)
            os.replace(temp, path)
        os.sync()
        return hashes

    def raw_file(self, sha256: str) -> bytes:
        return self._raw_path(sha256).read_bytes()

    # -- submissions ----------------------------------------------------------------------------------
    def find_submission(self, sha256: str) -> SubmissionRow | None:
        """The submission that received these exact bytes before, if any."""
        with self._connection() as con:
            row = con.execute("SELECT id, unit, period, status, supersedes FROM submission WHERE sha256 = ?",
                              [sha256]).fetchone()
        return SubmissionRow(*row, duplicate=True) if row else None

    def current_submission(self, unit: str, period: str) -> int | None:
        """The id of the latest accepted submission of a unit and period."""
        with self._connection() as con:
            row = con.execute("SELECT id FROM current_submission WHERE unit = ? AND period = ?",
                              [unit, period]).fetchone()
        return row[0] if row else None

    def record_submission(self, item: NewSubmission) -> SubmissionRow:
        """Store one submission atomically (see :meth:`record_submissions`)."""
        return self.record_submissions([item])[0]

    def record_submissions(self, items: Sequence[NewSubmission]) -> list[SubmissionRow]:
        """Store submissions in one transaction (group commit): each with its values (accepted) or none
        (rejected), its issues and an audit row. A file whose bytes were received before, here or earlier in
        ``items``, is not stored again: the earlier row comes back with ``duplicate=True``. A newer accepted
        submission of a unit and period supersedes the current one, which stays.
        """
        if any(item.status not in ("accepted", "rejected") for item in items):
            raise ValueError("status must be 'accepted' or 'rejected'")

        def work(con: duckdb.DuckDBPyConnection) -> list[SubmissionRow]:
            shas = [item.sha256 for item in items]
            seen = {row[0]: SubmissionRow(*row[1:]) for row in con.execute(
                "SELECT sha256, id, unit, period, status, supersedes FROM submission"
                " WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))", [shas]).fetchall()}
            current = {(u, p): i for u, p, i in con.execute(
                "SELECT unit, period, max(id) FROM submission WHERE status = 'accepted'"
                " AND unit IN (SELECT unnest(?::VARCHAR[])) GROUP BY unit, period",
                [sorted({item.unit for item in items})]).fetchall()}
            ids = iter(i for (i,) in con.execute("SELECT nextval('submission_id') FROM generate_series(1, ?)",
                                                  [len(items)]).fetchall())
            results, rows, values, issues, audits = [], [], [], [], []
            for item in items:
                at = item.received_at or clock.now()
                if item.sha256 in seen:
                    results.append(replace(seen[item.sha256], duplicate=True))
                    audits.append((at, item.user, "submission.duplicate", f"#{seen[item.sha256].id}", item.filename,
                                   item.origin))
                    continue
                new_id, key = next(ids), (item.unit, item.period)
                supersedes = current.get(key) if item.status == "accepted" else None
                if item.status == "accepted":
                    current[key] = new_id
                    values += [(new_id, v.indicator, v.numerator, v.denominator, v.value, v.note, v.source_cell)
                               for v in item.values]
                issues += [(new_id, i.severity, i.code, i.sheet, i.cell, i.indicator, i.message) for i in item.issues]
                rows.append((new_id, item.unit, item.period, item.sha256, item.filename, item.size, item.user, at,
                             item.status, supersedes, item.template_version, item.reporter, item.report_date))
                audits.append((at, item.user, f"submission.{item.status}", f"{item.unit}/{item.period}#{new_id}",
                               item.filename, item.origin))
                if supersedes is not None:
                    audits.append((at, item.user, "submission.supersede", f"{item.unit}/{item.period}#{supersedes}",
                                   f"→ #{new_id}", item.origin))
                seen[item.sha256] = SubmissionRow(new_id, item.unit, item.period, item.status, supersedes)
                results.append(seen[item.sha256])
            _insert(con, "submission", _SUBMISSION_COLUMNS, rows)
            _insert(con, "value", _VALUE_COLUMNS, values)
            _insert(con, "issue", _ISSUE_COLUMNS, issues)
            _insert(con, "audit", _AUDIT_COLUMNS, audits)
            return results

        try:
            return self._write(work)
        except duckdb.ConstraintException:  # another writer stored one of these files meanwhile: now a duplicate
            return self._write(work)

    def previous_values(self, unit: str, period: str) -> dict[str, float]:
        """The unit's current values for the previous period of the same kind (indicator → value)."""
        before = previous_period(period)
        if before is None:
            return {}
        with self._connection() as con:
            rows = con.execute("SELECT indicator, value FROM current_values WHERE unit = ? AND period = ?"
                               " AND value IS NOT NULL", [unit, before]).fetchall()
        return dict(rows)

    # -- reads -------------------------------------------------------------------------------------------
    def _frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self._connection() as con:
            return con.execute(sql, list(params)).df()

    def current_values(self, period: str | None = None, unit: str | None = None) -> pd.DataFrame:
        """``unit, period, indicator, numerator, denominator, value, note, source_cell, submission_id``."""
        return self._frame("SELECT * FROM current_values WHERE (? IS NULL OR period = ?) AND (? IS NULL OR unit = ?)"
                           " ORDER BY unit, period, indicator", [period, period, unit, unit])

    def counted_values(self, *, approved_only: bool = False) -> pd.DataFrame:
        """The figures that count, in the columns of :meth:`current_values`: each unit and period's current
        report unless Sở Nội vụ returned it; with ``approved_only``, the latest approved report instead (the
        official figures), even when a newer upload waits for approval."""
        verdicts = ("SELECT submission_id, kind FROM (SELECT submission_id, kind, row_number() OVER"
                    " (PARTITION BY submission_id ORDER BY id DESC) AS rn FROM decision"
                    " WHERE kind IN ('approve', 'return')) WHERE rn = 1")
        if not approved_only:
            return self._frame(f"WITH verdict AS ({verdicts}) SELECT * FROM current_values"
                               " WHERE submission_id NOT IN (SELECT submission_id FROM verdict WHERE kind = 'return')"
                               " ORDER BY unit, period, indicator")
        return self._frame(
            f"WITH verdict AS ({verdicts}), chosen AS (SELECT s.unit, s.period, max(s.id) AS id FROM submission s"
            " JOIN verdict ON verdict.submission_id = s.id WHERE verdict.kind = 'approve' AND s.status = 'accepted'"
            " GROUP BY s.unit, s.period)"
            " SELECT c.unit, c.period, v.indicator, v.numerator, v.denominator, v.value, v.note, v.source_cell,"
            " v.submission_id FROM chosen c JOIN value v ON v.submission_id = c.id"
            " ORDER BY c.unit, c.period, v.indicator")

    def submissions(self, unit: str | None = None, period: str | None = None) -> pd.DataFrame:
        """Every submission (accepted or rejected) with ``superseded_by`` and its error / warning counts."""
        return self._frame(
            f"SELECT {', '.join('s.' + c for c in _SUBMISSION_COLUMNS)},"
            " (SELECT min(n.id) FROM submission n WHERE n.supersedes = s.id) AS superseded_by,"
            " (SELECT count(*) FROM issue i WHERE i.submission_id = s.id AND i.severity = 'error') AS errors,"
            " (SELECT count(*) FROM issue i WHERE i.submission_id = s.id AND i.severity = 'warning') AS warnings"
            " FROM submission s WHERE (? IS NULL OR s.unit = ?) AND (? IS NULL OR s.period = ?) ORDER BY s.id",
            [unit, unit, period, period])

    def issues(self, submission_id: int | None = None) -> pd.DataFrame:
        return self._frame("SELECT * FROM issue WHERE (? IS NULL OR submission_id = ?) ORDER BY submission_id",
                           [submission_id, submission_id])

    def data_version(self) -> int:
        """A number that changes whenever anything is written (a file stat answers when nothing changed)."""
        stamp = _stamp(self.path)
        if self._version is not None and stamp is not None and self._version[0] == stamp:
            return self._version[1]
        with self._connection() as con:
            version = con.execute("SELECT num FROM meta WHERE key = 'data_version'").fetchone()[0]
        self._version = (stamp, version)
        return version

    # -- PAR index scores and audit ---------------------------------------------------------------------
    def record_par_scores(self, rows: Iterable[Mapping[str, Any]], user: str, *, origin: str = "") -> int:
        """Append scores (``year, unit, criterion, source, score`` and optional ``reason``); latest wins."""
        at = clock.now()
        data = [(int(r["year"]), r["unit"], r["criterion"], r["source"], float(r["score"]), user,
                 r.get("reason", ""), at) for r in rows]
        unknown = {d[3] for d in data} - set(PAR_SOURCES)
        if unknown:
            raise ValueError(f"unknown PAR score source(s): {sorted(unknown)}")

        def work(con: duckdb.DuckDBPyConnection) -> int:
            _insert(con, "par_score", _PAR_COLUMNS, data)
            _insert(con, "audit", _AUDIT_COLUMNS, [(at, user, "par.record", "par_score", f"{len(data)} điểm",
                                                    origin)])
            return len(data)

        return self._write(work)

    def par_scores(self, year: int | None = None) -> pd.DataFrame:
        """The latest score per year, unit, criterion and source."""
        return self._frame(
            "SELECT year, unit, criterion, source, score, entered_by, reason, entered_at FROM ("
            " SELECT *, row_number() OVER (PARTITION BY year, unit, criterion, source ORDER BY id DESC) AS rn"
            " FROM par_score WHERE (? IS NULL OR year = ?)) WHERE rn = 1 ORDER BY year, unit, criterion, source",
            [year, year])

    def audit(self, user: str, action: str, object: str = "", detail: str = "", *, origin: str = "") -> None:
        self._write(lambda con: _audit(con, user, action, object, detail, origin))

    def audit_log(self, limit: int | None = None, *, user: str | None = None, action: str | None = None,
                  since: dt.datetime | None = None, until: dt.datetime | None = None,
                  text: str | None = None) -> pd.DataFrame:
        """``id, at, user, action, object, detail, origin``, newest first; ``action`` matches a prefix
        (``login`` finds ``login.failed``), ``text`` a part of the object or detail (any case)."""
        return self._frame(
            'SELECT * FROM audit WHERE (? IS NULL OR "user" = ?) AND (? IS NULL OR starts_with(action, ?))'
            ' AND (? IS NULL OR "at" >= ?) AND (? IS NULL OR "at" < ?) AND (? IS NULL OR'
            " contains(lower(concat_ws(' ', object, detail)), lower(?))) ORDER BY id DESC LIMIT ?",
            [user, user, action, action, since, since, until, until, text, text, limit])

    # -- accounts (cchc.auth) ------------------------------------------------------------------------------
    def account(self, name: str) -> Account | None:
        with self._connection() as con:
            row = con.execute(f"SELECT {', '.join(_ACCOUNT_COLUMNS)} FROM account WHERE name = ?", [name]).fetchone()
        return _account(row)

    def account_by_email(self, email: str) -> Account | None:
        with self._connection() as con:
            row = con.execute(f"SELECT {', '.join(_ACCOUNT_COLUMNS)} FROM account WHERE lower(email) = lower(?)"
                              " ORDER BY name LIMIT 1", [email]).fetchone()
        return _account(row)

    def accounts(self) -> pd.DataFrame:
        """Every account, without its password hash."""
        return self._frame(f"SELECT {', '.join(c for c in _ACCOUNT_COLUMNS if c != 'password_hash')} FROM account"
                           " ORDER BY name")

    def add_account(self, account: Account, *, by: str, origin: str = "") -> bool:
        """Create an account (audited); False when the name is taken."""
        row = [*_account_values(account)[:8], account.created_at or clock.now(), account.password_changed_at]

        def work(con: duckdb.DuckDBPyConnection) -> bool:
            if con.execute("SELECT count(*) FROM account WHERE name = ?", [account.name]).fetchone()[0]:
                return False
            con.execute(f"INSERT INTO account ({', '.join(_ACCOUNT_COLUMNS)}) VALUES ({', '.join('?' * len(row))})",
                        row)
            _audit(con, by, "user.add", account.name, f"role={account.role} units={' '.join(account.units)}", origin)
            return True

        try:
            return self._write(work)
        except duckdb.ConstraintException:  # created by another process meanwhile
            return False

    def update_account(self, name: str, changes: Mapping[str, Any], *, by: str, action: str, detail: str = "",
                       origin: str = "") -> bool:
        """Change some of an account's fields and audit it as ``action``; False when there is no such account."""
        unknown = set(changes) - _ACCOUNT_CHANGES
        if unknown or not changes:
            raise ValueError(f"cannot change account fields {sorted(unknown)}")
        values = {k: " ".join(v) if k == "units" else v for k, v in changes.items()}

        def work(con: duckdb.DuckDBPyConnection) -> bool:
            found = con.execute(f"UPDATE account SET {', '.join(f'{k} = ?' for k in values)} WHERE name = ?"
                                " RETURNING name", [*values.values(), name]).fetchall()
            if found:
                _audit(con, by, action, name, detail, origin)
            return bool(found)

        return self._write(work)

    def record_login(self, name: str, *, ok: bool, origin: str = "", detail: str = "") -> None:
        """Audit a login attempt (``login`` or ``login.failed``); the account keeps its failures in a row."""
        def work(con: duckdb.DuckDBPyConnection) -> None:
            con.execute("UPDATE account SET failed_logins = CASE WHEN ? THEN 0 ELSE failed_logins + 1 END"
                        " WHERE name = ?", [ok, name])
            _audit(con, name, "login" if ok else "login.failed", name, detail, origin)

        self._write(work)

    def login_failures(self, name: str, origin: str, *, since: dt.datetime) -> tuple[int, dt.datetime | None]:
        """(count, latest time) of the failed logins for ``name`` from ``origin`` since ``since``, counted after
        the last success from there and the last password reset of the account."""
        with self._connection() as con:
            row = con.execute(
                "SELECT count(*), max(\"at\") FROM audit WHERE action = 'login.failed' AND object = ? AND origin = ?"
                ' AND "at" >= ? AND id > coalesce((SELECT max(id) FROM audit WHERE object = ? AND'
                " (action = 'user.password.reset' OR (action = 'login' AND origin = ?))), 0)",
                [name, origin, since, name, origin]).fetchone()
        return row[0], row[1]

    # -- approvals and period locks (cchc.approval) -------------------------------------------------------
    def record_decision(self, kind: str, period: str, *, by: str, unit: str = "", submission_id: int | None = None,
                        comment: str = "", origin: str = "") -> int:
        """Append an approval (``approve``/``return`` of a unit's report) or a period ``lock``/``reopen``."""
        def work(con: duckdb.DuckDBPyConnection) -> int:
            new_id = con.execute(
                "INSERT INTO decision (kind, period, unit, submission_id, comment, decided_by, decided_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [kind, period, unit or None, submission_id, comment, by, clock.now()]).fetchone()[0]
            target = f"{unit}/{period}#{submission_id}" if unit else period
            _audit(con, by, f"{'approval' if kind in _DECISION_KINDS['approval'] else 'period'}.{kind}", target,
                   comment, origin)
            return new_id

        return self._write(work)

    def decisions(self, scope: str, period: str | None = None, *, latest: bool = True) -> pd.DataFrame:
        """``id, kind, period, unit, submission_id, comment, decided_by, decided_at`` of one ``scope``
        (``approval`` or ``lock``): the latest per unit and period (``latest``), or the whole history."""
        kinds = list(_DECISION_KINDS[scope])
        return self._frame(
            "SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER (PARTITION BY period, unit ORDER BY id DESC)"
            " AS rn FROM decision WHERE kind IN (SELECT unnest(?::VARCHAR[])) AND (? IS NULL OR period = ?))"
            " WHERE rn = 1 OR NOT ? ORDER BY period, unit, id DESC", [kinds, period, period, latest])

    def locked_periods(self) -> frozenset[str]:
        """The periods whose latest lock decision is ``lock``."""
        with self._connection() as con:
            rows = con.execute(
                "SELECT period FROM (SELECT period, kind, row_number() OVER (PARTITION BY period ORDER BY id DESC)"
                " AS rn FROM decision WHERE kind IN ('lock', 'reopen')) WHERE rn = 1 AND kind = 'lock'").fetchall()
        return frozenset(p for (p,) in rows)

    # -- backup and restore (cchc.backup) ----------------------------------------------------------------
    def schema_version(self) -> int:
        with self._connection() as con:
            return con.execute("SELECT max(version) FROM schema_version").fetchone()[0]

    def table(self, name: str) -> pd.DataFrame:
        """A whole data or catalog table, in a stable order (for backups and their checks)."""
        if name not in (*BACKUP_TABLES, *CATALOG_TABLES):
            raise ValueError(f"unknown table {name!r}")
        return self._frame(f"SELECT * FROM {name} ORDER BY ALL")

    def export_tables(self, folder: Path) -> dict[str, int]:
        """Write every data and catalog table to ``folder/<table>.parquet`` from one snapshot; rows per table."""
        counts = {}
        with self._connection() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                for name in (*BACKUP_TABLES, *CATALOG_TABLES):
                    con.sql(f"SELECT * FROM {name} ORDER BY ALL").write_parquet(str(folder / f"{name}.parquet"))
                    counts[name] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            finally:
                con.execute("ROLLBACK")
        return counts

    def import_tables(self, folder: Path) -> None:
        """Load the data tables written by :meth:`export_tables` into this empty store, in one transaction,
        and move the id sequences past the loaded ids."""
        def work(con: duckdb.DuckDBPyConnection) -> None:
            for name in BACKUP_TABLES:
                if con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]:
                    raise ValueError(f"table {name} is not empty")
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM read_parquet(?)",
                            [str(folder / f"{name}.parquet")])
            for name, sequence in _SEQUENCES:
                top = con.execute(f"SELECT coalesce(max(id), 0) FROM {name}").fetchone()[0]
                con.execute(f"SELECT max(nextval('{sequence}')) FROM range(?)", [top])

        self._write(work)


def _audit(con: duckdb.DuckDBPyConnection, user: str, action: str, object: str, detail: str, origin: str) -> None:
    con.execute('INSERT INTO audit ("at", "user", action, object, detail, origin) VALUES (?, ?, ?, ?, ?, ?)',
                [clock.now(), user, action, object, detail, origin])


def _account_values(account: Account) -> list[Any]:
    return [account.name, account.role, " ".join(account.units), account.email, account.password_hash,
            account.active, account.failed_logins, account.locked_until]


def _account(row: tuple | None) -> Account | None:
    if row is None:
        return None
    return Account(row[0], row[1], tuple(row[2].split()), *row[3:])


def _migrate(con: duckdb.DuckDBPyConnection, version: int, statements: Sequence[str]) -> None:
    for statement in statements:
        con.execute(statement)
    con.execute("INSERT INTO schema_version VALUES (?, ?)", [version, clock.now()])
    if version == 1:
        con.execute("INSERT INTO meta VALUES ('data_version', ?, NULL), ('catalog', 0, '')", [time.time_ns() // 1000])


def _transact(con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], Any], *,
              retries: int = 5) -> Any:
    """Run ``work`` in one transaction that also bumps the data version; retried on a write conflict.
    This process's writers take turns (every write touches the data-version row, so concurrent threads would
    otherwise conflict faster than retries resolve it); other processes are kept out by DuckDB's file lock."""
    with _WRITE_LOCK:
        for attempt in range(retries):
            con.execute("BEGIN TRANSACTION")
            try:
                result = work(con)
                con.execute("UPDATE meta SET num = greatest(num + 1, ?) WHERE key = 'data_version'",
                            [time.time_ns() // 1000])
                con.execute("COMMIT")
                return result
            except duckdb.TransactionException:
                con.execute("ROLLBACK")
                if attempt == retries - 1:
                    raise
            except BaseException:
                con.execute("ROLLBACK")
                raise
    raise AssertionError("unreachable")


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert many rows in one statement, scanned from an Arrow table (far faster than bound row lists)."""
    if rows:
        incoming = pa.table({f"c{i}": list(column) for i, column in enumerate(zip(*rows, strict=True))})
        con.from_arrow(incoming).query("incoming", f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM incoming")


def _stamp(path: Path) -> tuple | None:
    """Identity and change stamps of the database file and its write-ahead log (None if absent)."""
    stamps = []
    for part in (path, path.with_name(path.name + ".wal")):
        try:
            s = part.stat()
        except FileNotFoundError:
            stamps.append(None)
            continue
        stamps.append((s.st_ino, s.st_mtime_ns, s.st_ctime_ns, s.st_size))
    return tuple(stamps) if stamps[0] else None
