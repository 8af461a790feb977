"""Shared fixtures: ``make_workbook`` builds a filled reporting workbook in code (see tests/workbooks.py);
``local_midnight`` holds the clock just after midnight in Hưng Yên under each machine time zone;
``sample_install`` is a data folder with the bundled sample data; ``backend`` runs a test once on the embedded
store and once on a fresh PostgreSQL database."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from cchc import bootstrap, clock
from cchc.config import ENV_DATABASE_URL
from cchc.store import Store
from tests.workbooks import build_workbook


@pytest.fixture(scope="session")
def sample_install(tmp_path_factory) -> Path:
    """A data folder holding the bundled sample data, loaded once by the app's own first-start path (read only)."""
    directory = tmp_path_factory.mktemp("sample-install") / "data"
    bootstrap.ensure_database(directory)
    return directory


@pytest.fixture
def make_workbook():
    """``make_workbook(unit="SNV", period="2018", **knobs) -> bytes`` (.xlsx), see ``build_workbook``."""
    return build_workbook


JUST_AFTER_LOCAL_MIDNIGHT = dt.datetime(2026, 12, 1, 0, 5, tzinfo=clock.LOCAL_TIME)  # 17:05 UTC, 30 November
MACHINE_TIME_ZONES = ("UTC", "Asia/Ho_Chi_Minh")


@contextmanager
def machine_time_zone(name: str) -> Iterator[None]:
    """Run the block as if the machine's time zone (``TZ``) were ``name``."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("TZ")
        else:
            os.environ["TZ"] = previous
        time.tzset()


@pytest.fixture(params=MACHINE_TIME_ZONES)
def local_midnight(request) -> Iterator[dt.datetime]:
    """Five minutes after midnight in Hưng Yên (still yesterday in UTC), once per machine time zone."""
    with machine_time_zone(request.param), clock.frozen(JUST_AFTER_LOCAL_MIDNIGHT):
        yield JUST_AFTER_LOCAL_MIDNIGHT


ENV_TEST_DATABASE_URL = "CCHC_TEST_DATABASE_URL"
LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def postgres_server() -> str | None:
    """A PostgreSQL server the tests may create databases on: ``CCHC_TEST_DATABASE_URL`` (which must answer),
    else 127.0.0.1:5432 when it answers (``make test`` starts a throwaway one when none does), else None."""
    url = os.environ.get(ENV_TEST_DATABASE_URL)
    try:
        psycopg.connect(url or LOCAL_SERVER, connect_timeout=3).close()
    except psycopg.OperationalError:
        if url:
            raise
        return None
    return url or LOCAL_SERVER


@contextmanager
def database(server: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on ``server`` (its address), dropped afterwards."""
    name = sql.Identifier(f"cchc_test_{uuid.uuid4().hex[:16]}")
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    try:
        yield psycopg.conninfo.make_conninfo(server, dbname=name.as_string().strip('"'))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(name))


@pytest.fixture(autouse=True)
def embedded_unless_asked(monkeypatch) -> None:
    """Tests use the embedded store whatever the shell says; ``backend`` sets ``CCHC_DATABASE_URL`` itself."""
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)


@pytest.fixture(params=["duckdb", "postgresql"])
def backend(request, monkeypatch) -> Iterator[str]:
    """The test runs on the embedded store, then on a fresh PostgreSQL database dropped afterwards:
    ``CCHC_DATABASE_URL`` names it, so every Store of the test (and every command-line process) uses it."""
    if request.param == "duckdb":
        yield ""
        return
    server = request.getfixturevalue("postgres_server")
    if server is None:
        pytest.skip("no PostgreSQL server (make test starts one)")
    with database(server) as url:
        monkeypatch.setenv(ENV_DATABASE_URL, url)
        yield url


@pytest.fixture
def make_store(backend, request) -> Iterator[Callable[[Path], Store]]:
    """``make_store(folder)``: another installation, apart from the test's main one: an embedded store in
    ``folder``, or on PostgreSQL a store on a database of its own (dropped afterwards)."""
    with ExitStack() as stack:
        def make(folder: Path) -> Store:
            if not backend:
                return Store(folder)
            return Store(folder, database_url=stack.enter_context(database(request.getfixturevalue(
                "postgres_server"))))

        yield make


embedded_only = pytest.mark.parametrize("backend", ["duckdb"], indirect=True)  # DuckDB's file lock
