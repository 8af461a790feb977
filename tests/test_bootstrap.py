"""First start: the database is created once from the sample, reused after, and a reset stays clean."""

import threading

import pytest

from cchc.bootstrap import SAMPLE_ACTION, ensure_database, load_sample, load_scores, sample_loaded
from cchc.sample.generate import generate
from cchc.sample.manifest import MANIFEST, SAMPLE_DIR, SCORE_DIR, SCORE_MANIFEST, read_manifest, read_score_manifest
from cchc.score_sheet import read_sheet
from cchc.store import DB_FILE, Store

UNITS = ("SKHDT", "PHUCU")  # SKHDT sends the corrected 2019 report


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    generate(out, units=UNITS)
    return out


def test_ensure_database_creates_then_reuses(tmp_path, sample_dir):
    entries = read_manifest(sample_dir / MANIFEST)
    first = ensure_database(tmp_path / "data", sample_dir)
    second = ensure_database(tmp_path / "data", sample_dir)
    assert (first.created, first.loaded) == (True, len(entries))
    assert (second.created, second.loaded) == (False, 0)
    store = Store(tmp_path / "data")
    assert len(store.submissions()) == len(entries)
    assert sample_loaded(store)
    assert not (tmp_path / "data" / ".bootstrap").exists()


def test_ensure_database_replays_upload_times_users_and_the_correction(tmp_path, sample_dir):
    ensure_database(tmp_path, sample_dir)
    subs = Store(tmp_path).submissions().set_index("filename")
    for entry in read_manifest(sample_dir / MANIFEST):
        name = entry.file.split("/")[-1]
        assert subs.loc[name, "uploaded_at"].to_pydatetime() == entry.received_at, name
        assert subs.loc[name, "uploaded_by"] == entry.uploaded_by
        assert subs.loc[name, "status"] == "accepted"
    assert subs.loc["SKHDT_2019_v2.xlsx", "supersedes"] == subs.loc["SKHDT_2019.xlsx", "id"]


def test_ensure_database_two_sessions_at_once_load_once(tmp_path, sample_dir):
    barrier, results = threading.Barrier(2), []

    def start() -> None:
        barrier.wait()
        results.append(ensure_database(tmp_path, sample_dir))

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.created for r in results) == [False, True]
    assert len(Store(tmp_path).submissions()) == len(read_manifest(sample_dir / MANIFEST))


def test_reset_database_stays_empty_on_next_start(tmp_path, sample_dir):
    ensure_database(tmp_path, sample_dir)
    store = Store(tmp_path)
    store.reset()
    again = ensure_database(tmp_path, sample_dir)
    assert (again.created, again.loaded) == (False, 0)
    assert (tmp_path / DB_FILE).exists()
    assert store.submissions().empty
    assert not sample_loaded(store)


def test_load_sample_twice_stores_nothing_new(tmp_path, sample_dir):
    store = Store(tmp_path)
    load_sample(store, sample_dir)
    before = store.submissions()
    load_sample(store, sample_dir)
    assert store.submissions().equals(before)
    assert (store.audit_log()["action"] == SAMPLE_ACTION).sum() == 2


def test_load_scores_records_the_sample_sheets_with_who_entered_them(tmp_path):
    store = Store(tmp_path)
    entries = read_score_manifest(SAMPLE_DIR / SCORE_DIR / SCORE_MANIFEST)
    sheets = {e.file: read_sheet((SAMPLE_DIR / e.file).read_bytes()) for e in entries}
    assert all(issues == [] for _, issues in sheets.values())
    assert load_scores(store, SAMPLE_DIR) == sum(len(rows) for rows, _ in sheets.values())
    stored = store.par_scores()
    assert sorted(stored["year"].unique()) == [2016, 2017, 2018, 2019, 2020]
    own = stored[stored["source"] == "self"]
    assert (own["entered_by"] == own["unit"].str.lower()).all()          # each unit's account
    council = stored[stored["source"] != "self"]
    appraisers = {(e.year, e.block): e.appraised_by for e in entries}
    assert set(council["entered_by"]) <= set(appraisers.values()) and council["entered_by"].str.len().min() > 0
    assert (stored.loc[stored["source"] == "appraised", "reason"].str.len() > 10).all()
    assert load_scores(store, SAMPLE_DIR) == 0 and store.par_scores().equals(stored)   # not twice


def test_load_scores_without_score_sheets_records_nothing(tmp_path, sample_dir):
    store = Store(tmp_path)
    assert load_scores(store, sample_dir) == 0 and store.par_scores().empty
