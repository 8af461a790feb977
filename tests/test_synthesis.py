"""The drafted synthesis report (.docx): read back, its figures equal ``export overview`` and the ranking export;
it is laid out as an administrative report; LibreOffice opens it; leaders get it from the overview page."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cchc import cli, config
from cchc.auth import User
from cchc.dashboard.common import number_text
from cchc.i18n import KEY_USER

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(scope="module")
def sample(sample_install) -> Path:
    return sample_install


@pytest.fixture(scope="module")
def report_2020(sample, tmp_path_factory) -> docx.document.Document:
    out = tmp_path_factory.mktemp("report") / "bao-cao.docx"
    assert cli.main(["report", "--period", "2020", "--out", str(out), "--data-dir", str(sample)]) == 0
    return docx.Document(str(out))


def export(sample: Path, tmp_path: Path, *args: str) -> pd.DataFrame:
    out = tmp_path / "export.csv"
    assert cli.main(["export", *args, "--out", str(out), "--data-dir", str(sample)]) == 0
    return pd.read_csv(io.BytesIO(out.read_bytes()), encoding="utf-8-sig")


def area_tables(document) -> list:
    return [table for table in document.tables if table.rows[0].cells[0].text == "Mã"]


def test_area_tables_show_the_overview_figures_of_each_block(sample, report_2020, tmp_path):
    expected = {b: export(sample, tmp_path, "overview", "--year", "2020", "--block", b).set_index("indicator")
                for b in ("so", "huyen")}
    rows = [[c.text for c in row.cells] for table in area_tables(report_2020) for row in table.rows[1:]]
    assert len(rows) == 20  # every indicator with a target appears once
    for code, _name, _target, value_so, _status_so, value_huyen, _status_huyen in rows:
        for block, shown in (("so", value_so), ("huyen", value_huyen)):
            figure = expected[block]["value"].get(code)
            assert shown == ("–" if figure is None or pd.isna(figure) else number_text(round(figure, 1))), (code, block)


def test_headline_sentences_match_the_summary(sample, report_2020, tmp_path, capsys):
    text = "\n".join(p.text for p in report_2020.paragraphs)
    for block, name in (("so", "Khối sở, ban, ngành"), ("huyen", "Khối huyện, thị xã, thành phố")):
        assert cli.main(["export", "overview", "--year", "2020", "--block", block, "--summary", "--out",
                         str(tmp_path / "o.csv"), "--data-dir", str(sample)]) == 0
        counts = dict(part.split("=") for part in capsys.readouterr().out.split())
        sentence = re.search(rf"{name}: trong (\d+) chỉ tiêu có số trong Kế hoạch, (\d+) chỉ tiêu đã đạt, (\d+) không "
                             r"đạt, (\d+) đúng tiến độ, (\d+) chậm tiến độ, (\d+) chưa có số liệu", text)
        assert sentence is not None, name
        assert sentence.groups()[1:] == tuple(counts[k] for k in ("achieved", "not_achieved", "on_track", "behind",
                                                                 "no_data"))


def test_ranking_tables_follow_the_ranking_export(sample, report_2020, tmp_path):
    tables = [t for t in report_2020.tables if t.rows[0].cells[0].text == "Xếp hạng"]
    assert len(tables) == 2
    for table, block in zip(tables, ("so", "huyen"), strict=True):
        ranking = export(sample, tmp_path, "ranking", "--year", "2020", "--block", block)
        shown = [[c.text for c in row.cells] for row in table.rows[1:]]
        assert [int(r[0]) for r in shown] == ranking["rank"].tolist()
        assert [r[2] for r in shown] == [number_text(round(v, 1)) for v in ranking["index"]]


def test_layout_of_an_administrative_report(report_2020):
    section = report_2020.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4 portrait
    assert report_2020.styles["Normal"].font.name == "Times New Roman"
    assert 13 <= report_2020.styles["Normal"].font.size.pt <= 14
    masthead = report_2020.tables[0].rows[0].cells
    assert "SỞ NỘI VỤ" in masthead[0].text and "Độc lập - Tự do - Hạnh phúc" in masthead[1].text
    text = "\n".join(p.text for p in report_2020.paragraphs)
    for heading in ("I. KẾT QUẢ THỰC HIỆN", "II. KẾT QUẢ XÁC ĐỊNH CHỈ SỐ", "III. VIỆC THỰC HIỆN CHẾ ĐỘ BÁO CÁO",
                    "IV. TỒN TẠI, HẠN CHẾ"):
        assert heading in text
    assert "PAGE" in section.header.paragraphs[0]._p.xml  # page numbers
    assert len(report_2020.inline_shapes) == 2  # one chart per block


def test_half_year_and_one_block(sample, tmp_path):
    out = tmp_path / "h1.docx"
    assert cli.main(["report", "--period", "2020-H1", "--block", "huyen", "--out", str(out),
                     "--data-dir", str(sample)]) == 0
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "6 tháng đầu năm 2020" in text and "Khối sở" not in text
    assert "CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2019" in text  # the latest full year's ranking


@pytest.mark.parametrize("args", [["--period", "2020", "--out", "bao-cao.pdf"],
                                  ["--period", "2030", "--out", "bao-cao.docx"]])
def test_bad_arguments_are_explained(sample, tmp_path, capsys, args):
    assert cli.main(["report", *args, "--data-dir", str(sample)]) == 2
    assert capsys.readouterr().err.startswith("Lỗi:")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_report(sample, tmp_path):
    out = tmp_path / "bao-cao.docx"
    assert cli.main(["report", "--period", "2020", "--out", str(out), "--data-dir", str(sample)]) == 0
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(out)], check=True, capture_output=True, timeout=180)
    assert (tmp_path / "bao-cao.pdf").read_bytes()[:4] == b"%PDF"


@pytest.mark.parametrize(("user", "offered"), [(None, False), (User("ld", "lanh_dao", ()), True),
                                               (User("admin", "quan_tri", ()), True),
                                               (User("cb", "don_vi", ("SNV",)), False)])
def test_the_overview_offers_the_draft_to_leaders_and_administrators(sample, monkeypatch, user, offered):
    monkeypatch.setenv(config.ENV_DATA_DIR, str(sample))
    at = AppTest.from_file(APP, default_timeout=60)
    if user is not None:
        at.session_state[KEY_USER] = user
    at.run()
    assert not at.exception
    assert any(b.proto.label.startswith("Dự thảo báo cáo") for b in at.get("download_button")) == offered
