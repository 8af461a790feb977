"""Server-side run time of every dashboard page on the sample data, uncached vs cached, in the same run.

Each page is run through streamlit's AppTest (the whole script: app.py's navigation and sidebar, then the
page) on a fresh data folder loaded with the sample data by the app's own first-start path. Per page:

- **uncached** (the baseline): the first run after ``st.cache_data.clear()``, what a page costs right after an
  upload changes the data version;
- **cached**: the median of ``--repeat`` further runs, what every other visit costs.

Goal: the cached run of every page under 300 ms. Run: ``python benchmarks/pages.py [--repeat 7]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file is itself named pages.py: drop its folder from the path so `pages` is the app's package.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent)]

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from cchc import bootstrap, config  # noqa: E402
from cchc.auth import User  # noqa: E402
from cchc.i18n import KEY_USER  # noqa: E402

PAGES = ("pages/overview.py", "pages/unit.py", "pages/area.py", "pages/ranking.py", "pages/map.py", "pages/upload.py",
         "pages/submissions.py")
GOAL_MS = 300
CLERK = User("cb.snv", "don_vi", ("SNV",))  # a logged-in unit clerk: the upload page is listed after a login


def timed_run(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    if at.exception or at.error:
        raise RuntimeError(f"the page failed: {[e.value for e in [*at.exception, *at.error]]}")
    return 1000 * (time.perf_counter() - start)


def measure(page: str, repeat: int) -> tuple[float, float]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state[KEY_USER] = CLERK
    at.run()
    if page != PAGES[0]:
        at.switch_page(page)
    st.cache_data.clear()
    uncached = timed_run(at)
    cached = statistics.median(timed_run(at) for _ in range(repeat))
    return uncached, cached


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ[config.ENV_DATA_DIR] = folder
        start = time.perf_counter()
        bootstrap.ensure_database(folder)
        print(f"sample data loaded in {time.perf_counter() - start:.1f} s\n")
        print(f"{'page':<22}{'uncached ms':>13}{'cached ms':>11}{'speed-up':>10}  goal < {GOAL_MS} ms")
        worst = 0.0
        for page in PAGES:
            uncached, cached = measure(page, args.repeat)
            worst = max(worst, cached)
            verdict = "ok" if cached < GOAL_MS else "SLOW"
            print(f"{page:<22}{uncached:>13.0f}{cached:>11.0f}{uncached / cached:>9.1f}×  {verdict}")
    print(f"\nslowest cached page: {worst:.0f} ms")
    return 0 if worst < GOAL_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
