"""The only module that speaks SQL: the schema, its migrations, every write and every query, on one of two
backends chosen by configuration (:func:`cchc.config.database_url`):

- **embedded** (the default): ``data/cchc.duckdb``. Connections are short-lived (one per operation, or one
  per :meth:`Store.session` for a batch), so the dashboard and the command line can share the file. DuckDB
  lets one process open it at a time: a locked file is retried briefly, then :class:`StoreBusy` says so in
  Vietnamese. Received files are kept by SHA-256 under ``data/raw/``.
- **PostgreSQL** (``CCHC_DATABASE_URL=postgresql://…``, through psycopg 3): one connection per thread, kept.
  Writers in many processes run at once; each write is one transaction, submissions are stored under a
  short transaction-level advisory lock (duplicates and supersedes decided in order), and uploads hold a
  shared advisory lock that a period lock takes exclusively, so no upload slips in after a lock. Received
  files live in the database (table ``raw_file``), so app processes on several machines share them. The
  analytic reads (values, submissions, decisions, PAR scores) run on an in-process DuckDB copy of those
  tables, loaded with ``COPY`` when their version in ``meta`` changes (see :meth:`Store.analytics_copy`).

One set of migrations serves both: the SQL stays portable (bound ``?`` parameters, turned into ``%s`` for
psycopg); what only DuckDB speaks (Arrow scans, Parquet, ``EXCLUDE``, ``ORDER BY ALL``) runs on DuckDB only.
Times are Hưng Yên local time (UTC+7, from :mod:`cchc.clock`), stored without a zone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager, nullcontext, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, overload

import duckdb
import pandas as pd
import psycopg
import pyarrow as pa

from cchc import clock, config
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
        " value DOUBLE PRECISION NOT NULL, comparison VARCHAR NOT NULL, basis VARCHAR)",
        'CREATE TABLE period (code VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, year INTEGER NOT NULL,'
        ' start DATE NOT NULL, "end" DATE NOT NULL, deadline DATE NOT NULL)',
        "CREATE SEQUENCE submission_id",
        "CREATE TABLE submission (id BIGINT PRIMARY KEY DEFAULT nextval('submission_id'), unit VARCHAR,"
        " period VARCHAR, sha256 VARCHAR NOT NULL UNIQUE, filename VARCHAR, size BIGINT, uploaded_by VARCHAR,"
        " uploaded_at TIMESTAMP NOT NULL, status VARCHAR NOT NULL CHECK (status IN ('accepted', 'rejected')),"
        " supersedes BIGINT, template_version VARCHAR, reporter VARCHAR, report_date DATE)",
        "CREATE TABLE value (submission_id BIGINT NOT NULL, indicator VARCHAR NOT NULL, numerator DOUBLE PRECISION,"
        " denominator DOUBLE PRECISION, value DOUBLE PRECISION, note VARCHAR, source_cell VARCHAR)",
        "CREATE TABLE issue (submission_id BIGINT NOT NULL, severity VARCHAR NOT NULL, code VARCHAR NOT NULL,"
        " sheet VARCHAR, cell VARCHAR, indicator VARCHAR, message VARCHAR)",
        "CREATE SEQUENCE audit_id",
        'CREATE TABLE audit (id BIGINT PRIMARY KEY DEFAULT nextval(\'audit_id\'), "at" TIMESTAMP NOT NULL,'
        ' "user" VARCHAR, action VARCHAR NOT NULL, object VARCHAR, detail VARCHAR)',
        "CREATE SEQUENCE par_score_id",
        "CREATE TABLE par_score (id BIGINT PRIMARY KEY DEFAULT nextval('par_score_id'), year INTEGER NOT NULL,"
        " unit VARCHAR NOT NULL, criterion VARCHAR NOT NULL,"
        " source VARCHAR NOT NULL CHECK (source IN ('self', 'appraised', 'survey')), score DOUBLE PRECISION NOT NULL,"
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
    (  # received files in the database (PostgreSQL; the embedded store keeps them under data/raw/), and the
       # version of the submission tables, which the PostgreSQL store's analytics copy follows
        "CREATE TABLE raw_file (sha256 VARCHAR PRIMARY KEY, data BYTEA NOT NULL)",
        "INSERT INTO meta VALUES ('submission_version', 0, NULL)",
    ),
    (  # evidence files behind the PAR self-assessment (the bytes kept by SHA-256 like received reports), and the
       # appraisal of each unit, year and criterion (append-only: the latest counts)
        "CREATE SEQUENCE evidence_id",
        "CREATE TABLE evidence (id BIGINT PRIMARY KEY DEFAULT nextval('evidence_id'), unit VARCHAR NOT NULL,"
        " year INTEGER NOT NULL, criterion VARCHAR NOT NULL, file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,"
        " size BIGINT NOT NULL, media_type VARCHAR NOT NULL, note VARCHAR NOT NULL CHECK (length(note) <= 500),"
        " uploaded_by VARCHAR NOT NULL, uploaded_at TIMESTAMP NOT NULL)",
        "CREATE SEQUENCE appraisal_id",
        "CREATE TABLE appraisal (id BIGINT PRIMARY KEY DEFAULT nextval('appraisal_id'), year INTEGER NOT NULL,"
        " unit VARCHAR NOT NULL, criterion VARCHAR NOT NULL, score DOUBLE PRECISION,"
        " comment VARCHAR NOT NULL CHECK (length(comment) <= 1000), insufficient BOOLEAN NOT NULL,"
        " appraised_by VARCHAR NOT NULL, appraised_at TIMESTAMP NOT NULL)",
    ),
    (  # login sessions behind the browser's cookie (cchc.sessions): only SHA-256 digests of their secrets
        "CREATE SEQUENCE login_session_id",
        "CREATE TABLE login_session (id BIGINT PRIMARY KEY DEFAULT nextval('login_session_id'),"
        " account VARCHAR NOT NULL, token_hash VARCHAR, handoff_hash VARCHAR, created_at TIMESTAMP NOT NULL,"
        " last_seen TIMESTAMP NOT NULL, ended_at TIMESTAMP, ended_why VARCHAR, origin VARCHAR)",
    ),
)
# Indexes for PostgreSQL's row-by-row lookups (DuckDB scans its columns; an index would only slow its inserts).
_POSTGRES_ONLY = {3: ("CREATE INDEX value_submission ON value (submission_id)",
                      "CREATE INDEX issue_submission ON issue (submission_id)",
                      "CREATE INDEX submission_unit_period ON submission (unit, period)"),
                  5: ("CREATE INDEX login_session_token ON login_session (token_hash)",
                      "CREATE INDEX login_session_handoff ON login_session (handoff_hash)",
                      "CREATE INDEX login_session_account ON login_session (account)")}
# Everything the migrations create, dropped by reset() (views first).
_OBJECTS = (("VIEW", "current_values"), ("VIEW", "current_submission"), *(("TABLE", t) for t in (
    "meta", "unit", "unit_event", "indicator", "target", "period", "submission", "value", "issue", "audit",
    "par_score", "account", "decision", "raw_file", "evidence", "appraisal", "login_session", "schema_version")),
    *(("SEQUENCE", s) for s in ("submission_id", "audit_id", "par_score_id", "decision_id", "evidence_id",
                                "appraisal_id", "login_session_id")))
# What a backup holds: the data tables (restored) and the catalog tables (kept for reference: the code rebuilds them).
# Login sessions are not data: a restore (or a move to PostgreSQL) brings none back, everyone logs in again.
BACKUP_TABLES = ("submission", "value", "issue", "audit", "par_score", "account", "decision", "evidence", "appraisal")
CATALOG_TABLES = ("unit", "unit_event", "indicator", "target", "period")
_SEQUENCES = (("submission", "submission_id"), ("audit", "audit_id"), ("par_score", "par_score_id"),
              ("decision", "decision_id"), ("evidence", "evidence_id"), ("appraisal", "appraisal_id"),
              ("login_session", "login_session_id"))

_SUBMISSION_COLUMNS = ("id", "unit", "period", "sha256", "filename", "size", "uploaded_by", "uploaded_at", "status",
                       "supersedes", "template_version", "reporter", "report_date")
_VALUE_COLUMNS = ("submission_id", "indicator", "numerator", "denominator", "value", "note", "source_cell")
_ISSUE_COLUMNS = ("submission_id", "severity", "code", "sheet", "cell", "indicator", "message")
_AUDIT_COLUMNS = ('"at"', '"user"', "action", "object", "detail", "origin")
_PAR_COLUMNS = ("year", "unit", "criterion", "source", "score", "entered_by", "reason", "entered_at")
_EVIDENCE_COLUMNS = ("unit", "year", "criterion", "file_name", "sha256", "size", "media_type", "note", "uploaded_by",
                     "uploaded_at")
_ACCOUNT_COLUMNS = ("name", "role", "units", "email", "password_hash", "active", "failed_logins", "locked_until",
                    "created_at", "password_changed_at")
_ACCOUNT_CHANGES = frozenset(_ACCOUNT_COLUMNS[1:8]) | {"password_changed_at"}
_DECISION_KINDS = {"approval": ("approve", "return"), "lock": ("lock", "reopen")}
# Tables the PostgreSQL store copies into DuckDB for analytic reads: reloaded when ``submission_version``
# changes (the large ones), or when anything changes (the small ones).
_LARGE = ("submission", "value", "issue")
_SMALL = ("decision", "par_score")
# PostgreSQL advisory lock keys: schema migrations, the first start's sample load, uploads vs period locks,
# and the storing of submissions.
_SCHEMA_LOCK, _BOOTSTRAP_LOCK, _PERIOD_LOCK, _SUBMIT_LOCK = 72_016_001, 72_016_002, 72_016_003, 72_016_004
# PostgreSQL type oids → Arrow types, so a frame read from PostgreSQL has the dtypes DuckDB gives.
_ARROW_TYPES = {16: pa.bool_(), 17: pa.binary(), 20: pa.int64(), 21: pa.int16(), 23: pa.int32(), 700: pa.float32(),
                701: pa.float64(), 1082: pa.date32(), 1114: pa.timestamp("us")}


class StoreBusy(RuntimeError):
    """The database file is held by another process for longer than we are willing to wait, or the PostgreSQL
    server does not answer."""


CONSTRAINT_ERRORS: tuple[type[Exception], ...] = (duckdb.ConstraintException, psycopg.IntegrityError)


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
class NewEvidence:
    """An evidence file to record (its bytes kept already by :meth:`Store.keep_raws`)."""

    unit: str
    year: int
    criterion: str
    file_name: str
    sha256: str
    size: int
    media_type: str
    note: str
    user: str


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
    """The database and the received files of one installation: embedded (``<data_dir>/cchc.duckdb`` and
    ``<data_dir>/raw/``) or PostgreSQL (``database_url``; None reads ``CCHC_DATABASE_URL``, "" is embedded)."""

    def __init__(self, data_dir: str | os.PathLike[str], *, database_url: str | None = None,
                 catalog: Catalog | None = None, busy_timeout: float | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.database_url = config.database_url() if database_url is None else database_url
        self.path = self.data_dir / DB_FILE
        self.raw_dir = self.data_dir / RAW_DIR
        self.busy_timeout = BUSY_TIMEOUT if busy_timeout is None else busy_timeout
        self._catalog = catalog
        self._fingerprint = ""
        self._local = threading.local()
        self._version: tuple[Any, int] | None = None
        self._ready = False  # PostgreSQL: the schema was checked by this object
        self._lock = threading.RLock()  # PostgreSQL: the schema check and the analytics copy, one thread at a time
        self._copy: tuple[duckdb.DuckDBPyConnection, dict[str, int]] | None = None

    @property
    def embedded(self) -> bool:
        return not self.database_url

    def describe(self) -> str:
        """Where the data lives, for messages (a PostgreSQL address without its password)."""
        if self.embedded:
            return str(self.data_dir)
        info = psycopg.conninfo.conninfo_to_dict(self.database_url)
        return f"postgresql://{info.get('host', '')}:{info.get('port', 5432)}/{info.get('dbname', '')}"

    def exists(self) -> bool:
        """Whether the database was created already (nothing is created by asking)."""
        if self.embedded:
            return self.path.exists()
        with closing(self._connect_pg()) as con:
            return con.execute("SELECT to_regclass('schema_version') IS NOT NULL", []).fetchone()[0]  # type: ignore[index]  # a query for one value gives one row

    # -- connections -------------------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[None]:
        """Keep one connection open for a batch of operations in this thread (the file stays locked meanwhile;
        on PostgreSQL each thread keeps its connection anyway)."""
        if getattr(self._local, "con", None) is not None or not self.embedded:
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
    def _connection(self) -> Iterator[Any]:
        if not self.embedded:
            con = getattr(self._local, "pg", None)
            if con is None or con.raw.closed:
                con = self._local.pg = self._connect_pg()
                if not self._ready:
                    with self._lock:
                        self._ensure_schema(con)
                        self._ready = True
            yield con
            return
        con = getattr(self._local, "con", None)
        if con is not None:
            yield con
            return
        con = self._open()
        try:
            yield con
        finally:
            con.close()

    def _connect_pg(self) -> _PgConnection:
        try:
            return _PgConnection(self.database_url)
        except psycopg.OperationalError as error:
            raise StoreBusy(f"Không kết nối được máy chủ cơ sở dữ liệu PostgreSQL {self.describe()} ({error})."
                            " Hãy kiểm tra máy chủ rồi thử lại.") from None

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
    def writing(self, *, exclusive: bool = False) -> Iterator[None]:
        """Hold the write turn across a check and the writes that depend on it (a period's lock and the uploads
        it refuses), so no other write comes between them. Embedded: this process's threads take turns (other
        processes are kept out by the file lock). PostgreSQL: uploads hold it shared, a lock decision
        ``exclusive`` (an advisory lock, across processes)."""
        if self.embedded:
            with _WRITE_LOCK:
                yield
            return
        with self._advisory(_PERIOD_LOCK, shared=not exclusive):
            yield

    @contextmanager
    def first_start(self) -> Iterator[None]:
        """PostgreSQL: one process at a time fills a new database (see :mod:`cchc.bootstrap`)."""
        with self._advisory(_BOOTSTRAP_LOCK):
            yield

    @contextmanager
    def _advisory(self, key: int, *, shared: bool = False) -> Iterator[None]:
        kind = "_shared" if shared else ""
        with self._connection() as con:
            con.execute(f"SELECT pg_advisory_lock{kind}(?)", [key])
            try:
                yield
            finally:
                with suppress(psycopg.Error):
                    con.execute(f"SELECT pg_advisory_unlock{kind}(?)", [key])

    def _write(self, work: Callable[[Any], Any], *, bump: bool = True) -> Any:
        with self._connection() as con:
            return _transact(con, work, bump=bump)

    # -- schema --------------------------------------------------------------------------------------------
    def _ensure_schema(self, con: Any) -> None:
        with _WRITE_LOCK if self.embedded else _pg_lock(con, _SCHEMA_LOCK):  # creators of a new database race
            exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
                                 " AND table_schema = current_schema()").fetchone()[0]
            if not exists:
                con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                            " applied_at TIMESTAMP)")
            done = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
            for version, statements in enumerate(MIGRATIONS, start=1):
                if version > done:
                    _transact(con, lambda con, version=version, statements=statements: _migrate(con, version,  # type: ignore[misc]  # defaults bind the loop's values
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

    def _load_catalog(self, con: Any) -> None:
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

        def refresh(con: Any) -> None:
            for table, (columns, rows) in tables.items():
                con.execute(f"DELETE FROM {table}")
                _insert(con, table, columns, rows)  # type: ignore[arg-type]  # rows of the catalog tables
            con.execute("UPDATE meta SET txt = ? WHERE key = 'catalog'", [self.fingerprint])

        _transact(con, refresh)

    def reset(self) -> None:
        """Drop every table and every kept raw file, then recreate the empty schema."""
        with self._connection() as con:
            for kind, name in _OBJECTS:
                con.execute(f"DROP {kind} IF EXISTS {name}")
            shutil.rmtree(self.raw_dir, ignore_errors=True)
            self._ensure_schema(con)

    # -- raw files (embedded: files under data/raw/; PostgreSQL: table raw_file) ------------------------
    def _raw_path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.raw_dir / sha256[:2] / sha256

    def keep_raw(self, data: bytes) -> str:
        """Keep one file under its SHA-256; returns the hash (see :meth:`keep_raws`)."""
        return self.keep_raws([data])[0]

    def keep_raws(self, blobs: Sequence[bytes]) -> list[str]:
        """Keep files under their SHA-256, durably before any submission refers to them: embedded, as files
        (temporary file + atomic rename, then one ``os.sync``, far cheaper than one fsync per file); on
        PostgreSQL, as rows committed together."""
        hashes = [hashlib.sha256(data).hexdigest() for data in blobs]
        if not self.embedded:
            with self._connection() as con, con.raw.transaction():  # one commit (one flush) for the batch
                for sha256, data in zip(hashes, blobs, strict=True):
                    con.execute_binary("INSERT INTO raw_file (sha256, data) VALUES (?, ?)"
                                       " ON CONFLICT (sha256) DO NOTHING", [sha256, data])
            return hashes
        for sha256, data in zip(hashes, blobs, strict=True):
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
        path = self._raw_path(sha256)
        if self.embedded:
            return path.read_bytes()
        with self._connection() as con:
            row = con.execute("SELECT data FROM raw_file WHERE sha256 = ?", [sha256]).fetchone()
        if row is None:
            raise FileNotFoundError(path.name)
        return bytes(row[0])

    def raw_hashes(self) -> list[str]:
        """The SHA-256 of every kept file, in order."""
        if not self.embedded:
            with self._connection() as con:
                return [h for (h,) in con.execute("SELECT sha256 FROM raw_file ORDER BY sha256").fetchall()]
        if not self.raw_dir.is_dir():
            return []
        return sorted(p.name for p in self.raw_dir.glob("??/*") if _SHA256.match(p.name))

    # -- submissions ----------------------------------------------------------------------------------
    def find_submission(self, sha256: str) -> SubmissionRow | None:
        """The submission that received these exact bytes before, if any."""
        with self._connection() as con:
            row = con.execute("SELECT id, unit, period, status, supersedes FROM submission WHERE sha256 = ?",
                              [sha256]).fetchone()
        return SubmissionRow(*row, duplicate=True) if row else None  # type: ignore[misc]  # the row holds the fields before duplicate

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

        def work(con: Any) -> list[SubmissionRow]:
            if not self.embedded:  # writers in other processes store theirs before or after, never between
                con.execute("SELECT pg_advisory_xact_lock(?)", [_SUBMIT_LOCK])
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
            con.execute("UPDATE meta SET num = greatest(num + 1, ?) WHERE key = 'submission_version'",
                        [time.time_ns() // 1000])
            return results

        try:
            return self._write(work)
        except CONSTRAINT_ERRORS:  # another writer stored one of these files meanwhile: now a duplicate
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
            return con.execute(sql, list(params)).df() if self.embedded else con.frame(sql, params)

    def _analytic(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """A read of values, submissions, decisions or PAR scores, in DuckDB's SQL: on the database itself when
        embedded, on the analytics copy (:meth:`analytics_copy`) on PostgreSQL."""
        if self.embedded:
            return self._frame(sql, params)
        with closing(self.analytics_copy().cursor()) as cursor:
            return cursor.execute(sql, list(params)).df()

    def analytics_copy(self) -> duckdb.DuckDBPyConnection:
        """PostgreSQL: the in-process DuckDB copy of the tables in :data:`_LARGE` and :data:`_SMALL`, brought
        up to date first. The versions and the rows are read in one repeatable-read transaction, so the copy is
        one consistent state. Submissions, values and issues are only ever added (a reset or restore starts
        anew), so when ``submission_version`` changed only the submissions the copy lacks are loaded, with
        their values and issues; the small tables are loaded again whenever anything changed."""
        with self._lock, self._connection() as con:
            con.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                versions = dict(con.execute("SELECT key, num FROM meta WHERE key IN ('data_version',"
                                            " 'submission_version')").fetchall())
                copy, loaded = self._copy or (None, {})
                if copy is None or (loaded["submission_version"] != versions["submission_version"]
                                    and not _add_new_submissions(con, copy)):
                    copy = _copy_of(con, (*_LARGE, *_SMALL))
                elif loaded["data_version"] != versions["data_version"]:
                    with closing(copy.cursor()) as cursor:
                        cursor.execute("BEGIN TRANSACTION")
                        for table in _SMALL:
                            cursor.execute(f"DELETE FROM {table}")
                        _copy_tables(con, cursor, _SMALL)
                        cursor.execute("COMMIT")
            finally:
                con.execute("COMMIT")
            self._copy = (copy, versions)
            return copy

    def current_values(self, period: str | None = None, unit: str | None = None) -> pd.DataFrame:
        """``unit, period, indicator, numerator, denominator, value, note, source_cell, submission_id``."""
        return self._analytic("SELECT * FROM current_values WHERE (? IS NULL OR period = ?) AND (? IS NULL OR unit = ?)"
                           " ORDER BY unit, period, indicator", [period, period, unit, unit])

    def counted_values(self, *, approved_only: bool = False) -> pd.DataFrame:
        """The figures that count, in the columns of :meth:`current_values`: each unit and period's current
        report unless Sở Nội vụ returned it; with ``approved_only``, the latest approved report instead (the
        official figures), even when a newer upload waits for approval."""
        verdicts = ("SELECT submission_id, kind FROM (SELECT submission_id, kind, row_number() OVER"
                    " (PARTITION BY submission_id ORDER BY id DESC) AS rn FROM decision"
                    " WHERE kind IN ('approve', 'return')) WHERE rn = 1")
        if not approved_only:
            return self._analytic(f"WITH verdict AS ({verdicts}) SELECT * FROM current_values"
                               " WHERE submission_id NOT IN (SELECT submission_id FROM verdict WHERE kind = 'return')"
                               " ORDER BY unit, period, indicator")
        return self._analytic(
            f"WITH verdict AS ({verdicts}), chosen AS (SELECT s.unit, s.period, max(s.id) AS id FROM submission s"
            " JOIN verdict ON verdict.submission_id = s.id WHERE verdict.kind = 'approve' AND s.status = 'accepted'"
            " GROUP BY s.unit, s.period)"
            " SELECT c.unit, c.period, v.indicator, v.numerator, v.denominator, v.value, v.note, v.source_cell,"
            " v.submission_id FROM chosen c JOIN value v ON v.submission_id = c.id"
            " ORDER BY c.unit, c.period, v.indicator")

    def submissions(self, unit: str | None = None, period: str | None = None) -> pd.DataFrame:
        """Every submission (accepted or rejected) with ``superseded_by`` and its error / warning counts."""
        return self._analytic(
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
        stamp = _stamp(self.path) if self.embedded else None
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

        def work(con: Any) -> int:
            _insert(con, "par_score", _PAR_COLUMNS, data)
            _insert(con, "audit", _AUDIT_COLUMNS, [(at, user, "par.record", "par_score", f"{len(data)} điểm",
                                                    origin)])
            return len(data)

        return self._write(work)

    def par_scores(self, year: int | None = None) -> pd.DataFrame:
        """The latest score per year, unit, criterion and source."""
        return self._analytic(
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
            " strpos(lower(concat_ws(' ', object, detail)), lower(?)) > 0) ORDER BY id DESC LIMIT ?",
            [user, user, action, action, since, since, until, until, text, text, limit])

    # -- evidence files and their appraisal (cchc.evidence) ----------------------------------------------
    def record_evidence(self, items: Sequence[NewEvidence], *, origin: str = "") -> list[int]:
        """Record evidence files (their bytes kept already), each audited, in one transaction; their ids."""
        at = clock.now()

        def work(con: Any) -> list[int]:
            ids = []
            for e in items:
                ids.append(con.execute(
                    f"INSERT INTO evidence ({', '.join(_EVIDENCE_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " RETURNING id", [e.unit, e.year, e.criterion, e.file_name, e.sha256, e.size, e.media_type,
                                      e.note, e.user, at]).fetchone()[0])
                _audit(con, e.user, "evidence.add", f"{e.unit}/{e.year}/{e.criterion}#{ids[-1]}",
                       f"{e.file_name} ({e.sha256[:12]}, {e.size} B)", origin)
            return ids

        return self._write(work)

    def evidence(self, unit: str | None = None, year: int | None = None,
                 criterion: str | None = None) -> pd.DataFrame:
        """``id, unit, year, criterion, file_name, sha256, size, media_type, note, uploaded_by, uploaded_at``,
        by unit, year, criterion and upload order."""
        return self._frame(
            f"SELECT id, {', '.join(_EVIDENCE_COLUMNS)} FROM evidence WHERE (? IS NULL OR unit = ?)"
            " AND (? IS NULL OR year = ?) AND (? IS NULL OR criterion = ?) ORDER BY unit, year, criterion, id",
            [unit, unit, year, year, criterion, criterion])

    def missing_evidence_files(self) -> list[str]:
        """The SHA-256 of evidence files recorded but not kept (a restore or a move checks there are none)."""
        with self._connection() as con:
            wanted = [h for (h,) in con.execute("SELECT DISTINCT sha256 FROM evidence ORDER BY sha256").fetchall()]
        return sorted(set(wanted) - set(self.raw_hashes()))

    def record_appraisal(self, year: int, unit: str, criterion: str, *, score: float | None, comment: str,
                         insufficient: bool, by: str, origin: str = "") -> None:
        """Append an appraisal of one unit, year and criterion (audited); a ``score`` is also recorded as the
        criterion's appraised PAR score, with the comment as its reason, in the same transaction."""
        at = clock.now()

        def work(con: Any) -> None:
            con.execute("INSERT INTO appraisal (year, unit, criterion, score, comment, insufficient, appraised_by,"
                        " appraised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [year, unit, criterion, score, comment, insufficient, by, at])
            if score is not None:
                _insert(con, "par_score", _PAR_COLUMNS, [(year, unit, criterion, "appraised", float(score), by,
                                                          comment, at)])
            _audit(con, by, "evidence.appraise", f"{unit}/{year}/{criterion}",
                   f"{'' if score is None else f'{score:g} điểm; '}{'chưa đủ bằng chứng; ' if insufficient else ''}"
                   f"{comment[:200]}", origin)

        self._write(work)

    def appraisals(self, year: int | None = None, unit: str | None = None) -> pd.DataFrame:
        """The latest appraisal per year, unit and criterion: ``year, unit, criterion, score, comment,
        insufficient, appraised_by, appraised_at``."""
        return self._frame(
            "SELECT year, unit, criterion, score, comment, insufficient, appraised_by, appraised_at FROM ("
            " SELECT *, row_number() OVER (PARTITION BY year, unit, criterion ORDER BY id DESC) AS rn FROM appraisal"
            " WHERE (? IS NULL OR year = ?) AND (? IS NULL OR unit = ?)) AS a WHERE rn = 1"
            " ORDER BY year, unit, criterion", [year, year, unit, unit])

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

        def work(con: Any) -> bool:
            if con.execute("SELECT count(*) FROM account WHERE name = ?", [account.name]).fetchone()[0]:
                return False
            con.execute(f"INSERT INTO account ({', '.join(_ACCOUNT_COLUMNS)}) VALUES ({', '.join('?' * len(row))})",
                        row)
            _audit(con, by, "user.add", account.name, f"role={account.role} units={' '.join(account.units)}", origin)
            return True

        try:
            return self._write(work)
        except CONSTRAINT_ERRORS:  # created by another process meanwhile
            return False

    def update_account(self, name: str, changes: Mapping[str, Any], *, by: str, action: str, detail: str = "",
                       origin: str = "", keep_session: int | None = None) -> bool:
        """Change some of an account's fields and audit it as ``action``; False when there is no such account.
        A new password (``password_changed_at``) or a disabled account ends the account's login sessions in the
        same transaction (all but ``keep_session``: the one a user changed their own password in)."""
        unknown = set(changes) - _ACCOUNT_CHANGES
        if unknown or not changes:
            raise ValueError(f"cannot change account fields {sorted(unknown)}")
        values = {k: " ".join(v) if k == "units" else v for k, v in changes.items()}
        why = "password" if "password_changed_at" in changes else "disabled" if changes.get("active") is False else ""

        def work(con: Any) -> bool:
            found = con.execute(f"UPDATE account SET {', '.join(f'{k} = ?' for k in values)} WHERE name = ?"
                                " RETURNING name", [*values.values(), name]).fetchall()
            if found:
                _audit(con, by, action, name, detail, origin)
            if found and why:
                _end_sessions(con, why, name=name, keep=keep_session)
            return bool(found)

        return self._write(work)

    def record_login(self, name: str, *, ok: bool, origin: str = "", detail: str = "") -> None:
        """Audit a login attempt (``login`` or ``login.failed``); the account keeps its failures in a row."""
        def work(con: Any) -> None:
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

    # -- login sessions (cchc.sessions) ---------------------------------------------------------------------
    def start_session(self, name: str, handoff_hash: str, *, origin: str = "") -> int:
        """A new login session of ``name``, waiting for its browser to claim the cookie with the handoff code."""
        at = clock.now()
        return self._write(lambda con: con.execute(
            "INSERT INTO login_session (account, handoff_hash, created_at, last_seen, origin) VALUES (?, ?, ?, ?, ?)"
            " RETURNING id", [name, handoff_hash, at, at, origin]).fetchone()[0])

    def claim_handoff(self, handoff_hash: str, token_hash: str, *, since: dt.datetime) -> int | None:
        """Trade a handoff code (once, if issued after ``since``) for the cookie token; the session's id."""
        row = self._write(lambda con: con.execute(
            "UPDATE login_session SET token_hash = ?, handoff_hash = NULL WHERE handoff_hash = ? AND created_at >= ?"
            " AND ended_at IS NULL RETURNING id", [token_hash, handoff_hash, since]).fetchone(), bump=False)
        return None if row is None else row[0]

    def login_session(self, *, session_id: int | None = None,
                      token_hash: str | None = None) -> tuple[int, dt.datetime, dt.datetime, Account] | None:
        """(id, created_at, last_seen, account) of a session not ended, by its id or its cookie token's digest."""
        with self._connection() as con:
            row = con.execute(
                f"SELECT s.id, s.created_at, s.last_seen, {', '.join(f'a.{c}' for c in _ACCOUNT_COLUMNS)}"
                " FROM login_session s JOIN account a ON a.name = s.account WHERE s.ended_at IS NULL"
                " AND (s.id = ? OR s.token_hash = ?)", [session_id, token_hash]).fetchone()
        return None if row is None else (row[0], row[1], row[2], _account(row[3:]))

    def touch_session(self, session_id: int, at: dt.datetime) -> None:
        """Note that a session was used (not a change of data: the data version stays)."""
        self._write(lambda con: con.execute("UPDATE login_session SET last_seen = ? WHERE id = ?", [at, session_id]),
                    bump=False)

    def end_sessions(self, why: str, *, name: str | None = None, session_id: int | None = None, by: str = "",
                     origin: str = "") -> int:
        """End one session (``session_id``) or every session of ``name``; audited as ``session.<why>`` when
        ``by`` someone. The number ended."""
        def work(con: Any) -> int:
            ended = _end_sessions(con, why, name=name, session_id=session_id)
            if by:
                _audit(con, by, f"session.{why}", name or f"#{session_id}", f"{ended} phiên", origin)
            return ended

        return self._write(work)

    # -- approvals and period locks (cchc.approval) -------------------------------------------------------
    def record_decision(self, kind: str, period: str, *, by: str, unit: str = "", submission_id: int | None = None,
                        comment: str = "", origin: str = "") -> int:
        """Append an approval (``approve``/``return`` of a unit's report) or a period ``lock``/``reopen``."""
        def work(con: Any) -> int:
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
        return self._analytic(
            "SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER (PARTITION BY period, unit ORDER BY id DESC)"
            " AS rn FROM decision WHERE kind IN (SELECT unnest(?::VARCHAR[])) AND (? IS NULL OR period = ?))"
            " WHERE rn = 1 OR NOT ? ORDER BY period, unit, id DESC", [kinds, period, period, latest])

    def locked_periods(self) -> frozenset[str]:
        """The periods whose latest lock decision is ``lock``."""
        with self._connection() as con:
            rows = con.execute(
                "SELECT period FROM (SELECT period, kind, row_number() OVER (PARTITION BY period ORDER BY id DESC)"
                " AS rn FROM decision WHERE kind IN ('lock', 'reopen')) AS d WHERE rn = 1 AND kind = 'lock'").fetchall()
        return frozenset(p for (p,) in rows)

    # -- backup and restore (cchc.backup) ----------------------------------------------------------------
    def ping(self) -> None:
        """Ask the database something (raises when it does not answer): for the health route."""
        with self._connection() as con:
            con.execute("SELECT 1").fetchone()

    def schema_version(self) -> int:
        with self._connection() as con:
            return con.execute("SELECT max(version) FROM schema_version").fetchone()[0]

    def is_empty(self) -> bool:
        """Whether no data was stored yet (the catalog tables do not count)."""
        return not any(self.row_count(name) for name in BACKUP_TABLES)

    def row_count(self, name: str) -> int:
        """The rows of one table (any table the migrations create)."""
        if ("TABLE", name) not in _OBJECTS:
            raise ValueError(f"unknown table {name!r}")
        with self._connection() as con:
            return con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]

    def table(self, name: str) -> pd.DataFrame:
        """A whole table (any the migrations create), in a stable order (for backups and their checks)."""
        if ("TABLE", name) not in _OBJECTS:
            raise ValueError(f"unknown table {name!r}")
        width = len(self._frame(f"SELECT * FROM {name} LIMIT 0").columns)
        return self._frame(f"SELECT * FROM {name} ORDER BY {', '.join(map(str, range(1, width + 1)))}")

    def export_tables(self, folder: Path) -> dict[str, int]:
        """Write every data and catalog table to ``folder/<table>.parquet`` from one snapshot; rows per table."""
        names = (*BACKUP_TABLES, *CATALOG_TABLES)
        with self._connection() as con:
            if self.embedded:
                con.execute("BEGIN TRANSACTION")
                try:
                    return _write_parquet(con, names, folder)
                finally:
                    con.execute("ROLLBACK")
            con.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                copy = _copy_of(con, names)
            finally:
                con.execute("COMMIT")
        with closing(copy):
            return _write_parquet(copy, names, folder)

    def import_tables(self, folder: Path, names: Sequence[str] = BACKUP_TABLES) -> None:
        """Load the data tables written by :meth:`export_tables` into this empty store, in one transaction,
        and move the id sequences past the loaded ids; ``names``: the data tables the export holds (one made
        before a table's migration lacks it: that table stays empty)."""
        if unknown := set(names) - set(BACKUP_TABLES):
            raise ValueError(f"not data tables: {sorted(unknown)}")

        def work(con: Any) -> None:
            for name in names:
                if con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]:
                    raise ValueError(f"table {name} is not empty")
                path = str(folder / f"{name}.parquet")
                if self.embedded:
                    con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM read_parquet(?)", [path])
                else:
                    _copy_parquet(con, name, path)
            for name, sequence in _SEQUENCES:
                top = con.execute(f"SELECT coalesce(max(id), 0) FROM {name}").fetchone()[0]
                con.execute(f"SELECT max(nextval('{sequence}')) FROM generate_series(1, ?)", [top])
            con.execute("UPDATE meta SET num = greatest(num + 1, ?) WHERE key = 'submission_version'",
                        [time.time_ns() // 1000])

        self._write(work)


class _PgConnection:
    """A psycopg 3 connection speaking the store's SQL: ``?`` parameters, bound on the client (so a NULL
    parameter needs no type, as in DuckDB), autocommit unless a transaction is begun explicitly."""

    def __init__(self, url: str) -> None:
        self.raw = psycopg.connect(url, autocommit=True, cursor_factory=psycopg.ClientCursor, connect_timeout=10)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor:
        return self.raw.execute(sql.replace("%", "%%").replace("?", "%s"), list(params))

    def execute_binary(self, sql: str, params: Sequence[Any]) -> None:
        """Execute with the parameters sent apart from the statement (large ``bytes`` stay binary)."""
        with psycopg.Cursor(self.raw) as cursor:
            cursor.execute(sql.replace("?", "%s"), list(params))

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """The rows as a DataFrame with the dtypes DuckDB's ``.df()`` gives (they pass through DuckDB)."""
        cursor = self.execute(sql, params)
        names = [d.name for d in cursor.description]  # type: ignore[union-attr]  # a query has a description
        types = [_ARROW_TYPES.get(d.type_code, pa.string()) for d in cursor.description]  # type: ignore[union-attr]  # a query has a description
        columns = list(zip(*cursor.fetchall(), strict=True)) or [()] * len(names)
        table = pa.table([pa.array(list(c), type=t) for c, t in zip(columns, types, strict=True)], names=names)
        with closing(_ARROW.cursor()) as duck:
            return duck.from_arrow(table).df()

    def close(self) -> None:
        self.raw.close()


_ARROW = duckdb.connect()  # turns Arrow tables read from PostgreSQL into DataFrames


@contextmanager
def _pg_lock(con: _PgConnection, key: int) -> Iterator[None]:
    con.execute("SELECT pg_advisory_lock(?)", [key])
    try:
        yield
    finally:
        con.execute("SELECT pg_advisory_unlock(?)", [key])


def _copy_of(con: _PgConnection, tables: Sequence[str]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the schema (every migration) and these tables' rows from PostgreSQL."""
    copy = duckdb.connect()
    copy.execute("SET enable_progress_bar = false")  # a server process: no progress bar on its console
    for statements in MIGRATIONS:
        for statement in statements:
            copy.execute(statement)
    _copy_tables(con, copy, tables)
    return copy


def _add_new_submissions(con: _PgConnection, copy: duckdb.DuckDBPyConnection) -> bool:
    """Load into ``copy`` the submissions it lacks, with their values and issues; False (nothing loaded) when
    some of its submissions are no longer stored (a reset): the copy must be made anew."""
    stored = {i for (i,) in con.execute("SELECT id FROM submission").fetchall()}
    with closing(copy.cursor()) as cursor:
        held = {i for (i,) in cursor.execute("SELECT id FROM submission").fetchall()}
        if held - stored:
            return False
        cursor.execute("BEGIN TRANSACTION")
        _copy_tables(con, cursor, _LARGE, submissions=sorted(stored - held))
        cursor.execute("COMMIT")
    return True


def _copy_tables(con: _PgConnection, copy: duckdb.DuckDBPyConnection, tables: Sequence[str], *,
                 submissions: Sequence[int] | None = None) -> None:
    """Stream each table out of PostgreSQL (``COPY … TO STDOUT`` as CSV, through a temporary file) and into
    the same table of the DuckDB ``copy``, which casts each text field to its column's type; only the rows of
    these ``submissions`` when given (tables of :data:`_LARGE`)."""
    with tempfile.TemporaryDirectory(prefix="cchc-copy-") as work:
        for table in tables:
            path = Path(work) / f"{table}.csv"
            query, params = table, None
            if submissions is not None:
                key = "id" if table == "submission" else "submission_id"
                query, params = f"(SELECT * FROM {table} WHERE {key} = ANY(%s::BIGINT[]))", [list(submissions)]
            with path.open("wb") as sink, con.raw.cursor().copy(f"COPY {query} TO STDOUT (FORMAT csv)",
                                                                 params) as rows:
                for block in rows:
                    sink.write(block)
            if path.stat().st_size:
                copy.execute(f"INSERT INTO {table} SELECT * FROM read_csv(?, header = false, all_varchar = true,"
                             " allow_quoted_nulls = false, quote = '\"', escape = '\"', delim = ',')", [str(path)])


def _copy_parquet(con: _PgConnection, table: str, path: str) -> None:
    """Load a Parquet file into a PostgreSQL table by column name (``COPY … FROM STDIN``)."""
    with closing(duckdb.connect()) as duck:
        result = duck.execute("SELECT * FROM read_parquet(?)", [path])
        columns = [f'"{d[0]}"' for d in result.description]
        with con.raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            while batch := result.fetchmany(10_000):
                for row in batch:
                    copy.write_row(row)


def _write_parquet(con: duckdb.DuckDBPyConnection, names: Sequence[str], folder: Path) -> dict[str, int]:
    counts = {}
    for name in names:
        con.sql(f"SELECT * FROM {name} ORDER BY ALL").write_parquet(str(folder / f"{name}.parquet"))
        counts[name] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # type: ignore[index]  # count(*) gives one row
    return counts


def table_checksums(folder: Path, names: Sequence[str]) -> list[tuple[int, str]]:
    """Rows and a SHA-256 over the rows in order of each ``folder/<name>.parquet`` (:meth:`Store.export_tables`)."""
    with closing(duckdb.connect()) as con:
        return [con.execute("SELECT count(*), sha256(coalesce(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR),"
                            " '')) FROM read_parquet(?) AS t",
                            [str(folder / f"{name}.parquet")]).fetchone()  # type: ignore[misc]  # aggregates: one row
                for name in names]


def evidence_hashes(folder: Path) -> set[str]:
    """The SHA-256 of every evidence file the ``folder/evidence.parquet`` written by :meth:`Store.export_tables`
    names (none when a backup predates evidence files)."""
    path = folder / "evidence.parquet"
    if not path.exists():
        return set()
    with closing(duckdb.connect()) as con:
        return {h for (h,) in con.execute("SELECT DISTINCT sha256 FROM read_parquet(?)", [str(path)]).fetchall()}


def _audit(con: Any, user: str, action: str, object: str, detail: str, origin: str) -> None:
    con.execute('INSERT INTO audit ("at", "user", action, object, detail, origin) VALUES (?, ?, ?, ?, ?, ?)',
                [clock.now(), user, action, object, detail, origin])


def _end_sessions(con: Any, why: str, *, name: str | None = None, session_id: int | None = None,
                  keep: int | None = None) -> int:
    """End the open sessions of ``name`` (but ``keep``) or the one ``session_id``; how many."""
    if name is None and session_id is None:
        raise ValueError("which sessions to end?")
    return len(con.execute(
        "UPDATE login_session SET ended_at = ?, ended_why = ?, token_hash = NULL, handoff_hash = NULL"
        " WHERE ended_at IS NULL AND (account = ? OR id = ?) AND id <> coalesce(?, -1) RETURNING id",
        [clock.now(), why, name, session_id, keep]).fetchall())


def _account_values(account: Account) -> list[Any]:
    return [account.name, account.role, " ".join(account.units), account.email, account.password_hash,
            account.active, account.failed_logins, account.locked_until]


@overload
def _account(row: tuple) -> Account: ...


@overload
def _account(row: None) -> None: ...


def _account(row: tuple | None) -> Account | None:
    if row is None:
        return None
    return Account(row[0], row[1], tuple(row[2].split()), *row[3:])


def _migrate(con: Any, version: int, statements: Sequence[str]) -> None:
    for statement in (*statements, *(_POSTGRES_ONLY.get(version, ()) if isinstance(con, _PgConnection) else ())):
        con.execute(statement)
    con.execute("INSERT INTO schema_version VALUES (?, ?)", [version, clock.now()])
    if version == 1:
        con.execute("INSERT INTO meta VALUES ('data_version', ?, NULL), ('catalog', 0, '')", [time.time_ns() // 1000])


def _transact(con: Any, work: Callable[[Any], Any], *, retries: int = 5, bump: bool = True) -> Any:
    """Run ``work`` in one transaction that also bumps the data version (unless not ``bump``: a session's
    bookkeeping, which changes nothing a page shows); retried on a write conflict.
    Embedded, this process's writers take turns (every write touches the data-version row, so concurrent
    threads would otherwise conflict faster than retries resolve it; other processes are kept out by DuckDB's
    file lock). On PostgreSQL the row lock on the data version orders the commits; a deadlock is retried."""
    embedded = not isinstance(con, _PgConnection)
    conflicts = (duckdb.TransactionException,) if embedded else (psycopg.errors.DeadlockDetected,
                                                                 psycopg.errors.SerializationFailure)
    with _WRITE_LOCK if embedded else nullcontext():
        for attempt in range(retries):
            con.execute("BEGIN TRANSACTION")
            try:
                result = work(con)
                if bump:
                    con.execute("UPDATE meta SET num = greatest(num + 1, ?) WHERE key = 'data_version'",
                                [time.time_ns() // 1000])
                con.execute("COMMIT")
                return result
            except conflicts:
                con.execute("ROLLBACK")
                if attempt == retries - 1:
                    raise
            except BaseException:
                with suppress(duckdb.Error, psycopg.Error):
                    con.execute("ROLLBACK")
                raise
    raise AssertionError("unreachable")


def _insert(con: Any, table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert many rows at once: embedded, scanned from an Arrow table (far faster than bound row lists); on
    PostgreSQL, with ``COPY … FROM STDIN``."""
    if not rows:
        return
    if isinstance(con, _PgConnection):
        with con.raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    incoming = pa.table({f"c{i}": list(column) for i, column in enumerate(zip(*rows, strict=True))})
    con.from_arrow(incoming).query("incoming", f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM incoming")


def _stamp(path: Path) -> tuple | None:
    """Identity and change stamps of the database file and its write-ahead log (None if absent)."""
    stamps: list[tuple[int, int, int, int] | None] = []
    for part in (path, path.with_name(path.name + ".wal")):
        try:
            s = part.stat()
        except FileNotFoundError:
            stamps.append(None)
            continue
        stamps.append((s.st_ino, s.st_mtime_ns, s.st_ctime_ns, s.st_size))
    return tuple(stamps) if stamps[0] else None
