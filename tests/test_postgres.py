"""What only the PostgreSQL backend has: a server that does not answer is said in Vietnamese, processes that
create the schema at once create it once, and the first start loads the sample once however many start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cchc import bootstrap, cli
from cchc.store import MIGRATIONS, Store, StoreBusy

ROOT = Path(__file__).resolve().parents[1]
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/cchc"
postgres_only = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def test_a_server_that_does_not_answer_is_said_in_vietnamese(tmp_path, capsys):
    with pytest.raises(StoreBusy, match="Không kết nối được máy chủ cơ sở dữ liệu PostgreSQL"):
        Store(tmp_path, database_url=UNREACHABLE).submissions()
    assert cli.main(["user", "list", "--database-url", UNREACHABLE]) == 2
    err = capsys.readouterr().err
    assert "Không kết nối được" in err and "postgresql://127.0.0.1:1/cchc" in err


@postgres_only
def test_processes_creating_the_schema_at_once_create_it_once(tmp_path, backend):
    script = "import sys; from cchc.store import Store; print(Store(sys.argv[1]).schema_version())"
    runs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outcomes = [run.communicate(timeout=300) for run in runs]
    assert [out.strip() for out, _ in outcomes] == [str(len(MIGRATIONS))] * 4, outcomes
    store = Store(tmp_path)
    assert store.row_count("schema_version") == len(MIGRATIONS) and store.row_count("unit") == 29


@postgres_only
def test_first_start_loads_the_sample_once_and_never_again(tmp_path, backend):
    script = ("import sys; from cchc import bootstrap; r = bootstrap.ensure_database(sys.argv[1]);"
              " print(r.created, r.loaded)")
    runs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / str(n))], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(3)]
    outcomes = sorted(run.communicate(timeout=600)[0].strip() for run in runs)
    assert outcomes == ["False 0", "False 0", "True 248"], outcomes
    store = Store(tmp_path)
    assert len(store.submissions()) == 248 and bootstrap.sample_loaded(store)
    store.reset()
    store.audit("admin", "database.reset")  # as `python -m cchc reset --yes` leaves it: used, so never refilled
    again = bootstrap.ensure_database(tmp_path)
    assert (again.created, again.loaded) == (False, 0)
    assert store.submissions().empty
