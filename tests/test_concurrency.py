"""Many uploads at once, and a process killed in the middle of ingesting.

Concurrency: threads upload through ``ingest_file`` (some the very same bytes at the same moment) while the
command line ingests a folder in another process. DuckDB lets one process hold the file: the other side waits
and, past its busy timeout, gets :class:`StoreBusy` ("try again in a few minutes"), which is what a user sees;
the test retries as the user would. Afterwards every distinct file is stored exactly once.
Crash: a child process ingests in a loop and is killed with SIGKILL at a random moment; the database then
opens and every submission has all of its values or none (and its raw file).
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from cchc import ingest
from cchc.catalog import load_catalog
from cchc.periods import parse_period
from cchc.store import Store, StoreBusy
from tests.hostile import INFO, rezip
from tests.workbooks import build_workbook

pytestmark = pytest.mark.usefixtures("backend")

ROOT = Path(__file__).resolve().parents[1]
UNITS = ("SNV", "SYT", "STP", "STC")
PERIODS = ("2017", "2018", "2019")
ATTEMPTS = 30  # a user pressing "upload" again after "busy" this many times at most


def variant(base: bytes, n: int) -> bytes:
    """The workbook with another reporter name: other bytes, same figures (cheap: no workbook is rebuilt)."""
    return rezip(base, lambda name, data: data.replace("Nguyễn Văn An".encode(), f"Người báo cáo {n}".encode())
                 if name == INFO else data)


def expected_values(unit: str, period: str) -> int:
    catalog = load_catalog()
    return len(catalog.indicators_for(catalog.unit_by_code[unit], parse_period(period).end))


def check_all_or_nothing(store: Store) -> Counter:
    """Every accepted submission holds exactly its file's values, every rejected one none, each has its raw file."""
    submissions = store.submissions()
    counts = Counter(store.table("value")["submission_id"])
    assert set(counts) <= set(submissions["id"])
    for row in submissions.itertuples():
        wanted = expected_values(row.unit, row.period) if row.status == "accepted" else 0
        assert counts.get(row.id, 0) == wanted, (row.id, row.status, counts.get(row.id, 0), wanted)
        assert store.raw_file(row.sha256)
    return Counter(submissions["status"])


def upload_until_stored(store: Store, data: bytes, name: str, busy: list[str]) -> ingest.IngestResult:
    for _ in range(ATTEMPTS):
        try:
            return ingest.ingest_file(store, data, name, user="luong")
        except StoreBusy as error:
            busy.append(str(error))
            time.sleep(0.2)
    raise AssertionError(f"still busy after {ATTEMPTS} attempts")


def test_concurrent_uploads_and_cli_lose_and_duplicate_nothing(tmp_path):
    bases = {(u, p): build_workbook(u, p) for u in UNITS for p in PERIODS}
    files = [variant(bases[key], n) for n, key in enumerate(sorted(bases) * 3)]  # 36 distinct files
    folder = tmp_path / "cli"
    folder.mkdir()
    own = variant(bases[("SNV", "2017")], 999)
    (folder / "a_own.xlsx").write_bytes(own)  # stored first: its raw file shows that the command is storing
    for n, data in enumerate(files[::2]):  # and 18 files the threads upload too
        (folder / f"f{n:02d}.xlsx").write_bytes(data)
    data_dir = tmp_path / "data"
    Store(data_dir).data_version()  # the schema is created before the race starts
    cli = subprocess.Popen([sys.executable, "-m", "cchc", "ingest", str(folder), "--data-dir", str(data_dir)],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results: list[ingest.IngestResult] = []
    busy: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(chunk: list[tuple[int, bytes]]) -> None:
        store = Store(data_dir, busy_timeout=0.5)  # one per thread (the pages share one): both must hold
        for n, data in chunk:
            try:
                result = upload_until_stored(store, data, f"t{n:02d}.xlsx", busy)
            except BaseException as error:  # collected: a thread's exception would otherwise vanish
                errors.append(error)
                return
            with lock:
                results.append(result)

    uploads = list(enumerate(files)) + list(enumerate(files[:8]))  # 8 files uploaded twice, at about once
    random.Random(7).shuffle(uploads)
    threads = [threading.Thread(target=worker, args=(uploads[i::8],)) for i in range(8)]
    for thread in threads[:4]:
        thread.start()
    marker = hashlib.sha256(own).hexdigest()
    while marker not in Store(data_dir).raw_hashes() and cli.poll() is None:  # the others once the command is
        time.sleep(0.01)                                                        # storing (holds the file, embedded)
    for thread in threads[4:]:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    _, err = cli.communicate(timeout=600)
    while cli.returncode == 2 and "đang được một chương trình khác sử dụng" in err:  # busy: run it again
        rerun = subprocess.run(cli.args, cwd=ROOT, capture_output=True, text=True, timeout=600)
        cli.returncode, err = rerun.returncode, rerun.stderr
    assert not errors, errors
    assert cli.returncode == 0, err
    assert all(message.startswith("Cơ sở dữ liệu") for message in busy)
    store = Store(data_dir)
    assert store.embedded or not busy  # PostgreSQL: writers never wait for a "busy" database
    assert Counter(r.status for r in results)["duplicate"] >= 8
    assert len(store.submissions()) == len(files) + 1 == len(set(store.submissions()["sha256"]))
    assert check_all_or_nothing(store) == {"accepted": len(files) + 1}
    latest = store.submissions().groupby(["unit", "period"])["id"].max()
    assert set(store.current_values()["submission_id"]) == set(latest)


_CHILD = """
import sys, itertools
from cchc import ingest
from cchc.store import Store
from tests.test_concurrency import variant
from tests.workbooks import build_workbook
store = Store(sys.argv[1])
bases = [build_workbook(u, "2018") for u in ("SNV", "SYT")] + [b"not a workbook"]
for n in itertools.count(int(sys.argv[2])):  # each run its own files
    data = variant(bases[n % 2], n) if n % 3 else bases[2] + str(n).encode()
    ingest.ingest_file(store, data, f"f{n}.xlsx", user="crash")
    print(n, flush=True)
"""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_ingest_leaves_no_partial_submission(tmp_path, seed):
    data_dir = tmp_path / "data"
    stored = 0
    for round_ in range(2):  # the second round starts on the database the first kill left behind
        child = subprocess.Popen([sys.executable, "-c", _CHILD, str(data_dir), str(round_ * 100_000)], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert child.stdout.readline(), child.stderr.read()  # one file stored: the loop is running
            time.sleep(random.Random(seed * 10 + round_).uniform(0.0, 1.5))
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.communicate()
        assert child.returncode == -signal.SIGKILL
        store = Store(data_dir)
        statuses = check_all_or_nothing(store)
        assert sum(statuses.values()) > stored
        stored = sum(statuses.values())
    result = ingest.ingest_file(Store(data_dir), build_workbook("STP", "2018"), "stp.xlsx", user="sau-su-co")
    assert result.status == "accepted"  # and it still takes new files


def test_no_upload_slips_in_after_a_period_is_locked(tmp_path):
    """Threads upload 2018 reports while the administrator locks 2018: in the audit log's order, every
    accepted 2018 report comes before the lock and every one after it was refused."""
    from cchc import approval
    from cchc.auth import User

    store = Store(tmp_path / "data")
    store.data_version()
    base = build_workbook("SNV", "2018")
    files = [variant(base, n) for n in range(24)]

    def worker(chunk: list[bytes]) -> None:
        for n, data in enumerate(chunk):
            upload_until_stored(Store(tmp_path / "data"), data, f"{n}.xlsx", [])

    threads = [threading.Thread(target=worker, args=(files[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    approval.lock_period(store, User("admin", "quan_tri", (), "10.0.0.1"), "2018")
    for thread in threads:
        thread.join(timeout=600)
    log = store.audit_log(action="submission").sort_values("id")
    lock_id = store.audit_log(action="period.lock")["id"].iloc[0]
    assert (log[log["action"] == "submission.accepted"]["id"] < lock_id).all()
    assert (log[log["id"] > lock_id]["action"] == "submission.refused").all()
    assert len(log[log["action"].isin(["submission.accepted", "submission.refused"])]) == len(files)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # embedded, the others would wait ("busy")
def test_six_processes_ingesting_the_sample_at_once_store_every_file_once(tmp_path):
    """``CCHC_DATABASE_URL=… python -m cchc ingest sample_data`` from six processes at once."""
    command = [sys.executable, "-m", "cchc", "ingest", "sample_data", "--data-dir"]
    runs = [subprocess.Popen([*command, str(tmp_path / str(n))], cwd=ROOT, text=True,  # as the operator
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for n in range(6)]
    outcomes = [(run.communicate(timeout=900), run.returncode) for run in runs]
    assert {code for _, code in outcomes} <= {0, 1}, outcomes  # 1: the run that stored the bad files rejected them
    reference = Store(tmp_path / "one-process", database_url="")  # the same folder, one process, embedded
    ingest.ingest_paths(reference, [ROOT / "sample_data"], user="mot")
    store = Store(tmp_path)
    assert sorted(store.submissions()["sha256"]) == sorted(reference.submissions()["sha256"])  # every file once
    assert store.raw_hashes() == reference.raw_hashes()
    assert values_per_file(store) == values_per_file(reference)  # each with all of its values
    accepted = (store.submissions()["status"] == "accepted").sum()
    assert sum(out.count("đã nhận —") for (out, _), _ in outcomes) == accepted  # each said so by one process


def values_per_file(store: Store) -> dict[str, int]:
    counts = Counter(store.table("value")["submission_id"])
    return {row.sha256: counts.get(row.id, 0) for row in store.submissions().itertuples()}
