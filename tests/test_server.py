"""server.py's own routes, on a real ``python -m cchc serve``: /healthz, and the cookie routes' answers."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cchc import sessions
from cchc.config import ENV_DATA_DIR, ENV_DATABASE_URL
from tests.test_browser import free_port, serve, stop, wait_healthy


def get(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    answer = connection.getresponse()
    answer.read()
    return answer


@pytest.fixture
def server(tmp_path):
    """``serve(database_url)`` → the port of a running server on a fresh data folder; stopped afterwards."""
    started = []

    def start(database_url: str = "") -> int:
        port = free_port()
        env = {**os.environ, ENV_DATA_DIR: str(tmp_path / "data"), ENV_DATABASE_URL: database_url}
        log = (tmp_path / f"server-{port}.log").open("wb")
        process = serve(port, env, log)
        started.append((process, log))
        wait_healthy(f"http://127.0.0.1:{port}", process)  # Streamlit's own health: the process is up
        return port

    yield start
    for process, log in started:
        stop(process)
        log.close()


def test_healthz_answers_ok_when_the_database_answers(server, tmp_path):
    port = server()
    answer = get(port, "/healthz")
    assert (answer.status, answer.getheader("content-type")) == (200, "text/plain; charset=utf-8")
    assert (tmp_path / "data" / "cchc.duckdb").exists()  # created and filled with the sample, as the pages do


def test_healthz_answers_503_when_the_database_does_not(server):
    closed = free_port()  # nothing listens there
    answer = get(server(f"postgresql://postgres@127.0.0.1:{closed}/cchc"), "/healthz")
    assert answer.status == 503


@pytest.mark.parametrize(("path", "location"), [
    ("/session/open?code=not-a-code&next=tai-khoan", "../tai-khoan"),
    ("/session/open?next=tong-quan", "../tong-quan"),
    ("/session/open?code=x&next=//evil.example/", "../"),  # never another site
    ("/session/open?code=x&next=https://evil.example", "../"),
    ("/session/close?next=tai-khoan", "../tai-khoan"),
])
def test_cookie_routes_without_a_valid_code_delete_the_cookie(server, path, location):
    answer = get(server(), path)
    assert (answer.status, answer.getheader("location")) == (303, location)
    deleted, given = answer.headers.get_all("set-cookie")
    assert deleted == sessions.set_cookie_header("", secure=False)
    assert given.startswith(f"{sessions.BROWSER_COOKIE}=")  # a browser without one gets it with any answer
    assert answer.getheader("cache-control") == "no-store"


def test_the_browser_cookie_is_given_once(server):
    port = server()
    first = get(port, "/")
    given = first.getheader("set-cookie")
    assert given.startswith(f"{sessions.BROWSER_COOKIE}=") and "HttpOnly" in given
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/", headers={"Cookie": given.split(";")[0]})
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 200 and answer.getheader("set-cookie") is None


def test_serve_runs_from_any_folder(tmp_path):
    """Started elsewhere, with a relative data folder: that folder is the one beside the caller, not the
    project's (serve moves into the project folder, where Streamlit finds .streamlit/config.toml)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1]), "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
    env.pop(ENV_DATA_DIR, None)
    with (tmp_path / "server.log").open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "cchc", "serve", "--data-dir", "mine", "--port", str(port),
                                    "--address", "127.0.0.1"], cwd=tmp_path, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process)
        assert get(port, "/healthz").status == 200
        assert (tmp_path / "mine" / "cchc.duckdb").exists()
    finally:
        stop(process)
