"""Ingest speed: read + validate + normalise + store N filled workbooks into a fresh data folder.

Run ``python benchmarks/ingest.py [--files 500] [--baseline-files 100]`` on an otherwise idle machine.
The workbooks come from the real template writer filled with the sample story (one per reporting unit and
period, periods in time order, so the implausible-change check has previous values to compare with). In the
same run a naive baseline reads files with ``pandas.read_excel`` (openpyxl engine) and inserts row by row
with ``duckdb`` ``execute``; it runs on the first ``--baseline-files`` files (it is slow) and is compared as
files per second. Goal: at least 200 files/s and at least 5 times the baseline. The product parses every file
in a resource-limited worker process (:mod:`cchc.sandbox`); the run also reads the files once in-process and
once through the worker and prints the isolation's cost per file.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cchc import layout, sandbox  # noqa: E402
from cchc.catalog import load_catalog  # noqa: E402
from cchc.ingest import ingest_paths  # noqa: E402
from cchc.periods import all_periods  # noqa: E402
from cchc.read import read_workbook  # noqa: E402
from cchc.sample.generate import filled_workbook, make_story, received_at  # noqa: E402
from cchc.sandbox import read_all  # noqa: E402
from cchc.store import Store  # noqa: E402
from cchc.templates import workbook_bytes  # noqa: E402


def generate(folder: Path, count: int) -> list[Path]:
    """``count`` filled workbooks, period by period, every reporting unit in each."""
    catalog, story = load_catalog(), make_story()
    pairs = [(unit, period.code) for period in all_periods() for unit in catalog.reporting_units()
             if unit.valid_between(period.start, period.end)]
    paths = []
    for n, (unit, period) in enumerate(pairs[:count]):
        path = folder / f"{n:04d}_{unit.code}_{period}.xlsx"
        wb = filled_workbook(story, unit, period, catalog, received_at(story, unit.code, period))
        path.write_bytes(workbook_bytes(wb))
        paths.append(path)
    return paths


class Timer:
    """Wall-clock and CPU seconds of this process and its ended children, the reader workers (stopped before the
    timer ends); the CPU figure does not grow when other work shares the CPUs."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, _cpu() - self.cpu


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def ingest(paths: list[Path], folder: Path) -> Timer:
    """Ingest every file into an empty data folder with the product's pipeline."""
    store = Store(folder)
    store.data_version()  # the schema exists before timing, as in the dashboard or a second CLI run
    with Timer() as timer:
        results = ingest_paths(store, paths, user="benchmark")
        sandbox.pool().close()  # the workers' CPU counts once they have ended
    statuses = {s: sum(r.status == s for r in results) for s in ("accepted", "rejected", "duplicate")}
    assert statuses["accepted"] == len(paths), statuses
    return timer


def isolation(paths: list[Path]) -> tuple[Timer, Timer]:
    """Reading every file in-process, and through the limited workers in batches as a batch ingest does (the
    worker started before, stopped inside the timer so that its CPU counts)."""
    files = [(p.read_bytes(), p.name) for p in paths]
    with Timer() as inline:
        for file in files:
            read_workbook(*file)
    list(read_all(files[:1]))
    with Timer() as isolated:
        list(read_all(files))
        sandbox.pool().close()
    return inline, isolated


def naive(paths: list[Path], folder: Path) -> Timer:
    """The naive way: pandas.read_excel(openpyxl) and one INSERT per row."""
    con = duckdb.connect(str(folder / "naive.duckdb"))
    con.execute("CREATE TABLE submission (id INTEGER, unit VARCHAR, period VARCHAR, filename VARCHAR)")
    con.execute("CREATE TABLE value (submission_id INTEGER, indicator VARCHAR, numerator DOUBLE, "
                "denominator DOUBLE, value VARCHAR, note VARCHAR)")
    with Timer() as timer:
        for n, path in enumerate(paths, start=1):
            store_naively(con, n, path)
    con.close()
    return timer


def store_naively(con: duckdb.DuckDBPyConnection, n: int, path: Path) -> None:
    """One file the naive way: every sheet through pandas, one INSERT per row (autocommit)."""
    sheets = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
    info = {str(r[0]).strip(): r[1] for r in sheets[layout.SHEET_INFO].iloc[:, :2].itertuples(index=False)}
    data = sheets[layout.SHEET_DATA]
    header = next(i for i, row in data.iterrows() if layout.COL_CODE in row.tolist())
    table = data.iloc[header + 1:]
    table.columns = data.iloc[header].tolist()
    con.execute("INSERT INTO submission VALUES (?, ?, ?, ?)",
                [n, str(info.get(layout.INFO_UNIT_CODE)), str(info.get(layout.INFO_PERIOD)), path.name])
    for row in table.itertuples(index=False):
        fields = dict(zip(table.columns, row, strict=True))
        numbers = [pd.to_numeric(fields.get(c), errors="coerce") for c in (layout.COL_NUMERATOR,
                                                                           layout.COL_DENOMINATOR)]
        con.execute("INSERT INTO value VALUES (?, ?, ?, ?, ?, ?)",
                    [n, str(fields[layout.COL_CODE]), *(None if pd.isna(x) else float(x) for x in numbers),
                     str(fields.get(layout.COL_VALUE)), str(fields.get(layout.COL_NOTE))])




def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--baseline-files", type=int, default=100)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as tmp:
        root = Path(tmp)
        (root / "files").mkdir()
        started = time.perf_counter()
        paths = generate(root / "files", args.files)
        size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
        print(f"generated {len(paths)} workbooks ({size:.1f} KiB each) in {time.perf_counter() - started:.1f} s; "
              f"{os.cpu_count()} CPUs")
        product = ingest(paths, root / "product")
        inline, isolated = isolation(paths)
        subset = paths[:args.baseline_files]
        baseline = naive(subset, root)
    n, m = len(paths), len(subset)
    print(f"product : {n / product.wall:7.1f} files/s  {n / product.cpu:7.1f} files per CPU-second  ({n} files: "
          "read + validate + normalise + store)")
    print(f"baseline: {m / baseline.wall:7.1f} files/s  {m / baseline.cpu:7.1f} files per CPU-second  ({m} files: "
          "pandas.read_excel(openpyxl) + row INSERTs)")
    print(f"ratio   : {(n / product.wall) / (m / baseline.wall):7.1f}x wall, "
          f"{(n / product.cpu) / (m / baseline.cpu):.1f}x per CPU-second   (goal: >= 200 files/s and >= 5x)")
    print(f"isolation: {1000 * (isolated.wall - inline.wall) / n:+.2f} ms wall, "
          f"{1000 * (isolated.cpu - inline.cpu) / n:+.2f} ms CPU per file (reading alone: "
          f"{1000 * inline.cpu / n:.2f} ms CPU in-process, {1000 * isolated.cpu / n:.2f} ms through the worker, both "
          "processes counted)")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work on the machine slows the "
          "wall-clock figures, not the CPU ones)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
