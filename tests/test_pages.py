"""The pages through AppTest on the sample data: every page renders its key elements without an error, links
preselect, uploads are checked before anything is stored, and the ranking downloads as the official workbook."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from cchc import config, ingest
from cchc.auth import User
from cchc.i18n import KEY_USER
from cchc.report import MESSAGES
from cchc.store import Store
from tests import hostile
from tests.workbooks import build_workbook

APP = str(Path(__file__).resolve().parents[1] / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CLERK = User("cb.snv", "don_vi", ("SNV",))  # a logged-in unit clerk (uploading needs a login)


@pytest.fixture(scope="session")
def sample_dir(sample_install) -> Path:
    return sample_install


@pytest.fixture
def shared_dir(sample_dir, monkeypatch) -> Path:
    """The sample folder, for tests that only read."""
    monkeypatch.setenv(config.ENV_DATA_DIR, str(sample_dir))
    return sample_dir


@pytest.fixture
def data_dir(sample_dir, tmp_path, monkeypatch) -> Path:
    """A private copy of the sample folder, for tests that store files."""
    directory = tmp_path / "data"
    shutil.copytree(sample_dir, directory)
    monkeypatch.setenv(config.ENV_DATA_DIR, str(directory))
    return directory


def open_page(page: str, **state: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


PAGES = [
    # page, language, title, widget keys that must be present, at least this many charts
    ("pages/overview.py", "vi", "Tổng quan", ["overview_indicator"], 4),
    ("pages/overview.py", "en", "Overview", ["overview_indicator"], 4),
    ("pages/unit.py", "vi", "Đơn vị", ["unit", "unit_indicators", "unit_download"], 2),
    ("pages/area.py", "vi", "Lĩnh vực", ["area"], 1),
    ("pages/area.py", "en", "Task area", ["area"], 1),
    ("pages/ranking.py", "vi", "Xếp hạng", ["ranking_xlsx", "ranking_csv"], 1),
    ("pages/upload.py", "vi", "Nộp báo cáo", ["upload_unit", "upload_period", "upload_template"], 0),
    ("pages/upload.py", "en", "Upload a report", ["upload_unit", "upload_template"], 0),
    ("pages/submissions.py", "vi", "Tình hình nộp", ["subs_file", "subs_download"], 1),
    ("pages/map.py", "vi", "Bản đồ", ["map_colour", "map_indicator"], 1),
    ("pages/map.py", "en", "Map", ["map_colour", "map_indicator"], 1),
]


@pytest.mark.parametrize(("page", "lang", "title", "keys", "charts"), PAGES)
def test_page_renders_key_elements(shared_dir, page, lang, title, keys, charts):
    at = open_page(page, lang=lang, **{KEY_USER: CLERK})  # uploading needs a login; reading does not
    assert_clean(at)
    assert at.title[0].value == title
    for key in keys:
        assert key in at.session_state, key
    assert len(at.get("plotly_chart")) >= charts
    assert any("dữ liệu mẫu" in i.value or "sample data" in i.value for i in at.sidebar.info)


def test_overview_cards_count_the_plan_targets(shared_dir):
    at = open_page("pages/overview.py", period="2020")
    labels = [m.label for m in at.metric]
    assert labels == ["Đã đạt", "Không đạt", "Đúng tiến độ", "Chậm tiến độ", "Đã nộp", "Chỉ số CCHC"]
    assert re.fullmatch(r"\d\d,\d\d", at.metric[5].value)  # the PAR index, two decimals, Vietnamese comma
    counted = sum(int(m.value) for m in at.metric[:4])
    assert 0 < counted <= 18  # the plan's own numeric targets


def test_unit_link_preselects_the_unit(shared_dir):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.query_params["unit"] = "TIENLU"
    at.switch_page("pages/unit.py").run()
    assert_clean(at)
    assert at.selectbox(key="unit").value == "TIENLU"
    assert at.header[0].value == "Huyện Tiên Lữ"


def test_block_filter_changes_the_units(shared_dir):
    at = open_page("pages/unit.py", block="huyen")
    options = at.selectbox(key="unit").options
    assert "TP Hưng Yên" in options and "Sở Nội vụ" not in options


def upload(at: AppTest, filename: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((filename, data, XLSX))
    return at.run()


def test_upload_valid_file_supersedes_and_is_stored(data_dir):
    before = len(Store(data_dir).submissions())
    at = upload(open_page("pages/upload.py", **{KEY_USER: CLERK}), "SNV_2018.xlsx", build_workbook("SNV", "2018"))
    assert_clean(at)
    assert any(s.value.startswith("Hợp lệ: Sở Nội vụ, kỳ 2018") for s in [*at.success, *at.warning])
    assert any("thay thế" in w.value for w in at.warning)
    first = Store(data_dir).submissions().query("unit == 'SNV' and period == '2018' and status == 'accepted'")
    note = f"lần nộp được chấp nhận đầu tiên ({first['uploaded_at'].min():%d/%m/%Y %H:%M}; hạn nộp"
    assert any(note in i.value for i in at.info)  # a correction: the first report's date counts
    at.button(key="upload_confirm").click().run()
    assert_clean(at)
    subs = Store(data_dir).submissions()
    assert len(subs) == before + 1
    newest = subs.iloc[-1]
    assert (newest["unit"], newest["period"], newest["status"], newest["uploaded_by"]) == \
        ("SNV", "2018", "accepted", "cb.snv")
    assert newest["supersedes"] > 0
    assert any(r"Đã lưu SNV\_2018\.xlsx" in s.value for s in at.success)  # the name as text, Markdown escaped


def test_upload_shows_a_typed_file_name_as_text_never_a_link(data_dir):
    name = "[Bấm vào đây](http:example.invalid) ![x](example.png).xlsx"  # no slash: a path part would go
    at = upload(open_page("pages/upload.py", **{KEY_USER: CLERK}), name, build_workbook("SNV", "2018"))
    assert_clean(at)
    shown = [m.value for m in at.markdown if "example" in m.value]
    assert shown and all("](" not in text.replace("\\]\\(", "") for text in shown)  # every ]( escaped
    at.button(key="upload_confirm").click().run()
    stored = [s.value for s in at.success if "example" in s.value]
    assert stored and all("](" not in text.replace("\\]\\(", "") for text in stored)


def test_upload_bad_file_shows_its_issues_and_stores_nothing(data_dir):
    before = len(Store(data_dir).submissions())
    bad = build_workbook("SNV", "2018", update={"2d.3": {"numerator": 120, "denominator": 100}})
    at = upload(open_page("pages/upload.py", **{KEY_USER: CLERK}), "SNV_2018_sai.xlsx", bad)
    assert not at.exception
    assert any("Không hợp lệ" in e.value for e in at.error)
    issues = at.dataframe[0].value
    assert {"Trang", "Ô", "Chỉ tiêu", "Nội dung"} <= set(issues.columns)
    assert ("Số liệu", "2d.3") in set(zip(issues["Trang"], issues["Chỉ tiêu"], strict=True))
    assert not [b for b in at.button if b.key == "upload_confirm"]
    assert len(Store(data_dir).submissions()) == before


@pytest.mark.parametrize("case_id", ["sparse-extent-single-quotes", "shared-string-amplifier", "ods-repeated-text",
                                     "billion-laughs-sheet"])
def test_hostile_upload_is_refused_on_the_page_and_other_sessions_keep_reading(data_dir, case_id):
    """The files that once took the whole dashboard down: refused with their code in the dry run, while a second
    session (a leader reading the overview) keeps working before and after."""
    case = next(c for c in hostile.CASES if c.id == case_id)
    reader = open_page("pages/overview.py")
    assert_clean(reader)
    before = len(Store(data_dir).submissions())
    at = upload(open_page("pages/upload.py", **{KEY_USER: CLERK}), case.filename, case.build())
    assert not at.exception
    refused = " ".join(e.value for e in at.error)
    assert "Không hợp lệ" in refused
    starts = [MESSAGES[code][0].split("{")[0] for code in case.codes]  # the page shows messages, not codes
    assert any(m.startswith(start) for m in at.dataframe[0].value["Nội dung"] for start in starts)
    assert not [b for b in at.button if b.key == "upload_confirm"]
    reader.run()
    assert_clean(reader) and len(Store(data_dir).submissions()) == before


class RecordingStorage(MemoryMediaFileStorage):
    """The in-memory media storage AppTest uses, remembered so a test can read what a download button holds."""

    made: list[MemoryMediaFileStorage] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        RecordingStorage.made.append(self)


def test_ranking_download_is_the_official_workbook(shared_dir, monkeypatch):
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", RecordingStorage)
    at = open_page("pages/ranking.py", year=2020, block="huyen")
    assert_clean(at)
    button = at.download_button(key="ranking_xlsx")
    button.click().run()
    assert_clean(at)
    url = at.download_button(key="ranking_xlsx").proto.url
    content = RecordingStorage.made[-1].get_file(url.rsplit("/", 1)[-1]).content
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["Xếp hạng"]
    assert (sheet["A4"].value, sheet["B4"].value) == ("Xếp hạng", "Đơn vị")
    assert "Huyện" in sheet["A2"].value
    assert [sheet.cell(row, 1).value for row in range(5, 15)] == list(range(1, 11))


@pytest.mark.parametrize("colour_by", ["par", "status", "value"])
def test_map_shows_the_ten_districts_coloured_as_chosen(shared_dir, colour_by):
    at = open_page("pages/map.py", period="2020")
    at.segmented_control(key="map_colour").set_value(colour_by).run()
    assert_clean(at)
    names = {link.label for link in at.get("page_link")}
    assert {"TP Hưng Yên", "Mỹ Hào", "Phù Cừ"} <= names and len(names) == 10


def unit_chart(at: AppTest) -> str:
    """The unit page's area-score chart as sent to the browser (plotly's JSON)."""
    return next(chart.proto.spec for chart in at.get("plotly_chart") if "unit_areas" in chart.proto.id)


def test_shared_charts_follow_the_choices_and_the_data(data_dir):
    """Charts are built once and shared by every session (pages/_widgets.figure): another unit, language or
    period gets its own chart, and a stored report replaces the chart at once."""
    at = open_page("pages/unit.py", period="2020")
    at.selectbox(key="unit").set_value("SNV").run()
    snv = unit_chart(at)
    assert unit_chart(at.selectbox(key="unit").set_value("STP").run()) != snv
    assert unit_chart(at.selectbox(key="unit").set_value("SNV").run()) == snv
    other = open_page("pages/unit.py", period="2020", lang="en")
    assert unit_chart(other.selectbox(key="unit").set_value("SNV").run()) != snv
    ingest.ingest_file(Store(data_dir), build_workbook("SNV", "2020", report_date=dt.date(2020, 12, 10)),
                       "SNV_2020.xlsx", user=CLERK)
    fresh = unit_chart(at.run())
    assert_clean(at)
    assert fresh != snv
    assert unit_chart(open_page("pages/unit.py", period="2020").selectbox(key="unit").set_value("SNV").run()) == fresh
