"""Check and store received workbooks: read → validate → normalise → store, one file or whole folders.

:func:`check_file` is the dry run the upload page shows before storing; :func:`ingest_file` stores one file
(the raw bytes always, then the submission with its values, or the rejection with its issues);
:func:`ingest_paths` walks folders and stores many files quickly: one connection for the whole batch, the
store's history held in memory, submissions committed in groups (each file stays atomic) and, on request,
worker processes that read and validate ahead while this process stores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cchc import layout
from cchc.catalog import Catalog, load_catalog
from cchc.normalise import Submission, normalise
from cchc.periods import PeriodError, parse_period, previous_period
from cchc.read import RawWorkbook, read_workbook
from cchc.report import Report
from cchc.validate import validate

if TYPE_CHECKING:  # worker processes import this module: cchc.store (pandas, DuckDB) is imported where used
    from cchc.store import Store, SubmissionRow

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
GROUP = 256  # files committed together by ingest_paths (fewer, larger transactions cost less CPU)
POOL_MIN_FILES = 100  # with fewer files, starting worker processes costs more than they save
WINDOW = 16  # files handed to the workers ahead of the one being stored
_MAX_TEXT = 100  # unit / period texts of a rejected file are kept this long at most


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
class IngestResult:
    filename: str
    status: str  # 'accepted' | 'rejected' | 'duplicate'
    submission_id: int
    unit: str
    period: str
    report: Report
    supersedes: int | None


def check_file(data: bytes, filename: str, store: History | None = None, catalog: Catalog | None = None, *,
               lang: str = "vi") -> Checked:
    """Read, validate and normalise a file without storing anything; ``store`` tells about earlier files."""
    previous = store.previous_values if store is not None else None
    return _relate(_examine(data, filename, previous, catalog or load_catalog(), lang), store)


def _examine(data: bytes, filename: str, previous: Callable[[str, str], Mapping[str, float]] | None,
             catalog: Catalog, lang: str = "vi") -> Checked:
    """The file on its own: read, validate (against ``previous(unit, period)``) and normalise."""
    raw, issues = read_workbook(data, filename, lang=lang)
    report = Report(list(issues))
    unit, period = _identity(raw)
    submission = None
    if raw is not None:
        report.extend(validate(raw, catalog, previous(unit, period) if previous and unit and period else None,
                               lang=lang).issues)
        if report.ok:
            submission = normalise(raw, catalog)
            unit, period = submission.unit, submission.period
    return Checked(filename, hashlib.sha256(data).hexdigest(), len(data), report, submission, unit, period, None,
                   None)


def _relate(checked: Checked, store: History | None) -> Checked:
    """The file against earlier ones: the submission holding the same bytes, the report it would replace."""
    if store is None:
        return checked
    duplicate = store.find_submission(checked.sha256)
    supersedes = store.current_submission(checked.unit, checked.period) if checked.submission is not None else None
    return replace(checked, duplicate_of=duplicate.id if duplicate else None, supersedes=supersedes)


def ingest_file(store: Store, data: bytes, filename: str, *, user: str,
                received_at: dt.datetime | None = None) -> IngestResult:
    """Check and store one file; the raw bytes are kept whatever the outcome."""
    with store.session():
        checked = check_file(data, filename, store, store.catalog)
        return _record(store, [(checked, data)], user, received_at)[0]


def ingest_paths(store: Store, paths: Iterable[str | Path], *, user: str,
                 progress: Callable[[int, int], None] | None = None, workers: int = 1) -> list[IngestResult]:
    """Ingest every workbook in ``paths`` (folders walked recursively), in name order.

    ``workers=2`` reads and validates in two worker processes when there are many files (the outcome is the
    same). Worker processes re-import the main module, so use it from a guarded ``__main__`` (the CLI does).
    """
    files = find_workbooks(paths)
    results: list[IngestResult] = []
    with store.session():
        history = _RunHistory(store)
        pooled = workers > 1 and len(files) >= POOL_MIN_FILES
        remaining = (_checks_in_pool(files, history, store.catalog, workers) if pooled else
                     _checks(files, history, store.catalog))
        while group := list(islice(remaining, GROUP)):
            results += _record(store, group, user, None)
            if progress is not None:
                progress(len(results), len(files))
    return results


def _checks(files: Sequence[Path], history: _RunHistory, catalog: Catalog) -> Iterator[tuple[Checked, bytes]]:
    """Each file checked in order, the batch's history noted as it goes."""
    for path in files:
        data = path.read_bytes()
        checked = check_file(data, str(path), history, catalog)
        history.note(checked)
        yield checked, data


def _checks_in_pool(files: Sequence[Path], history: _RunHistory, catalog: Catalog,
                    workers: int) -> Iterator[tuple[Checked, bytes]]:
    """As :func:`_checks`, with the reading and validating done ahead in worker processes.

    A worker looks up the previous period's values in a shared copy of the history; if this process (which
    notes files in order) then holds different values for that lookup, the file is checked again here, so the
    outcome is exactly that of :func:`_checks`.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():  # never fork a process running DuckDB threads
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
    else:
        context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        history.mirror = manager.dict(history.current_values)
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(catalog, history.mirror)) as pool:
            yield from _checks_ahead(files, history, catalog, pool)


def _checks_ahead(files: Sequence[Path], history: _RunHistory, catalog: Catalog,
                  pool: ProcessPoolExecutor) -> Iterator[tuple[Checked, bytes]]:
    window: deque[tuple[Path, bytes, Future]] = deque()
    paths = iter(files)
    while True:
        while len(window) < WINDOW and (path := next(paths, None)) is not None:
            data = path.read_bytes()
            window.append((path, data, pool.submit(_examine_in_worker, data, str(path))))
        if not window:
            return
        path, data, future = window.popleft()
        checked, asked = future.result()
        if asked is not None and asked[1] != history.previous_values(*asked[0]):
            checked = _examine(data, str(path), history.previous_values, catalog)
        checked = _relate(checked, history)
        history.note(checked)
        yield checked, data


_worker: dict[str, object] = {}  # in a worker process: the catalog and the shared history


def _start_worker(catalog: Catalog, shared: Mapping) -> None:
    _worker.update(catalog=catalog, shared=shared)


def _examine_in_worker(data: bytes, filename: str) -> tuple[Checked, tuple | None]:
    """:func:`_examine` in a worker process; also says which previous values it looked up and found."""
    asked = None
    shared: Mapping = _worker["shared"]  # type: ignore[assignment]

    def previous(unit: str, period: str) -> Mapping[str, float]:
        nonlocal asked
        asked = ((unit, period), shared.get((unit, previous_period(period) or ""), {}))
        return asked[1]

    return _examine(data, filename, previous, _worker["catalog"]), asked  # type: ignore[arg-type]


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


def _record(store: Store, pending: Sequence[tuple[Checked, bytes]], user: str,
            received_at: dt.datetime | None) -> list[IngestResult]:
    from cchc.store import NewSubmission

    store.keep_raws([data for _, data in pending])
    items = []
    for checked, _ in pending:
        s = checked.submission
        items.append(NewSubmission(
            sha256=checked.sha256, filename=Path(checked.filename).name, size=checked.size, user=user,
            status="accepted" if s is not None else "rejected", unit=checked.unit, period=checked.period,
            received_at=received_at, template_version=s.template_version if s else "",
            reporter=s.reporter if s else "", report_date=s.report_date if s else None,
            values=s.values if s else (), issues=tuple(checked.report.issues)))
    rows = store.record_submissions(items)
    return [IngestResult(checked.filename, "duplicate" if row.duplicate else row.status, row.id, row.unit,
                         row.period, checked.report, row.supersedes) for (checked, _), row in zip(pending, rows,
                                                                                                   strict=True)]


class _RunHistory:
    """The store's history held in memory for one batch, and kept up to date as the batch's files are checked."""

    def __init__(self, store: Store) -> None:
        from cchc.store import SubmissionRow

        submissions = store.submissions()
        self._by_sha = {r.sha256: SubmissionRow(r.id, r.unit, r.period, r.status, None, True)
                        for r in submissions.itertuples()}
        accepted = submissions[submissions["status"] == "accepted"]
        self._current = {(r.unit, r.period): r.id for r in accepted.itertuples()}  # ids ascend: the last wins
        self.current_values: dict[tuple[str, str], dict[str, float]] = {}
        for r in store.current_values().dropna(subset=["value"]).itertuples():
            self.current_values.setdefault((r.unit, r.period), {})[r.indicator] = r.value
        self.mirror: MutableMapping | None = None  # a copy of current_values shared with worker processes
        self._seen: set[str] = set()

    def find_submission(self, sha256: str) -> SubmissionRow | None:
        return self._by_sha.get(sha256)

    def current_submission(self, unit: str, period: str) -> int | None:
        return self._current.get((unit, period))

    def previous_values(self, unit: str, period: str) -> dict[str, float]:
        return self.current_values.get((unit, previous_period(period) or ""), {})

    def note(self, checked: Checked) -> None:
        """A checked file of this batch: when it will be stored as accepted, its values become current."""
        new = checked.duplicate_of is None and checked.sha256 not in self._seen
        self._seen.add(checked.sha256)
        if new and checked.submission is not None:
            s = checked.submission
            values = {v.indicator: v.value for v in s.values if v.value is not None}
            self.current_values[(s.unit, s.period)] = values
            if self.mirror is not None:
                self.mirror[(s.unit, s.period)] = values
