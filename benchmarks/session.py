"""What a login that survives reloads costs: the session check on every page run, and login → reload in a browser.

1. **check**: ``cchc.sessions.resume`` by session id (what every page run of a logged-in tab does), median of
   ``--checks`` calls, on the embedded store and, with ``--database-url`` (or ``CCHC_DATABASE_URL``), PostgreSQL.
2. **page run**: the overview run through AppTest for a logged-in user with a login session (checked each run)
   against the same user without one (the baseline: before this change), interleaved (each first in turn),
   median of ``--runs``: the ratio of the runs, and the time of the session step itself in each. A tab's check
   is skipped while nothing was written since its last one (under a minute ago, ``sessions.recently_checked``);
   the first figures say what a check costs when it is made.
3. **browser** (``--browser``, needs /usr/bin/chromium): ``python -m cchc serve`` on a loopback port; the time
   from the login click until the account page is back from the cookie route and drawn, and a reload (F5) of
   that page logged in against the same reload logged out (the baseline), median of ``--reloads``.

Run: ``python benchmarks/session.py [--browser] [--database-url postgresql://…]``.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The project first, and not this folder: its pages.py would hide the project's ``pages`` package.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent)]

from argon2 import PasswordHasher  # noqa: E402

from cchc import auth, bootstrap, config, sessions  # noqa: E402
from cchc.auth import User  # noqa: E402
from cchc.i18n import KEY_SESSION, KEY_USER  # noqa: E402
from cchc.store import Store  # noqa: E402

PASSWORD = "mat-khau-do-toc-do-1"
ACCOUNT = "do.toc.do.phien"


def median_ms(samples: list[float]) -> float:
    return 1000 * statistics.median(samples)


def check_cost(store: Store, checks: int) -> float:
    """Median seconds of one per-run session check (by id, the account joined), for an account of its own."""
    if store.account(ACCOUNT) is None:
        auth.create_user(store, auth.operator("bench"), ACCOUNT, "lanh_dao", PASSWORD)
    user = auth.authenticate(store, ACCOUNT, PASSWORD, origin="bench")
    session_id, _ = sessions.begin(store, user)
    times = []
    for _ in range(checks):
        started = time.perf_counter()
        assert sessions.resume(store, "bench", session_id=session_id) is not None
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def page_runs(data: Path, runs: int) -> dict[str, tuple[float, float]]:
    """Per tab (``session``: a checked login session; ``baseline``: the same user without one), the median
    seconds of a whole overview run (AppTest) and of the session step of that run (``_session._resume``)."""
    from streamlit.testing.v1 import AppTest

    os.environ[config.ENV_DATA_DIR] = str(data)
    bootstrap.ensure_database(data)
    store = Store(data)
    auth.ensure_admin(store, {auth.ENV_ADMIN_PASSWORD: PASSWORD})
    session_id, _ = sessions.begin(store, auth.authenticate(store, "admin", PASSWORD, origin="web"))
    tabs = {}
    for name, state in (("session", {KEY_USER: User("admin", "quan_tri", (), "web", session_id),
                                     KEY_SESSION: session_id}),
                        ("baseline", {KEY_USER: User("admin", "quan_tri", (), "web")})):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for key, value in state.items():
            at.session_state[key] = value
        tabs[name] = at.run()  # warm: caches filled
        assert not at.exception, at.exception
    from pages import _session

    step, checks = _session._resume, []

    def timed_step() -> None:  # the real step, timed
        started = time.perf_counter()
        step()
        checks.append(time.perf_counter() - started)

    _session._resume = timed_step
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in tabs}
    for n in range(runs):
        for name, at in (list if n % 2 else reversed)(tabs.items()):  # each first in turn
            started = time.perf_counter()
            at.run()
            times[name][0].append(time.perf_counter() - started)
            times[name][1].append(checks.pop())
    return {name: (statistics.median(whole), statistics.median(step)) for name, (whole, step) in times.items()}


def browser(data: Path, reloads: int) -> None:
    from playwright.sync_api import sync_playwright

    from tests.test_browser import ARGS, CHROMIUM, free_port, log_in, logged_in_as_admin, serve, settle

    port = free_port()
    env = {**os.environ, config.ENV_DATA_DIR: str(data), auth.ENV_ADMIN_PASSWORD: "kiem-thu-trinh-duyet-2020"}
    with (data.parent / "server.log").open("wb") as log:
        server = serve(port, env, log)
    url = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = chromium.new_context().new_page()
            page.set_default_timeout(180_000)
            for _ in range(60):
                try:
                    page.goto(url)
                    break
                except Exception:  # the server is still starting
                    time.sleep(0.5)
            settle(page, 180_000)

            def reload_once() -> float:
                started = time.perf_counter()
                page.reload()
                settle(page)
                return time.perf_counter() - started

            page.goto(f"{url}/tai-khoan")
            settle(page)
            logged_out = [reload_once() for _ in range(reloads)]
            assert not logged_in_as_admin(page)
            started = time.perf_counter()
            log_in(page)  # until the cookie route sent the browser back and the page is drawn
            login = time.perf_counter() - started
            logged_in = [reload_once() for _ in range(reloads)]
            assert logged_in_as_admin(page) and re.search(r"/tai-khoan$", page.url)
            chromium.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"browser: login click → back on the page, logged in (argon2id, cookie route, reload): "
          f"{1000 * login:.0f} ms")
    print(f"browser: reload (F5) logged in {median_ms(logged_in):.0f} ms, logged out (baseline) "
          f"{median_ms(logged_out):.0f} ms: ratio {statistics.median(logged_in) / statistics.median(logged_out):.2f} "
          f"(median of {reloads})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reloads", type=int, default=5)
    parser.add_argument("--browser", action="store_true")
    parser.add_argument("--database-url", default=config.database_url())
    args = parser.parse_args(argv)
    auth.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # the checks, not the hashing
    with tempfile.TemporaryDirectory(prefix="cchc-session-") as tmp:
        stores = {"embedded DuckDB": Store(Path(tmp) / "check", database_url="")}
        if args.database_url:
            stores["PostgreSQL"] = Store(Path(tmp) / "check-pg", database_url=args.database_url)
        for name, store in stores.items():
            print(f"check: one session check on {name}: {1000 * check_cost(store, args.checks):.2f} ms "
                  f"(median of {args.checks})")
        runs = page_runs(Path(tmp) / "pages", args.runs)
        (whole, step), (base_whole, base_step) = runs["session"], runs["baseline"]
        print(f"page run: overview (AppTest, embedded), median of {args.runs}: with a checked session "
              f"{1000 * whole:.1f} ms, of which the session step {1000 * step:.2f} ms; without a session (baseline) "
              f"{1000 * base_whole:.1f} ms, step {1000 * base_step:.2f} ms; ratio of the runs {whole / base_whole:.3f},"
              f" the check adds {1000 * (step - base_step):.2f} ms")
        if args.browser:
            browser(Path(tmp) / "browser", args.reloads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
