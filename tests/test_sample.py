"""The sample data: deterministic generator, committed files accepted, faulty files rejected as intended."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cchc.bootstrap import load_scores
from cchc.catalog import load_catalog
from cchc.cli import main
from cchc.ingest import ingest_paths
from cchc.periods import parse_period
from cchc.progress import progress
from cchc.ranking import ranking
from cchc.sample.generate import DEFAULT_SEED, PERIODS, generate, make_story, sample_figures
from cchc.sample.manifest import (
    BAD_MANIFEST,
    MANIFEST,
    SAMPLE_DIR,
    SCORE_DIR,
    SCORE_MANIFEST,
    read_manifest,
    read_score_manifest,
)
from cchc.sample.scores import ADJUSTED, filled_sheet
from cchc.score_sheet import read_sheet
from cchc.store import Store
from tests.workbooks import check_workbook

UNITS = ("SNV", "VANLAM")
BAD_DIR = SAMPLE_DIR / "bad"


def read_bad_manifest(path: Path) -> list[tuple[str, str]]:
    """(file, intended issue code) for every faulty file listed in ``bad/manifest.csv``."""
    with path.open(encoding="utf-8", newline="") as f:
        return [(r["file"], r["code"]) for r in csv.DictReader(f)]


def _values(path: Path) -> list[tuple]:
    wb = load_workbook(io.BytesIO(path.read_bytes()))
    return [(ws.title, *row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]


def test_generate_same_seed_gives_same_files(tmp_path):
    first = generate(tmp_path / "a", seed=7, units=UNITS)
    second = generate(tmp_path / "b", seed=7, units=UNITS)
    assert first == second
    for entry in first:
        assert (tmp_path / "a" / entry.file).read_bytes() == (tmp_path / "b" / entry.file).read_bytes(), entry.file
    assert (tmp_path / "a" / MANIFEST).read_bytes() == (tmp_path / "b" / MANIFEST).read_bytes()


def test_generate_other_seed_gives_other_values(tmp_path):
    generate(tmp_path / "a", seed=7, units=("SNV",))
    generate(tmp_path / "b", seed=8, units=("SNV",))
    assert _values(tmp_path / "a/2018/SNV_2018.xlsx") != _values(tmp_path / "b/2018/SNV_2018.xlsx")


def test_generated_workbook_holds_the_story_figures(tmp_path):
    generate(tmp_path, seed=7, units=("VANLAM",))
    story, catalog = make_story(7), load_catalog()
    figures = sample_figures(story, catalog.unit_by_code["VANLAM"], "2019-H1", catalog)
    rows = {r[1]: r for r in _values(tmp_path / "2019/VANLAM_2019-H1.xlsx") if r[0] == "Số liệu" and r[1]}
    assert rows["2d.2"][4:6] == (figures["2d.2"].numerator, figures["2d.2"].denominator)
    assert rows["2d.2"][5] == 11  # Văn Lâm's communes
    assert rows["6d.1"][6] in ("Có", "Không")


def _truth(story, unit: str, code: str, period: str):
    return story.stories[unit].truth(load_catalog().indicator_by_code[code], period)


@pytest.mark.parametrize("unit", ["SNV", "KHOAICHAU", "TTT"])
def test_story_half_years_add_up_to_the_year(unit):
    story = make_story()
    for code in ("2d.5", "2d.3", "6d.3"):
        year, *halves = (_truth(story, unit, code, p) for p in ("2020", "2020-H1", "2020-H2"))
        assert (year.value or 0) == sum(h.value or 0 for h in halves), code
        assert (year.denominator or 0) == sum(h.denominator or 0 for h in halves), code
    assert _truth(story, unit, "6dd.1", "2020") == _truth(story, unit, "6dd.1", "2020-H2")  # a stock


def test_story_dossier_counts_agree():
    story = make_story()
    for unit in load_catalog().reporting_units():
        for period in PERIODS:
            on_time, late = _truth(story, unit.code, "2d.4", period), _truth(story, unit.code, "2d.6", period)
            assert late.value == on_time.denominator - on_time.numerator
            assert _truth(story, unit.code, "2dd.1", period).denominator == _truth(story, unit.code, "2d.5",
                                                                                    period).value


def test_sample_manifest_matches_the_files():
    entries = read_manifest(SAMPLE_DIR / MANIFEST)
    on_disk = {p.relative_to(SAMPLE_DIR).as_posix() for p in SAMPLE_DIR.glob("20*/*.xlsx")}
    assert {e.file for e in entries} == on_disk
    assert [e.received_at for e in entries] == sorted(e.received_at for e in entries)
    late = [e for e in entries if e.received_at.date() > parse_period(e.period).deadline]
    assert 0.05 < len(late) / len(entries) < 0.2
    units = {u.code for u in load_catalog().reporting_units()}
    expected = len(units) * len(PERIODS)
    assert expected - 8 <= len({(e.unit, e.period) for e in entries}) < expected


def test_sample_has_one_correction_received_later():
    entries = read_manifest(SAMPLE_DIR / MANIFEST)
    corrections = [e for e in entries if e.file.endswith("_v2.xlsx")]
    assert len(corrections) == 1
    first = next(e for e in entries if e.file == corrections[0].file.replace("_v2", ""))
    assert first.received_at < corrections[0].received_at


def test_sample_data_stays_small():
    assert sum(p.stat().st_size for p in SAMPLE_DIR.rglob("*") if p.is_file()) < 5 * 1024 * 1024


def test_every_sample_file_is_accepted():
    rejected = {}
    for entry in read_manifest(SAMPLE_DIR / MANIFEST):
        _, report = check_workbook((SAMPLE_DIR / entry.file).read_bytes(), entry.file)
        if not report.ok:
            rejected[entry.file] = report.flatten(("cell", "code"))
    assert rejected == {}


@pytest.mark.parametrize(("name", "code"), read_bad_manifest(BAD_DIR / BAD_MANIFEST))
def test_bad_sample_file_is_rejected_with_its_code(name, code):
    _, report = check_workbook((BAD_DIR / name).read_bytes(), name)
    assert {issue.code for issue in report.errors} == {code}


def test_bad_samples_are_a_dozen_different_mistakes():
    listed = read_bad_manifest(BAD_DIR / BAD_MANIFEST)
    assert len(listed) >= 12
    assert len({code for _, code in listed}) >= 12
    assert {name for name, _ in listed} == {p.name for p in BAD_DIR.iterdir() if p.suffix != ".md"} - {BAD_MANIFEST}


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    """Every sample file ingested once (the score sheets are not reports: rejected), then the sample's scores."""
    store = Store(tmp_path_factory.mktemp("sample_store"))
    first = ingest_paths(store, [SAMPLE_DIR], user="test")
    load_scores(store, SAMPLE_DIR)
    return store, first


def test_ingesting_sample_data_twice_stores_nothing_new(sample_store):
    store, first = sample_store
    before = (store.submissions(), store.current_values())
    second = ingest_paths(store, [SAMPLE_DIR], user="test")
    assert {r.status for r in first} == {"accepted", "rejected"}
    assert {r.status for r in second} == {"duplicate"}
    assert store.submissions().equals(before[0])
    assert store.current_values().equals(before[1])


def test_sample_command_explains_an_unwritable_folder(capsys, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    assert main(["sample", "--out", str(blocker), "--seed", "3"]) == 2
    assert "Không ghi được vào" in capsys.readouterr().err


SCORE_ENTRIES = read_score_manifest(SAMPLE_DIR / SCORE_DIR / SCORE_MANIFEST)


@pytest.mark.parametrize("entry", SCORE_ENTRIES, ids=lambda e: e.file)
def test_sample_score_sheet_reads_without_issues(entry):
    rows, issues = read_sheet((SAMPLE_DIR / entry.file).read_bytes())
    assert issues == []
    assert {(r["year"], r["source"]) for r in rows} == {(entry.year, s) for s in ("self", "appraised", "survey")}
    appraised = [r for r in rows if r["source"] == "appraised"]
    assert len(appraised) == ADJUSTED[entry.block] and all(r["reason"] for r in appraised)
    own = {(r["unit"], r["criterion"]): r["score"] for r in rows if r["source"] == "self"}
    assert all(r["score"] < own[r["unit"], r["criterion"]] for r in appraised)   # the council lowers


def test_sample_score_sheets_cover_the_years_and_blocks():
    assert [(e.year, e.block) for e in SCORE_ENTRIES] == [(y, b) for y in range(2016, 2021) for b in ("so", "huyen")]
    assert {p.name for p in (SAMPLE_DIR / SCORE_DIR).glob("*.xlsx")} == {e.file.split("/")[1] for e in SCORE_ENTRIES}


def test_sample_score_sheet_regenerates_byte_identical():
    story = make_story(DEFAULT_SEED)
    data = filled_sheet(story.stories, 2020, "huyen", load_catalog(), DEFAULT_SEED)
    assert data == (SAMPLE_DIR / SCORE_DIR / "2020_huyen.xlsx").read_bytes()


def test_sample_ranking_2020_spreads_over_the_tiers(sample_store):
    store, _ = sample_store
    catalog = load_catalog()
    prog = progress(store.current_values(), catalog, province=False)
    so, huyen = (ranking(2020, b, prog, store.par_scores(), catalog).set_index("unit") for b in ("so", "huyen"))
    for table in (so, huyen):
        assert set(table["tier"]) == {"tot", "kha", "trung_binh", "yeu"}
        assert table["index"].max() - table["index"].min() > 25
        assert (table["rank_change"] != 0).sum() >= 3          # ranks move from 2019 to 2020
        assert table["unscored"].max() == 0
    assert so.loc[["VPUB", "STNMT"], "rank"].max() <= 3 and huyen.loc["TPHY", "rank"] <= 2   # early achievers
    assert so.loc["STTTT", "rank"] == len(so) and huyen.loc["VANGIANG", "rank"] == len(huyen)   # slipped back
    assert huyen.loc["TIENLU", "rank"] >= len(huyen) - 2                                       # stalled
