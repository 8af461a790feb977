"""What a visitor waits for in Chromium: the dashboard against a bare Streamlit page with one plotly chart,
both started the same way (``streamlit run``, headless, loopback) in the same run, both servers warm.

- **first chart**: a fresh browser context (empty cache, new session) opens the URL; the time until the first
  plotly chart is drawn (and until the page title shows). Bare: its one chart. Ours: the overview.
- **page switch**: a click on a sidebar link until the new page's title, a drawn chart (where the page has one)
  and no script run going on. Bare: between its two one-chart pages. Ours: every reading page in turn.

Goals (issue 13): the overview's first chart within 1.5× the bare page's; every switch within 1 s of the bare
switch. Run: ``python benchmarks/browser.py [--repeat 5]`` (needs /usr/bin/chromium and playwright).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 768}
CHART = ".js-plotly-plot .main-svg"
SETTLED = """() => document.querySelector('[data-testid="stMain"] h1')
    && !document.querySelector('[data-testid="stSkeleton"], [data-testid="stStatusWidget"], [data-stale="true"]')"""
FIRST_GOAL, SWITCH_GOAL_S = 1.5, 1.0
BARE = '''import plotly.graph_objects as go
import streamlit as st


def chart(title: str) -> None:
    st.title(title)
    st.plotly_chart(go.Figure(go.Bar(x=[1, 2, 3], y=["a", "b", "c"], orientation="h")), key=title)


pages = [st.Page(lambda: chart("Một"), title="Một", url_path="mot", default=True),
         st.Page(lambda: chart("Hai"), title="Hai", url_path="hai")]
st.navigation(pages).run()
'''
# our reading pages, in the order a leader goes through them: sidebar link name, whether it draws a chart
OURS = (("Đơn vị", True), ("Lĩnh vực", True), ("Xếp hạng", True), ("Bản đồ", True), ("Tình hình nộp", True),
        ("Tổng quan", True))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(script: Path, env: dict[str, str]) -> Iterator[str]:
    """``streamlit run script`` on a free loopback port, healthy; its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true", "--server.port",
         str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"], cwd=script.parent, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def first_chart(browser, url: str) -> tuple[float, float]:
    """Seconds from opening ``url`` in a fresh context to its title, and to its first drawn chart."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=120_000)
    title = time.perf_counter() - start
    page.wait_for_selector(CHART, timeout=120_000)
    drawn = time.perf_counter() - start
    context.close()
    return title, drawn


def switches(browser, url: str, links: tuple[tuple[str, bool], ...]) -> dict[str, float]:
    """Seconds per sidebar click until the page has settled (and drawn a chart where it has one)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(CHART, timeout=120_000)
    page.wait_for_function(SETTLED, timeout=120_000)
    times = {}
    for name, has_chart in links:
        start = time.perf_counter()
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name, exact=True).click()
        page.get_by_role("heading", name=name, level=1).wait_for(timeout=60_000)
        page.wait_for_function(SETTLED, timeout=60_000)
        if has_chart:
            page.wait_for_selector(f'[data-testid="stMain"] {CHART}', timeout=60_000)
        times[name] = time.perf_counter() - start
    context.close()
    return times


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        bare = Path(folder) / "bare" / "app.py"
        bare.parent.mkdir()
        bare.write_text(BARE, encoding="utf-8")
        env = {**os.environ, "CCHC_DATA_DIR": str(Path(folder) / "data")}
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        with server(bare, env) as bare_url, server(ROOT / "app.py", env) as our_url:
            for url in (bare_url, our_url):  # warm: the first visit loads the sample data and fills caches
                first_chart(browser, url)
            bare_first = [first_chart(browser, bare_url) for _ in range(args.repeat)]
            our_first = [first_chart(browser, our_url) for _ in range(args.repeat)]
            bare_switch = median_of([switches(browser, bare_url, (("Hai", True), ("Một", True)))
                                     for _ in range(args.repeat)])
            our_switch = median_of([switches(browser, our_url, OURS) for _ in range(args.repeat)])
        browser.close()
    bare_title, bare_chart = (statistics.median(x) for x in zip(*bare_first, strict=True))
    our_title, our_chart = (statistics.median(x) for x in zip(*our_first, strict=True))
    bare_click = statistics.median(bare_switch.values())
    print(f"median of {args.repeat} runs, Chromium {VIEWPORT['width']}×{VIEWPORT['height']}, warm servers\n")
    print(f"{'first visit':<28}{'title s':>9}{'chart s':>9}")
    print(f"{'bare one-chart page':<28}{bare_title:>9.2f}{bare_chart:>9.2f}")
    print(f"{'overview (ours)':<28}{our_title:>9.2f}{our_chart:>9.2f}")
    ratio = our_chart / bare_chart
    print(f"ratio first chart: {ratio:.2f}× (goal ≤ {FIRST_GOAL}×)\n")
    print(f"{'page switch':<28}{'s':>9}{'− bare':>9}")
    print(f"{'bare (median)':<28}{bare_click:>9.2f}")
    worst = 0.0
    for name, seconds in our_switch.items():
        worst = max(worst, seconds - bare_click)
        print(f"{name:<28}{seconds:>9.2f}{seconds - bare_click:>+9.2f}")
    print(f"\nworst switch over bare: {worst:+.2f} s (goal ≤ +{SWITCH_GOAL_S:.1f} s)")
    return 0 if ratio <= FIRST_GOAL and worst <= SWITCH_GOAL_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
