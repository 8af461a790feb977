"""Read untrusted workbooks in worker processes with hard limits, so no file can take the server down.

:func:`read_isolated` runs :func:`cchc.read.read_workbook` in a small pool of reused workers (``python -m
cchc.sandbox``, started once and kept; a plain subprocess, so whatever runs as ``__main__`` — Streamlit, the
command line, pytest — is never re-imported). Each worker limits its address space (``RLIMIT_AS``) and, per
file, its CPU time (``RLIMIT_CPU``, raised by the budget before every batch because it counts the process's
whole life); the parent waits at most :data:`WALL_SECONDS` per file. A worker that aborts (calamine's failed
allocations abort, with no Python exception), is killed by a limit or does not answer in time is discarded,
and the file comes back refused with ``resource-limit``; the server, the command-line batch and every other
upload carry on. Only the files' bytes go to the worker and only the small :class:`~cchc.read.RawWorkbook`
comes back; a batch (:func:`read_all`) goes in one round trip, and when it breaks a worker, its files are
read again one by one so that only the culprit is refused.
"""

from __future__ import annotations

import atexit
import os
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path

from cchc.read import RawWorkbook, read_workbook
from cchc.report import Issue, make_issue

MEMORY_BYTES = 1024 * 1024 * 1024  # address space of a worker (the reader needs ~150 MiB of it)
CPU_SECONDS = 5  # per file; a report takes a few milliseconds
WALL_SECONDS = 20  # per file, also when the machine is busy; a worker that takes longer is killed
WORKERS = 2
BATCH_FILES, BATCH_BYTES = 32, 16 * 1024 * 1024  # a batch (one round trip) holds at most this much …
BATCH_SECONDS = 0.05  # … and may take this much longer per extra file before the worker is killed
_ROOT = str(Path(__file__).resolve().parents[1])

Result = tuple[RawWorkbook | None, list[Issue]]


def _serve(requests: Connection, answers: Connection, memory: int, cpu: int) -> None:
    """A worker: read each batch of files sent, under the limits, and send back what ``read_workbook`` gives."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        while True:
            files, lang = requests.recv()
            usage = resource.getrusage(resource.RUSAGE_SELF)
            spent = int(usage.ru_utime + usage.ru_stime) + 1
            resource.setrlimit(resource.RLIMIT_CPU, (spent + cpu * len(files), resource.RLIM_INFINITY))
            answers.send([_packed(read_workbook(data, filename, lang=lang)) for data, filename in files])
    except EOFError:  # the parent has gone
        return
    except MemoryError:
        os._exit(3)  # the parent reports resource-limit


def _packed(result: Result) -> tuple:
    raw, issues = result
    return raw and raw.packed(), issues


class _Worker:
    def __init__(self, memory: int, cpu: int) -> None:
        theirs_in, self_out = os.pipe()
        self_in, theirs_out = os.pipe()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (_ROOT, os.environ.get("PYTHONPATH")))),
               "RUST_BACKTRACE": "0"}  # an aborting reader logs one line, not a backtrace
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cchc.sandbox", str(theirs_in), str(theirs_out), str(memory), str(cpu)],
            pass_fds=(theirs_in, theirs_out), env=env, stdin=subprocess.DEVNULL)
        os.close(theirs_in)
        os.close(theirs_out)
        self.requests, self.answers = Connection(self_out, readable=False), Connection(self_in, writable=False)

    def alive(self) -> bool:
        return self.process.poll() is None

    def read(self, files: Sequence[tuple[bytes, str]], lang: str, wall: float) -> list[Result]:
        self.requests.send((files, lang))
        if not self.answers.poll(wall):
            raise TimeoutError
        return [(raw and RawWorkbook.unpacked(raw), issues) for raw, issues in self.answers.recv()]

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.requests.close()
        self.answers.close()


class Pool:
    """At most ``size`` workers, each reading one batch of files at a time; idle ones are kept for the next."""

    def __init__(self, size: int = WORKERS, *, memory: int = MEMORY_BYTES, cpu: int = CPU_SECONDS,
                 wall: float = WALL_SECONDS) -> None:
        self.memory, self.cpu, self.wall = memory, cpu, wall
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    def read(self, data: bytes, filename: str = "", lang: str = "vi") -> Result:
        return self.read_batch([(data, filename)], lang)[0]

    def read_batch(self, files: Sequence[tuple[bytes, str]], lang: str = "vi") -> list[Result]:
        """Every (data, filename) read in one round trip to a worker. When the worker dies or hangs on the batch,
        each file is read again on its own, so only the file that broke it is refused (``resource-limit``)."""
        results = self._attempt(files, lang)
        if results is not None:
            return results
        if len(files) > 1:
            return [self.read(data, filename, lang) for data, filename in files]
        limit = f"{self.memory // 1024 // 1024} MiB, {self.cpu} s CPU, {self.wall:g} s"
        return [(None, [make_issue("resource-limit", lang=lang, limit=limit)])]

    def _attempt(self, files: Sequence[tuple[bytes, str]], lang: str) -> list[Result] | None:
        with self._slots:
            worker = self._take()
            try:
                results = worker.read(files, lang, self.wall + BATCH_SECONDS * (len(files) - 1))
            except (EOFError, OSError, TimeoutError):  # died (abort, signal from a limit) or hung
                worker.stop()
                return None
            with self._lock:
                self._idle.append(worker)
            return results

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.stop()
        return _Worker(self.memory, self.cpu)

    def close(self) -> None:
        with self._lock:
            for worker in self._idle:
                worker.stop()
            self._idle.clear()


_POOL: Pool | None = None
_POOL_LOCK = threading.Lock()


def pool() -> Pool:
    """The process's pool of reader workers (started on first use, stopped at exit)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = Pool()
            atexit.register(_POOL.close)
        return _POOL


def read_isolated(data: bytes, filename: str = "", lang: str = "vi") -> Result:
    """:func:`cchc.read.read_workbook` of ``data`` in a limited worker process; ``resource-limit`` when the
    worker dies or hangs on it."""
    return pool().read(data, filename, lang)


def read_all(files: Sequence[tuple[bytes, str]], lang: str = "vi") -> Iterator[Result]:
    """:func:`read_isolated` of every (data, filename), in order, sent to a worker in batches (a round trip per
    file would cost more than the reading; reading the next batch ahead in a thread cost more than it saved)."""
    for batch in _batches(files):
        yield from pool().read_batch(batch, lang)


def _batches(files: Sequence[tuple[bytes, str]]) -> Iterator[list[tuple[bytes, str]]]:
    batch: list[tuple[bytes, str]] = []
    for file in files:
        if batch and (len(batch) == BATCH_FILES or sum(len(d) for d, _ in batch) + len(file[0]) > BATCH_BYTES):
            yield batch
            batch = []
        batch.append(file)
    if batch:
        yield batch


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False),
           int(sys.argv[3]), int(sys.argv[4]))
