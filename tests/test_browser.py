"""Real-browser runs: `python -m cchc serve` on a free loopback port, Debian chromium driven by playwright.

It opens the overview (charts must render), downloads a template on the upload page, fills it, uploads it,
confirms, finds it on the submissions page, and downloads and opens the ranking workbook. A screenshot of every
page is saved: with ``CCHC_SCREENSHOTS=1`` into ``screenshots/`` (the README shows them), else into the
test's temporary folder, so that a test run leaves the checkout clean.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from cchc import clock, layout
from cchc.catalog import load_catalog
from cchc.config import ENV_DATA_DIR
from cchc.dashboard import common
from cchc.periods import parse_period
from cchc.templates import COLUMNS, indicator_rows
from tests.workbooks import filled_values

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "screenshots"
START_TIMEOUT = 120  # seconds: the first start loads the sample data
ADMIN_PASSWORD = "kiem-thu-trinh-duyet-2020"  # the first start creates `admin` with it (CCHC_ADMIN_PASSWORD)
WAIT_MS = 60_000
CLICK_MS = 15_000
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (/usr/bin/chromium)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url} within {START_TIMEOUT} s")


def serve(port: int, env: dict[str, str], log) -> subprocess.Popen:
    """``python -m cchc serve`` on a loopback port, without a file watcher."""
    return subprocess.Popen([sys.executable, "-m", "cchc", "serve", "--port", str(port), "--address", "127.0.0.1"],
                            cwd=ROOT, env={**env, "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}, stdout=log,
                            stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    """End a server started here (killed when it does not stop within 10 s)."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    port = free_port()
    env = {**os.environ, ENV_DATA_DIR: str(tmp_path_factory.mktemp("browser-data")),
           "CCHC_ADMIN_PASSWORD": ADMIN_PASSWORD}
    log = (tmp_path_factory.mktemp("browser-log") / "streamlit.log").open("wb")
    server = serve(port, env, log)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, server)
        yield url
    finally:
        stop(server)
        log.close()


def fill_template(data: bytes, unit: str, period: str) -> bytes:
    """A clerk's work: the downloaded template with plausible figures typed into its input cells."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    info = book[layout.SHEET_INFO]
    typed = {layout.INFO_REPORTER: "Nguyễn Thị Bình", layout.INFO_DATE: dt.date.today()}
    for row in info.iter_rows(max_col=1):
        if row[0].value in typed:
            info.cell(row[0].row, 2, typed[row[0].value])
    sheet = book[layout.SHEET_DATA]
    rows = indicator_rows(sheet)
    fields = {"numerator": layout.COL_NUMERATOR, "denominator": layout.COL_DENOMINATOR, "value": layout.COL_VALUE}
    for code, values in filled_values(unit, period).items():
        for field, value in values.items():
            sheet[f"{COLUMNS[fields[field]]}{rows[code]}"] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SETTLED = """() => document.querySelector('[data-testid="stMain"] h1')
    && !document.querySelector('[data-testid="stSkeleton"], [data-testid="stStatusWidget"], [data-stale="true"]')
    && !document.querySelector('[data-testid="stMain"] [inert], [data-testid="stMain"][inert]')"""


def settle(page, timeout_ms: int = WAIT_MS) -> None:
    """Wait until the page has its title, every element is drawn, and no script run is going on."""
    page.wait_for_function(SETTLED, timeout=timeout_ms)


def click(page, name: str, *, download: bool = False):
    """Click the button named ``name`` (a pattern); a page still wiring itself up is reloaded, at most twice.

    Returns the download the click started when ``download``.
    """
    button = page.get_by_role("button", name=re.compile(name))
    for attempt in range(3):
        try:
            if not download:
                button.click(timeout=CLICK_MS)
                return None
            with page.expect_download(timeout=CLICK_MS) as started:
                button.click(timeout=CLICK_MS)
            return started.value
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.reload()
            settle(page)
    return None


def open_in_app(page, title: str) -> None:
    """Follow the sidebar link to a page (the browser session, and so the login, stays)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title, level=1).wait_for()
    settle(page)


def log_in(page) -> None:
    """Log in as the administrator when the app asks for a login to upload; the browser then fetches the
    session cookie (``/session/open``) and comes back to the account page."""
    if not page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Đăng nhập").count():
        return
    open_in_app(page, "Đăng nhập")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill(ADMIN_PASSWORD)
    with page.expect_response(lambda answer: "/session/open" in answer.url, timeout=WAIT_MS):
        click(page, "^Đăng nhập$")
    page.wait_for_url(re.compile(r"/tai-khoan$"))
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Nộp báo cáo").wait_for()
    settle(page)


def logged_in_as_admin(page) -> bool:
    """Whether the page, once drawn, shows the administrator's pages (a login this browser session holds)."""
    settle(page)
    return page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Nhật ký").count() == 1


def check_a_report(page, folder: Path, label: str) -> tuple[str, str, Path]:
    """A clerk's round on the upload page: download the template, fill it, upload it; the check says valid.
    Returns its unit, period and file (not stored yet: "Xác nhận lưu" stores it)."""
    open_in_app(page, "Nộp báo cáo")
    download = click(page, "Tải biểu mẫu", download=True)
    unit, period = download.suggested_filename.removesuffix(".xlsx").split("_")
    assert unit in load_catalog().unit_by_code and parse_period(period)
    filled = folder / f"{unit}_{period}_{label}.xlsx"
    filled.write_bytes(fill_template(Path(download.path()).read_bytes(), unit, period))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(filled))
    page.get_by_text(re.compile("^Hợp lệ")).first.wait_for()
    return unit, period, filled


AUDIT_ROWS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"] tr')]
    .map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent)).filter(cells => cells.length)"""


def shoot(page, name: str, folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_browser_overview_upload_submissions_ranking(app_url, tmp_path):
    shots = SHOTS if os.environ.get("CCHC_SCREENSHOTS") == "1" else tmp_path / "screenshots"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 2000}, accept_downloads=True)
            page.set_default_timeout(WAIT_MS)

            page.goto(app_url)
            settle(page, START_TIMEOUT * 1000)  # the first page view loads the sample data
            page.wait_for_selector(".js-plotly-plot .main-svg")
            assert page.locator(".js-plotly-plot").count() >= 3
            assert page.get_by_text("dữ liệu mẫu").count() >= 1
            shoot(page, "overview", shots)

            for path, name in (("don-vi?unit=TIENLU", "unit"), ("linh-vuc?area=6", "area"), ("ban-do", "map"),
                               ("xep-hang", "ranking")):
                page.goto(f"{app_url}/{path}")
                settle(page)
                page.wait_for_selector(".js-plotly-plot .main-svg")
                shoot(page, name, shots)

            download = click(page, "Tải bảng xếp hạng", download=True)
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            book = openpyxl.load_workbook(saved)
            assert saved.suffix == ".xlsx" and book["Xếp hạng"]["A4"].value == "Xếp hạng"
            assert book["Xếp hạng"]["B5"].value

            log_in(page)
            unit, period, filled = check_a_report(page, tmp_path, "bao-cao-thu")
            assert page.get_by_text(re.compile("sẽ thay thế")).count() >= 1
            shoot(page, "upload", shots)
            click(page, "Xác nhận lưu")
            page.get_by_text(re.compile(f"Đã lưu {filled.name}")).wait_for()

            open_in_app(page, "Tình hình nộp")
            page.wait_for_selector(".js-plotly-plot .main-svg")
            newest = page.get_by_role("combobox", name="Chọn báo cáo").input_value()
            assert newest.endswith(f"· {unit} · {period} · {filled.name}")
            shoot(page, "submissions", shots)

            open_in_app(page, "Nhật ký")  # today's log-in, in words, Hưng Yên's date, from the browser's address
            page.wait_for_function("() => document.querySelector('[data-testid=\"stDataFrame\"] td')")
            rows = page.evaluate(AUDIT_ROWS)
            today = clock.today().strftime("%d/%m/%Y")
            assert any(r[0].startswith(today) and r[2] == "Đăng nhập" and r[5] == "127.0.0.1" for r in rows), rows
        finally:
            browser.close()


def test_browser_login_survives_reload_and_new_tab_until_logout(app_url):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context()
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{app_url}/tai-khoan")
            settle(page, START_TIMEOUT * 1000)
            log_in(page)
            cookie = next(c for c in context.cookies() if c["name"] == "cchc_session")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
            assert not page.evaluate("() => document.cookie.includes('cchc_session')")  # out of scripts' reach

            page.goto(f"{app_url}/nop-bao-cao")  # the page of the issue: F5 there used to log out
            page.reload()
            assert logged_in_as_admin(page)
            assert page.get_by_role("heading", name="Nộp báo cáo", level=1).count() == 1
            other = context.new_page()
            other.set_default_timeout(WAIT_MS)
            other.goto(f"{app_url}/nhat-ky")
            assert logged_in_as_admin(other)

            page.goto(f"{app_url}/tai-khoan")
            settle(page)
            with page.expect_response(lambda answer: "/session/close" in answer.url, timeout=WAIT_MS):
                click(page, "Đăng xuất")
            page.get_by_role("heading", name="Đăng nhập", level=1).wait_for()
            page.reload()
            assert not logged_in_as_admin(page)
            assert not [c for c in context.cookies() if c["name"] == "cchc_session"]
            open_in_app(other, "Tổng quan")  # the other tab, without a reload: its next run is logged out
            assert not logged_in_as_admin(other)
        finally:
            browser.close()


# -- a projector's screen: 1366×768 --------------------------------------------------------------------------
SMALL = {"width": 1366, "height": 768}
HEADER_PAD_PX = 16  # glide-data-grid's padding either side of a header's text

TABLE_FIT = """(selector) => {
    const grid = document.querySelector(selector);
    const scroller = grid.querySelector('.dvn-scroller');
    const pen = document.createElement('canvas').getContext('2d');
    pen.font = `600 14px ${getComputedStyle(grid).fontFamily}`;
    const headers = [...grid.querySelectorAll('th')].map(th => [th.textContent, pen.measureText(th.textContent).width]);
    return {scroll: scroller.scrollWidth - scroller.clientWidth, headers};
}"""

LABEL_BOXES = """(chart) => {
    const boxes = (sel) => [...chart.querySelectorAll(sel)].filter(e => e.textContent.trim())
        .map(e => { const r = e.getBoundingClientRect(); return [e.textContent, r.left, r.top, r.right, r.bottom]; });
    const plot = chart.querySelector('.nsewdrag').getBoundingClientRect();
    return {x: boxes('.xtick text'), y: boxes('.ytick text'), plot: [plot.left, plot.top, plot.right, plot.bottom]};
}"""


ALL_DRAWN = """() => { const charts = [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')];
    return charts.length >= 4 && charts.every(chart => chart.querySelector('.nsewdrag')); }"""


def overlapping(boxes: list[list]) -> list[tuple[str, str]]:
    """Pairs of labels whose boxes intersect (a pixel of slack for anti-aliasing)."""
    return [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[1] < b[3] - 1 and b[1] < a[3] - 1 and a[2] < b[4] - 1 and b[2] < a[4] - 1]


def test_browser_fits_a_projector_at_1366_by_768(app_url):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport=SMALL)
            page.set_default_timeout(WAIT_MS)
            page.goto(app_url)
            settle(page, START_TIMEOUT * 1000)
            page.wait_for_function(ALL_DRAWN)
            charts = page.locator('[data-testid="stMain"] .js-plotly-plot')
            for n in range(charts.count()):  # no label on another: target names, heatmap areas and units
                labels = charts.nth(n).evaluate(LABEL_BOXES)
                assert not overlapping(labels["x"]) and not overlapping(labels["y"]), n
            heat = charts.nth(2).evaluate(LABEL_BOXES)  # the heatmap: its area names sit above the cells
            assert heat["x"] and all(box[4] <= heat["plot"][1] + 1 for box in heat["x"])
            assert not page.locator(".modebar-container .modebar-btn").count()  # no toolbar over a legend

            open_in_app(page, "Bản đồ")  # a click on a district's tile opens that unit
            page.wait_for_selector(".js-plotly-plot .scatterlayer .point")
            tiles = page.locator(".js-plotly-plot .scatterlayer .point")
            assert tiles.count() == 10
            tiles.first.click(force=True)
            page.get_by_role("heading", name="Đơn vị", level=1).wait_for()
            settle(page)
            catalog = load_catalog()
            districts = {catalog.unit_by_code[code].name_on(dt.date(2020, 12, 31))
                         for code in common.block_names(catalog, 2020, "huyen")}
            assert page.locator('[data-testid="stMain"] h2').first.text_content() in districts

            open_in_app(page, "Xếp hạng")
            page.wait_for_selector('[data-testid="stDataFrame"] canvas')
            fit = page.evaluate(TABLE_FIT, '[data-testid="stDataFrame"]')
            assert fit["scroll"] <= 0  # the ranking's columns all in view, no sideways scrolling
            for header, text_px in fit["headers"]:  # a column is never narrower than common.column_widths's
                assert text_px + HEADER_PAD_PX <= common.header_width(header), header  # header: none is cut
            page.wait_for_selector(".js-plotly-plot .bartext")
            texts = page.locator(".js-plotly-plot .bartext").evaluate_all("all => all.map(e => e.textContent)")
            assert texts and all(re.fullmatch(r"\d{1,3},\d\d%", text) for text in texts)  # 92,97%: Vietnamese

            page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
            page.get_by_role("heading", name="Ranking", level=1).wait_for()
            settle(page)
            page.wait_for_selector(".js-plotly-plot .bartext")
            texts = page.locator(".js-plotly-plot .bartext").evaluate_all("all => all.map(e => e.textContent)")
            assert texts and all(re.fullmatch(r"\d{1,3}\.\d\d%", text) for text in texts)  # 92.97% in English
        finally:
            browser.close()
