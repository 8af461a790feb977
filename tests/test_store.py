"""The store on both backends: schema and migrations, one atomic write per submission, history, raw files;
busy files (embedded)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from cchc.report import make_issue
from cchc.store import CONSTRAINT_ERRORS, MIGRATIONS, NewSubmission, Store, StoreBusy, previous_period
from tests.conftest import embedded_only

pytestmark = pytest.mark.usefixtures("backend")

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Row:  # a ValueRow-like record (the store reads attributes only)
    indicator: str | None
    numerator: float | None = None
    denominator: float | None = None
    value: float | None = None
    note: str = ""
    source_cell: str = ""


VALUES = (Row("2d.3", 40, 50, 80.0, "", "D12"), Row("1a.1", value=7.0, source_cell="F5"))


def submission(data: bytes = b"file", status: str = "accepted", unit: str = "SNV", period: str = "2018",
               values=VALUES, issues=()) -> NewSubmission:
    return NewSubmission(sha256=hashlib.sha256(data).hexdigest(), filename="bc.xlsx", size=len(data), user="an",
                         status=status, unit=unit, period=period, values=tuple(values), issues=tuple(issues))


def count(store: Store, table: str) -> int:
    return store.row_count(table)


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "data")


def test_store_creates_schema_and_catalog_tables(store):
    assert store.submissions().empty
    assert (count(store, "schema_version"), count(store, "unit"), count(store, "period")) == (len(MIGRATIONS), 29, 35)
    assert count(store, "indicator") == len(store.catalog.indicators)


def test_store_migrations_are_idempotent(store):
    version = store.data_version()
    again = Store(store.data_dir)
    assert again.submissions().empty
    assert count(again, "schema_version") == len(MIGRATIONS)
    assert again.data_version() == version


def test_store_rejected_file_keeps_issues_but_no_values(store):
    issue = make_issue("not-a-number", sheet="Số liệu", cell="E12", indicator="2d.3", value="abc")
    row = store.record_submission(submission(status="rejected", issues=[issue]))
    assert (row.status, row.supersedes, row.duplicate) == ("rejected", None, False)
    assert count(store, "value") == 0
    assert store.issues(row.id)[["sheet", "cell", "code"]].values.tolist() == [["Số liệu", "E12", "not-a-number"]]
    assert store.submissions()[["status", "errors", "warnings"]].values.tolist() == [["rejected", 1, 0]]
    assert store.current_values().empty


def test_store_accepted_file_is_all_or_nothing(store):
    broken = submission(values=[Row("2d.3", 40, 50, 80.0), Row(None, value=1.0)])  # NOT NULL fails mid-write
    with pytest.raises(CONSTRAINT_ERRORS):
        store.record_submission(broken)
    assert [count(store, t) for t in ("submission", "value", "issue", "audit")] == [0, 0, 0, 0]


def test_store_newer_accepted_file_supersedes_and_keeps_history(store):
    first = store.record_submission(submission(b"v1"))
    second = store.record_submission(submission(b"v2", values=[Row("1a.1", value=9.0, source_cell="F5")]))
    assert second.supersedes == first.id
    history = store.submissions(unit="SNV", period="2018")
    assert history[["id", "supersedes", "superseded_by"]].astype(object).where(history.notna(), None).values.tolist() \
        == [[first.id, None, second.id], [second.id, first.id, None]]
    assert store.current_values()[["indicator", "value", "submission_id"]].values.tolist() == [["1a.1", 9.0, second.id]]
    assert store.current_submission("SNV", "2018") == second.id


def test_store_rejected_file_does_not_supersede(store):
    first = store.record_submission(submission(b"v1"))
    store.record_submission(submission(b"bad", status="rejected"))
    assert store.current_submission("SNV", "2018") == first.id


def test_store_same_bytes_are_not_stored_twice(store):
    first = store.record_submission(submission(b"same"))
    again = store.record_submission(replace(submission(b"same"), user="binh"))
    assert (again.id, again.duplicate) == (first.id, True)
    assert store.find_submission(submission(b"same").sha256).id == first.id
    assert store.find_submission(submission(b"other").sha256) is None
    assert (count(store, "submission"), count(store, "value")) == (1, 2)
    assert store.audit_log()["action"].tolist() == ["submission.duplicate", "submission.accepted"]


def test_store_batch_recognises_duplicates_within_itself(store):
    rows = store.record_submissions([submission(b"a"), submission(b"b", unit="STP"), submission(b"a")])
    assert [(r.id, r.duplicate) for r in rows] == [(1, False), (2, False), (1, True)]


def test_store_data_version_changes_on_every_write_only(store):
    versions = [store.data_version()]
    store.current_values(), store.submissions()
    versions.append(store.data_version())
    store.record_submission(submission())
    versions.append(store.data_version())
    store.audit("an", "login")
    versions.append(store.data_version())
    store.reset()
    versions.append(store.data_version())
    assert versions[0] == versions[1] < versions[2] < versions[3] < versions[4]


def test_store_keeps_raw_files_by_hash(store):
    sha = store.keep_raw(b"workbook bytes")
    assert sha == hashlib.sha256(b"workbook bytes").hexdigest()
    assert store.keep_raw(b"workbook bytes") == sha
    assert store.raw_file(sha) == b"workbook bytes" and store.raw_hashes() == [sha]
    if store.embedded:
        assert (store.data_dir / "raw" / sha[:2] / sha).read_bytes() == b"workbook bytes"
        assert [p.name for p in (store.data_dir / "raw").rglob("*") if p.is_file()] == [sha]
    with pytest.raises(ValueError):
        store.raw_file("../../etc/passwd")


def test_store_reset_drops_everything(store):
    sha = store.keep_raw(b"x")
    store.record_submission(submission(b"x"))
    store.reset()
    assert store.submissions().empty and store.audit_log().empty
    assert store.raw_hashes() == [] and not (store.data_dir / "raw" / sha[:2] / sha).exists()
    assert count(store, "unit") == 29


@embedded_only  # pure: no store
@pytest.mark.parametrize(("code", "previous"), [
    ("2018", "2017"), ("2016", None), ("2018-H1", "2017-H2"), ("2018-H2", "2018-H1"), ("2018-Q1", "2017-Q4"),
    ("2018-Q3", "2018-Q2"), ("garbage", None),
])
def test_previous_period(code, previous):
    assert previous_period(code) == previous


def test_store_previous_values_come_from_the_previous_period_of_the_same_kind(store):
    store.record_submission(submission(b"2017", period="2017"))
    store.record_submission(submission(b"h2", period="2017-H2", values=[Row("1a.1", value=3.0)]))
    assert store.previous_values("SNV", "2018") == {"2d.3": 80.0, "1a.1": 7.0}
    assert store.previous_values("SNV", "2018-H1") == {"1a.1": 3.0}
    assert store.previous_values("STP", "2018") == {}


def test_store_par_scores_latest_entry_wins(store):
    store.record_par_scores([{"year": 2018, "unit": "SNV", "criterion": "1.1", "source": "self", "score": 2.0}], "an")
    store.record_par_scores([{"year": 2018, "unit": "SNV", "criterion": "1.1", "source": "self", "score": 1.5,
                              "reason": "thẩm định lại"}], "binh")
    store.record_par_scores([{"year": 2019, "unit": "SNV", "criterion": "1.1", "source": "survey", "score": 3}], "an")
    assert store.par_scores(2018)[["score", "entered_by", "reason"]].values.tolist() == [[1.5, "binh", "thẩm định lại"]]
    assert len(store.par_scores()) == 2
    with pytest.raises(ValueError):
        store.record_par_scores([{"year": 2018, "unit": "SNV", "criterion": "1", "source": "guess", "score": 1}], "a")


HOLD = ("import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('held', flush=True);"
        " time.sleep(float(sys.argv[2]))")


def hold(store: Store, seconds: float) -> subprocess.Popen:
    """Another process that keeps the database file open for ``seconds``."""
    store.data_version()  # the file exists before the other process opens it
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(store.path), str(seconds)], stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout.readline().strip() == "held"
    return process


@embedded_only
def test_store_busy_file_raises_a_clear_message(tmp_path):
    store = Store(tmp_path, busy_timeout=0.3)
    process = hold(store, 5)
    try:
        with pytest.raises(StoreBusy, match="đang được một chương trình khác sử dụng"):
            store.current_values()
    finally:
        process.kill()
        process.wait()


@embedded_only
def test_store_waits_for_a_briefly_busy_file(tmp_path):
    store = Store(tmp_path, busy_timeout=20)
    process = hold(store, 0.5)
    store.record_submission(submission())
    process.wait()
    assert len(store.submissions()) == 1


def test_store_analytics_follow_writes_of_other_processes(store, tmp_path):
    """On PostgreSQL the figures come from a DuckDB copy: it takes in another process's new submissions (only
    those) and a reset; embedded, the same reads see the same."""
    store.record_submission(submission(b"one"))
    assert len(store.current_values()) == 2
    copy = store.analytics_copy() if not store.embedded else None
    other = Store(store.data_dir)  # another process, as far as the store can tell
    second = other.record_submission(submission(b"two", unit="STP", values=[Row("1a.1", value=3.0)]))
    other.record_decision("approve", "2018", by="admin", unit="STP", submission_id=second.id)
    assert store.current_values()[["unit", "value"]].values.tolist() == [["SNV", 7.0], ["SNV", 80.0], ["STP", 3.0]]
    assert store.decisions("approval")["submission_id"].tolist() == [second.id]
    assert store.embedded or store.analytics_copy() is copy  # extended, not loaded anew
    other.reset()
    assert store.current_values().empty and store.submissions().empty and store.decisions("approval").empty
