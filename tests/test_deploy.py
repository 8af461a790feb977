"""The tested deployment of docs/DEPLOY.md: PostgreSQL, two replicas (``python -m cchc serve``) and nginx in
front of them with ``deploy/nginx-site.conf`` (its own ports, run in the foreground with its own pid and logs).

One browser logs in and uploads a report through replica 1, then is moved to replica 2 (its routing cookie
changed, as when nginx takes replica 1 out): still logged in there, and the report is there too; and after a
reload.
"""

from __future__ import annotations

import getpass
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from cchc import sessions
from cchc.config import ENV_DATA_DIR, ENV_DATABASE_URL
from tests.conftest import database
from tests.test_browser import (
    ADMIN_PASSWORD,
    ARGS,
    CHROMIUM,
    START_TIMEOUT,
    WAIT_MS,
    check_a_report,
    click,
    free_port,
    log_in,
    logged_in_as_admin,
    serve,
    settle,
    stop,
)

ROOT = Path(__file__).resolve().parents[1]
NGINX = Path("/usr/sbin/nginx")
SITE = ROOT / "deploy" / "nginx-site.conf"

pytestmark = [
    pytest.mark.skipif(not NGINX.exists(), reason="nginx is not installed (make test installs it: .ci/install-nginx)"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (/usr/bin/chromium)"),
]


def nginx_config(folder: Path, port: int, replicas: list[int]) -> Path:
    """A whole nginx.conf around the documented site: this port, these replicas, everything in ``folder``."""
    site = SITE.read_text()
    site = re.sub(r"(?m)^    server 127\.0\.0\.1:\d+ .*\n", "", site)
    site = site.replace("    hash $cchc_route consistent;\n", "    hash $cchc_route consistent;\n" + "".join(
        f"    server 127.0.0.1:{replica} max_fails=2 fail_timeout=10s;\n" for replica in replicas))
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                            "scgi"))
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""  # workers may write the temp folders
    config = folder / "nginx.conf"
    config.write_text(f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
                      f"events {{ worker_connections 256; }}\nhttp {{\n    access_log {folder / 'access.log'};\n"
                      f"{temp}\n{site}}}\n")
    return config


def answers(url: str, process: subprocess.Popen, timeout: float = START_TIMEOUT) -> None:
    """Wait until ``url`` answers 200 (the replicas load the sample into PostgreSQL on the first start)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:3]} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def route_to(context, base: str, replica: int) -> None:
    """Give the browser a routing cookie that nginx's consistent hash sends to ``replica``'s port."""
    for n in range(64):
        context.add_cookies([{"name": "cchc_route", "value": f"k{n}", "url": base}])
        with urllib.request.urlopen(urllib.request.Request(f"{base}/healthz",
                                                           headers={"Cookie": f"cchc_route=k{n}"})) as answer:
            if answer.headers["X-Upstream"] == f"127.0.0.1:{replica}":
                return
    raise AssertionError(f"no routing key reaches replica {replica}")


def upstream(page) -> str:
    return page.evaluate("async () => (await fetch('healthz')).headers.get('x-upstream')")


def test_two_replicas_behind_nginx_share_uploads_and_logins(postgres_server, tmp_path):
    if postgres_server is None:
        pytest.skip("no PostgreSQL server (make test starts one)")
    started = time.monotonic()
    ports, proxy_port = [free_port(), free_port()], free_port()
    with database(postgres_server) as url:
        env = {**os.environ, ENV_DATABASE_URL: url, "CCHC_ADMIN_PASSWORD": ADMIN_PASSWORD,
               sessions.ENV_SECRET_KEY: "bi-mat-chung-cua-cac-may-chu-" + "x" * 16,
               "STREAMLIT_SERVER_COOKIE_SECRET": "bi-mat-cookie-cua-streamlit-dung-chung"}
        processes = []
        try:
            for n, port in enumerate(ports):  # each replica with its own data folder: they share only the database
                log = (tmp_path / f"replica{n + 1}.log").open("wb")
                processes.append(serve(port, {**env, ENV_DATA_DIR: str(tmp_path / f"data{n + 1}")}, log))
            for port, process in zip(ports, processes, strict=True):
                answers(f"http://127.0.0.1:{port}/healthz", process)
            (tmp_path / "nginx").mkdir()
            config = nginx_config(tmp_path / "nginx", proxy_port, ports)
            folder = tmp_path / "nginx"
            command = [str(NGINX), "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config), "-g",
                       "daemon off;"]
            processes.append(subprocess.Popen(command, stderr=(folder / "out.log").open("wb")))
            base = f"http://127.0.0.1:{proxy_port}"
            answers(f"{base}/healthz", processes[-1], timeout=20)
            browse(base, ports, tmp_path)
        finally:
            for process in reversed(processes):
                stop(process)
    print(f"\nreplicas test: {time.monotonic() - started:.1f} s")


def browse(base: str, ports: list[int], tmp_path: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            route_to(context, base, ports[0])
            page.goto(base)  # a fresh server's first page view (it answers "page not found" to a deep link then)
            settle(page, START_TIMEOUT * 1000)
            page.goto(f"{base}/tai-khoan")
            settle(page)
            assert upstream(page) == f"127.0.0.1:{ports[0]}"
            log_in(page)
            unit, period, filled = check_a_report(page, tmp_path, "qua-may-1")
            click(page, "Xác nhận lưu")
            page.get_by_text(re.compile(f"Đã lưu {filled.name}")).wait_for()

            route_to(context, base, ports[1])  # replica 1 is taken out: the same browser lands on replica 2
            page.goto(f"{base}/tinh-hinh-nop")
            assert logged_in_as_admin(page)  # the cookie replica 1 set is honoured by replica 2
            assert upstream(page) == f"127.0.0.1:{ports[1]}"
            page.wait_for_selector(".js-plotly-plot .main-svg")
            newest = page.get_by_role("combobox", name="Chọn báo cáo").input_value()
            assert newest.endswith(f"· {unit} · {period} · {filled.name}")  # uploaded through replica 1
            page.reload()
            assert logged_in_as_admin(page) and upstream(page) == f"127.0.0.1:{ports[1]}"
        finally:
            browser.close()

