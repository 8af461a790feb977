"""Check and store received workbooks: read → validate → normalise → store, one file or whole folders.

:func:`check_file` is the dry run the upload page shows before storing; :func:`ingest_file` stores one file
(the raw bytes always, then the submission with its values, or the rejection with its issues);
:func:`ingest_paths` walks folders and :func:`ingest_uploads` stores many files quickly: one connection for the
whole batch, the store's history held in memory, and submissions committed in groups (each file stays
atomic). Every file is parsed in a reused, resource-limited worker process (:mod:`cchc.sandbox`); a batch sends
its files there in groups, one round trip each (per file, the round trips cost more than the reading).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Protocol

from cchc import layout
from cchc.approval import refusal
from cchc.auth import User, operator
from cchc.catalog import Catalog, load_catalog
from cchc.frames import tuples
from cchc.normalise import Submission, normalise
from cchc.periods import PeriodError, parse_period, previous_period
from cchc.read import RawWorkbook
from cchc.report import Report
from cchc.sandbox import Result, read_all, read_isolated
from cchc.store import NewSubmission, Store, SubmissionRow
from cchc.validate import validate

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
GROUP = 256  # files committed together by ingest_paths (fewer, larger transactions cost less CPU)
_MAX_TEXT = 100  # unit / period texts of a rejected file are kept this long at most
MAX_FILENAME_CHARS = 255
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")  # «txt.exe» tricks


class History(Protocol):
    """What checking a file asks about earlier submissions (a :class:`Store` answers)."""

    def find_submission(self, sha256: str) -> SubmissionRow | None: ...
    def current_submission(self, unit: str, period: str) -> int | None: ...
    def previous_values(self, unit: str, period: str) -> dict[str, float]: ...


@dataclass(frozen=True)
class Checked:
    """A dry run: the report, the normalised submission when valid, and how it relates to earlier files."""

    filename: str
    sha256: str
    size: int
    report: Report
    submission: Submission | None
    unit: str  # as the file names them, also when rejected ("" when unreadable)
    period: str
    duplicate_of: int | None  # the submission that already holds these exact bytes
    supersedes: int | None  # the accepted report of the same unit and period it would replace


@dataclass(frozen=True)
class Upload:
    """A received file, who sent it and when (``None``: now)."""

    data: bytes
    filename: str
    user: User | str
    received_at: dt.datetime | None = None

    @property
    def actor(self) -> User:
        return self.user if isinstance(self.user, User) else operator(self.user)


@dataclass(frozen=True)
class IngestResult:
    filename: str
    status: str  # 'accepted' | 'rejected' | 'duplicate' | 'refused' (not this user's unit, or a locked period)
    submission_id: int | None  # None when refused: only the raw bytes and an audit row are kept
    unit: str
    period: str
    report: Report
    supersedes: int | None


def check_file(data: bytes, filename: str, store: History | None = None, catalog: Catalog | None = None, *,
               lang: str = "vi", parsed: Result | None = None) -> Checked:
    """Read (in a limited worker process: :mod:`cchc.sandbox`), validate and normalise a file without storing
    anything; ``store`` tells about earlier files; ``parsed``: what the reader gave, when a batch read it."""
    catalog = catalog or load_catalog()
    raw, issues = parsed or read_isolated(data, filename, lang)
    report = Report(list(issues))
    unit, period = _identity(raw)
    submission = None
    if raw is not None:
        previous = store.previous_values(unit, period) if store is not None and unit and period else None
        report.extend(validate(raw, catalog, previous, lang=lang).issues)
        if report.ok:
            submission = normalise(raw, catalog)
            unit, period = submission.unit, submission.period
    sha256 = hashlib.sha256(data).hexdigest()
    duplicate = store.find_submission(sha256) if store is not None else None
    supersedes = store.current_submission(unit, period) if store is not None and submission is not None else None
    return Checked(filename, sha256, len(data), report, submission, unit, period,
                   duplicate.id if duplicate else None, supersedes)


def ingest_file(store: Store, data: bytes, filename: str, *, user: User | str,
                received_at: dt.datetime | None = None) -> IngestResult:
    """Check and store one file; the raw bytes are kept whatever the outcome. ``user`` uploads it: a
    :class:`~cchc.auth.User`, or the name of a trusted local process (:func:`cchc.auth.operator`). A file of a
    unit the user may not submit for, or of a locked period, is refused (:func:`cchc.approval.refusal`)."""
    with store.session():  # one file: ask the store itself, no batch history to build
        checked = check_file(data, filename, store, store.catalog)
        return _record(store, [(checked, Upload(data, filename, user, received_at))])[0]


def ingest_paths(store: Store, paths: Iterable[str | Path], *, user: User | str,
                 progress: Callable[[int, int], None] | None = None) -> list[IngestResult]:
    """Ingest every workbook in ``paths`` (folders walked recursively), in name order."""
    files = find_workbooks(paths)
    uploads = (Upload(path.read_bytes(), str(path), user) for path in files)
    return ingest_uploads(store, uploads, total=len(files), progress=progress)


def ingest_uploads(store: Store, uploads: Iterable[Upload], *, total: int | None = None,
                   progress: Callable[[int, int], None] | None = None) -> list[IngestResult]:
    """Check and store uploads in order, each as its own uploader and time: one connection for the batch,
    the store's history held in memory, submissions committed in groups (each file stays atomic)."""
    results: list[IngestResult] = []
    with store.session():
        history = _RunHistory(store)
        remaining = iter(uploads)
        while group := list(islice(remaining, GROUP)):
            pending = []
            parsed = read_all([(upload.data, upload.filename) for upload in group])
            for upload, read in zip(group, parsed, strict=True):
                checked = check_file(upload.data, upload.filename, history, store.catalog, parsed=read)
                history.note(checked)
                pending.append((checked, upload))
            results += _record(store, pending)
            if progress is not None:
                progress(len(results), total or len(results))
    return results


def safe_filename(name: str) -> str:
    """A received file's name as it is stored and shown: the last part of the path, without control or
    text-direction characters, at most :data:`MAX_FILENAME_CHARS` characters (a long name keeps its suffix)."""
    kept = "".join(ch for ch in Path(name).name if unicodedata.category(ch) != "Cc" and ch not in _BIDI)
    suffix = Path(kept).suffix[:16]
    return kept if len(kept) <= MAX_FILENAME_CHARS else kept[:MAX_FILENAME_CHARS - len(suffix)] + suffix


def find_workbooks(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the workbooks found under folders named (Office lock files like ``~$x.xlsx`` skipped).

    A file named explicitly is always taken, so a wrong file gets its ``not-a-workbook`` answer.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            found.append(path)
            continue
        found += [p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in SUFFIXES
                  and not p.name.startswith(("~$", ".~"))]
    return found


def _identity(raw: RawWorkbook | None) -> tuple[str, str]:
    """The unit and period a file names (period normalised when it parses), for rejected files too."""
    if raw is None:
        return "", ""
    unit = raw.info_text(layout.INFO_UNIT_CODE).upper()[:_MAX_TEXT]
    period = raw.info_text(layout.INFO_PERIOD)[:_MAX_TEXT]
    with suppress(PeriodError):
        period = parse_period(period).code
    return unit, period


def _record(store: Store, pending: Sequence[tuple[Checked, Upload]]) -> list[IngestResult]:
    store.keep_raws([upload.data for _, upload in pending])
    with store.writing():  # no lock decision of another thread between the check and the write
        locked = store.locked_periods()
        refusals = [refusal(upload.actor, checked.unit, checked.period, locked) for checked, upload in pending]
        items = []
        for (checked, upload), refused in zip(pending, refusals, strict=True):
            s, actor, received_at = checked.submission, upload.actor, upload.received_at
            if refused is not None:
                store.audit(actor.name, "submission.refused", f"{checked.unit}/{checked.period}",
                            f"{safe_filename(checked.filename)}: {refused.code} ({checked.sha256[:12]})",
                            origin=actor.origin)
                continue
            items.append(NewSubmission(
                sha256=checked.sha256, filename=safe_filename(checked.filename), size=checked.size, user=actor.name,
                status="accepted" if s is not None else "rejected", unit=checked.unit, period=checked.period,
                received_at=received_at, template_version=s.template_version if s else "",
                reporter=s.reporter if s else "", report_date=s.report_date if s else None,
                values=s.values if s else (), issues=tuple(checked.report.issues), origin=actor.origin))
        rows = iter(store.record_submissions(items) if items else ())
    results = []
    for (checked, _), refused in zip(pending, refusals, strict=True):
        if refused is not None:
            results.append(IngestResult(checked.filename, "refused", None, checked.unit, checked.period,
                                        Report([refused]), None))
            continue
        row = next(rows)
        results.append(IngestResult(checked.filename, "duplicate" if row.duplicate else row.status, row.id,
                                    row.unit, row.period, checked.report, row.supersedes))
    return results


class _RunHistory:
    """The store's history held in memory for one batch, and kept up to date as the batch's files are checked."""

    def __init__(self, store: Store) -> None:
        submissions = store.submissions()
        self._by_sha = {r.sha256: SubmissionRow(r.id, r.unit, r.period, r.status, None, True)
                        for r in tuples(submissions, index=True)}
        accepted = submissions[submissions["status"] == "accepted"]
        self._current = {(r.unit, r.period): r.id for r in tuples(accepted, index=True)}  # ids ascend: the last wins
        self._values: dict[tuple[str, str], dict[str, float]] = {}
        for r in tuples(store.current_values().dropna(subset=["value"]), index=True):
            self._values.setdefault((r.unit, r.period), {})[r.indicator] = r.value
        self._seen: set[str] = set()

    def find_submission(self, sha256: str) -> SubmissionRow | None:
        return self._by_sha.get(sha256)

    def current_submission(self, unit: str, period: str) -> int | None:
        return self._current.get((unit, period))

    def previous_values(self, unit: str, period: str) -> dict[str, float]:
        return self._values.get((unit, previous_period(period) or ""), {})

    def note(self, checked: Checked) -> None:
        """A checked file of this batch: when it will be stored as accepted, its values become current."""
        new = checked.duplicate_of is None and checked.sha256 not in self._seen
        self._seen.add(checked.sha256)
        if new and checked.submission is not None:
            s = checked.submission
            self._values[(s.unit, s.period)] = {v.indicator: v.value for v in s.values if v.value is not None}
