"""Hand-computed cases that the view API, the command-line exports and the pages must all agree on.

One small story is stored through the real ingest path (indicator 2d.3: "> 80 %" by 2020, block sở):

| unit  | 2016    | 2020 (annual)           | 2020-H2 | what it tests                                  |
|-------|---------|-------------------------|---------|------------------------------------------------|
| SNV   | 70/100  | 80/100, approved        | 90/100  | annual beats H2; a strict target met exactly   |
| STP   | 50/100  | –                       | 85/100  | only H2: the year view shows no figure         |
| SYT   | 0/0     | 60/100                  | –       | 0/0 is no data; a target missed in its year    |
| STC   | –       | 95/100, returned        | –       | a returned report does not count               |
| STTTT | –       | 100/100                 | –       | a unit missing from the baseline year          |

The block's 2020 figure: (80 + 60 + 100) / 300 = 80 %, exactly at "> 80": not achieved, from 3 units where the
baseline (2016: SNV and STP, SYT's 0/0 left out) had 2.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from cchc import approval, auth, cli, config, views
from cchc.auth import User
from cchc.catalog import load_catalog
from cchc.i18n import KEY_BLOCK, KEY_OFFICIAL, KEY_PERIOD, KEY_UNIT
from cchc.ingest import ingest_file
from cchc.store import Store
from tests.workbooks import build_workbook

APP = str(Path(__file__).resolve().parents[1] / "app.py")
ADMIN = User("admin", "quan_tri", (), "test")
CODE = "2d.3"
REPORTS = [  # unit, period, numerator, denominator
    ("SNV", "2016", 70, 100), ("SNV", "2020", 80, 100), ("SNV", "2020-H2", 90, 100),
    ("STP", "2016", 50, 100), ("STP", "2020-H2", 85, 100),
    ("SYT", "2016", 0, 0), ("SYT", "2020", 60, 100),
    ("STC", "2020", 95, 100),
    ("STTTT", "2020", 100, 100),
]
CASES = [  # unit, period, official → value, status, source
    ("SNV", "2020", False, 80.0, "not_achieved", "2020"),
    ("SNV", "2020-H2", False, 90.0, "achieved", "2020-H2"),
    ("STP", "2020", False, math.nan, "no_data", ""),
    ("STP", "2020-H2", False, 85.0, "achieved", "2020-H2"),
    ("SYT", "2016", False, math.nan, "no_data", ""),
    ("SYT", "2020", False, 60.0, "not_achieved", "2020"),
    ("STC", "2020", False, math.nan, "no_data", ""),
    ("STTTT", "2020", False, 100.0, "achieved", "2020"),
    ("SNV", "2020", True, 80.0, "not_achieved", "2020"),
    ("SYT", "2020", True, math.nan, "no_data", ""),
    ("STC", "2020", True, math.nan, "no_data", ""),
]
STATUS_WORDS = {"achieved": "Đã đạt mục tiêu", "not_achieved": "Không đạt", "no_data": "Chưa có số liệu"}


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("story") / "data"
    store = Store(directory)
    for unit, period, numerator, denominator in REPORTS:
        data = build_workbook(unit, period, update={CODE: {"numerator": numerator, "denominator": denominator,
                                                           "value": None}})
        assert ingest_file(store, data, f"{unit}_{period}.xlsx", user=ADMIN).status == "accepted"
    approval.approve(store, ADMIN, "SNV", "2020")
    approval.return_report(store, ADMIN, "STC", "2020", "Số liệu chưa khớp sổ theo dõi.")
    return directory


@pytest.fixture
def story_env(story, monkeypatch) -> Path:
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setenv(config.ENV_DATA_DIR, str(story))
    monkeypatch.setenv(auth.ENV_ADMIN_PASSWORD, "mat-khau-quan-tri-1")
    monkeypatch.delenv(auth.ENV_REQUIRE_LOGIN, raising=False)
    return story


def from_views(story: Path, unit: str, period: str, official: bool) -> tuple[float, str, str]:
    found = views.basis(Store(story), load_catalog(), official=official)
    row = views.unit(found, load_catalog(), unit, period, "vi").rows.set_index("indicator").loc[CODE]
    return row["value"], row["status"], row["source"]


def from_cli(story: Path, tmp_path: Path, *args: str) -> pd.DataFrame:
    out = tmp_path / "out.csv"
    assert cli.main([*args, "--out", str(out), "--data-dir", str(story)]) == 0
    table = pd.read_csv(io.BytesIO(out.read_bytes()), encoding="utf-8-sig", dtype={"source": "str"})
    return table.fillna({"source": ""})


def same(got: tuple, expected: tuple) -> bool:
    value, *rest = got
    return (math.isnan(expected[0]) and pd.isna(value) or value == pytest.approx(expected[0])) and \
        list(rest) == list(expected[1:])


@pytest.mark.parametrize(("unit", "period", "official", "value", "status", "source"), CASES)
def test_view_api_and_cli_agree_on_each_case(story_env, tmp_path, unit, period, official, value, status, source):
    expected = (value, status, source)
    assert same(from_views(story_env, unit, period, official), expected)
    table = from_cli(story_env, tmp_path, "export", "unit", "--unit", unit, "--year", period,
                     *(["--official"] if official else []))
    row = table.set_index("indicator").loc[CODE]
    assert same((row["value"], row["status"], str(row["source"])), expected)


@pytest.mark.parametrize(("unit", "period", "official", "value", "status", "source"),
                         [c for c in CASES if c[1] in ("2020", "2020-H2")])
def test_unit_page_shows_the_same_status(story_env, unit, period, official, value, status, source):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, chosen in {KEY_PERIOD: period, KEY_OFFICIAL: official, KEY_BLOCK: "so", KEY_UNIT: unit}.items():
        at.session_state[key] = chosen
    at.run()
    at.switch_page("pages/unit.py").run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value.set_index("Mã")
    assert table.loc[CODE, "Tình trạng"] == [STATUS_WORDS[status]]
    assert (table.loc[CODE, "Giá trị"] == "–") == math.isnan(value)
    assert bool(at.warning) == (unit == "STC")  # the returned report is marked, whichever figures count


def test_block_roll_up_meets_the_strict_target_exactly_and_says_who_is_counted(story_env, tmp_path):
    table = from_cli(story_env, tmp_path, "export", "overview", "--year", "2020", "--block", "so")
    row = table.set_index("indicator").loc[CODE]
    assert (row["value"], row["status"], row["reporters"], row["baseline_reporters"]) == (80.0, "not_achieved", 3, 2)
    view = views.overview(views.basis(Store(story_env), load_catalog()), load_catalog(), "2020", "so", "vi")
    assert views.overview_table(view).set_index("indicator").loc[CODE, "status"] == "not_achieved"


def test_overview_cards_agree_between_cli_and_page(story_env, tmp_path, capsys):
    assert cli.main(["export", "overview", "--year", "2020", "--block", "so", "--summary", "--out",
                     str(tmp_path / "o.csv"), "--data-dir", str(story_env)]) == 0
    counts = dict(part.split("=") for part in capsys.readouterr().out.split())
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[KEY_PERIOD], at.session_state[KEY_BLOCK] = "2020", "so"
    at.run()
    shown = {m.label: m.value for m in at.metric}
    assert shown["Đã đạt"] == counts["achieved"] and shown["Không đạt"] == counts["not_achieved"]
    assert shown["Đúng tiến độ"] == counts["on_track"] and shown["Chậm tiến độ"] == counts["behind"]


def test_a_returned_report_is_marked_in_the_unit_history(story_env):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, chosen in {KEY_PERIOD: "2020", KEY_BLOCK: "so", KEY_UNIT: "STC"}.items():
        at.session_state[key] = chosen
    at.run()
    at.switch_page("pages/unit.py").run()
    history = at.dataframe[-1].value
    assert history["Tình trạng"].tolist() == ["Bị trả lại (không tính)"]
