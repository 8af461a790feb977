"""The hostile corpus (tests/hostile.py) through the upload function and the command line.

Bounds, per file through ``ingest_file``: under ``TIME_BOUND`` seconds (a guard against hangs and blow-ups on a
shared, loaded machine, not a speed check: a normal file takes ~0.3–1 s, mostly the store's disk sync) and a
rise of the process's peak resident memory under ``MEMORY_BOUND_MIB`` (read from ``VmHWM`` after resetting it
through ``/proc/self/clear_refs``, so calamine's Rust allocations count too; a normal file adds ~20 MiB).
The command-line run of the whole corpus stays under ``CLI_MEMORY_BOUND_MIB`` peak (the child's own
``ru_maxrss`` from ``os.wait4``) and ``CLI_TIME_BOUND`` seconds.
A rejected file leaves exactly its rejection record (one submission row, its issues, the raw bytes) and no
value; an accepted one keeps its texts exactly; the store keeps working after every case.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cchc import export, ingest
from cchc.store import Store
from tests import hostile
from tests.workbooks import build_workbook

ROOT = Path(__file__).resolve().parents[1]
TIME_BOUND = 10.0
MEMORY_BOUND_MIB = 256
CLI_TIME_BOUND = 300
CLI_MEMORY_BOUND_MIB = 1024
_VIETNAMESE = re.compile(r"[À-ỹ]")


def _status(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field)) // 1024


def reset_peak() -> int:
    """Reset the peak resident size to the current one (Linux ≥ 4.0) and return it, in MiB."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")
    return _status("VmRSS:")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("hostile") / "data")
    store.catalog  # noqa: B018 - loaded before the first measurement
    return store


def test_corpus_is_large_and_distinct():
    assert len(hostile.CASES) >= 30
    assert len({c.id for c in hostile.CASES}) == len(hostile.CASES)


@pytest.mark.parametrize("case", hostile.CASES, ids=[c.id for c in hostile.CASES])
def test_hostile_upload(store, case):
    data = case.build()
    submissions, values = len(store.table("submission")), len(store.table("value"))
    base = reset_peak()
    start = time.monotonic()
    result = ingest.ingest_file(store, data, case.filename, user="kiem-thu")
    elapsed, grown = time.monotonic() - start, _status("VmHWM:") - base
    assert elapsed < TIME_BOUND and grown < MEMORY_BOUND_MIB, (elapsed, grown)
    assert result.status == case.outcome, [i.code for i in result.report.errors]
    stored = store.submissions().set_index("id").loc[result.submission_id]
    assert stored["filename"] == ingest.safe_filename(case.filename)
    assert len(store.table("submission")) == submissions + 1
    assert len(stored["filename"]) <= 255 and not re.search(r"[\x00-\x1f\x7f]", stored["filename"])
    assert store.raw_file(stored["sha256"]) == data
    if case.outcome == "rejected":
        errors = result.report.errors
        assert {i.code for i in errors} & set(case.codes), [i.code for i in errors]
        assert all(_VIETNAMESE.search(i.message) and len(i.text()) < 300 for i in errors)
        assert len(store.table("value")) == values
        assert len(store.issues(result.submission_id)) == len(result.report.issues)
    else:
        assert len(store.current_values(unit="SNV", period="2018")) == len(store.table("value")) - values


def test_store_still_works_after_the_corpus(store):
    result = ingest.ingest_file(store, build_workbook("SYT", "2019"), "syt.xlsx", user="kiem-thu")
    assert result.status == "accepted"
    assert set(store.submissions()["status"]) == {"accepted", "rejected"}


@pytest.mark.parametrize(("case_id", "field", "expected"), [
    ("rtl-and-emoji", "note", hostile.RTL_EMOJI),
    ("note-at-limit", "note", "ư" * 2_000),
    ("formula-text", "note", hostile.FORMULA_TEXTS[1]),
    ("control-characters", "note", hostile.CONTROL),
])
def test_accepted_texts_are_kept_exactly(tmp_path, case_id, field, expected):
    store = Store(tmp_path / "data")
    case = next(c for c in hostile.CASES if c.id == case_id)
    ingest.ingest_file(store, case.build(), case.filename, user="kiem-thu")
    values = store.current_values(unit="SNV", period="2018").set_index("indicator")
    assert values.loc["1a.1", field] == expected


def test_exports_neutralise_formula_injection_and_control_characters(tmp_path):
    frames = []
    for case_id in ("formula-text", "control-characters"):  # both SNV 2018: one store each
        store, case = Store(tmp_path / case_id), next(c for c in hostile.CASES if c.id == case_id)
        ingest.ingest_file(store, case.build(), case.filename, user="kiem-thu")
        frames.append(store.current_values())
    frame = pd.concat(frames, ignore_index=True)
    notes = set(frame["note"])
    assert {hostile.FORMULA_TEXTS[1], hostile.CONTROL} <= notes
    text = export.csv_bytes(frame).decode("utf-8-sig")
    assert "'" + hostile.FORMULA_TEXTS[1].replace('"', '""') in text and "\x01" not in text
    sheet = openpyxl.load_workbook(io.BytesIO(export.values_xlsx(frame, "2018"))).active
    cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + hostile.FORMULA_TEXTS[1] in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@")) or re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", c)]


@pytest.mark.parametrize("text", [*hostile.FORMULA_TEXTS, "\t=1+1", "\r=1+1"])
def test_neutralise_keeps_formulas_as_text(text):
    assert export.neutralise(text) == "'" + text


def test_hostile_corpus_through_the_cli(tmp_path):
    folder = tmp_path / "nop"
    folder.mkdir()
    names = []
    for n, case in enumerate(hostile.CASES):
        name = f"{n:02d}_{ingest.safe_filename(case.filename)[-80:]}"  # as a file system allows
        (folder / name).write_bytes(case.build())
        names.append(name)
    run = subprocess.run([sys.executable, "-c", _MEASURED_CLI, "ingest", str(folder), "--data-dir",
                          str(tmp_path / "d")], cwd=tmp_path, capture_output=True, text=True,
                         timeout=CLI_TIME_BOUND, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr[-2000:]
    assert int(run.stderr.split("PEAK_MIB ")[1].split()[0]) < CLI_MEMORY_BOUND_MIB
    assert all(f"{name}: " in run.stdout for name in names)
    accepted = sum(case.outcome == "accepted" for case in hostile.CASES)
    assert (f"Tổng cộng {len(names)} tệp: {accepted} đã nhận, {len(names) - accepted} bị từ chối"
            in run.stdout)
    assert len(Store(tmp_path / "d").table("submission")) == len(names)
    assert not list(tmp_path.rglob("PWNED"))


# the command line, reporting its peak resident memory (its own and its worker processes') on stderr
_MEASURED_CLI = (
    "import resource, sys\n"
    "from cchc.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "peak = max(resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
    "print('PEAK_MIB', peak // 1024, file=sys.stderr)\n"
    "sys.exit(code)\n")
