"""migrate-db: an embedded installation moves into an empty PostgreSQL database whole (every table, every
received file), keeps working there, and a database that is not empty is refused."""

from __future__ import annotations

import pytest

from cchc import cli, ingest
from cchc.store import BACKUP_TABLES, CATALOG_TABLES, Store
from tests.conftest import database
from tests.test_backup import cheap_hashing, fill  # noqa: F401 (cheap_hashing: an autouse fixture)
from tests.workbooks import build_workbook


def rows(store: Store, name: str):
    frame = store.table(name)
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)  # the same order whatever the collation


def test_migrate_db_copies_everything_checks_it_and_refuses_a_used_database(tmp_path, capsys, postgres_server):
    if postgres_server is None:
        pytest.skip("no PostgreSQL server (make test starts one)")
    source = fill(Store(tmp_path / "data", database_url=""))
    with database(postgres_server) as url:
        assert cli.main(["migrate-db", "--to", url, "--data-dir", str(source.data_dir)]) == 0
        out = capsys.readouterr().out
        assert "4 tệp gốc" in out and "đều khớp" in out
        target = Store(tmp_path / "elsewhere", database_url=url)
        for name in (*BACKUP_TABLES, *CATALOG_TABLES):
            before, after = rows(source, name), rows(target, name)
            if name == "audit":
                assert after["action"].tolist().count("database.migrate") == 1
                after = after[after["action"] != "database.migrate"].reset_index(drop=True)
            assert before.equals(after), name
        assert {h: target.raw_file(h) for h in target.raw_hashes()} == {h: source.raw_file(h)
                                                                         for h in source.raw_hashes()}
        result = ingest.ingest_file(target, build_workbook("SYT", "2019"), "syt19.xlsx", user="admin")
        assert (result.status, result.submission_id) == ("accepted", 5)  # ids continue after the copied ones
        assert target.locked_periods() == {"2018"}
        assert cli.main(["migrate-db", "--to", url, "--data-dir", str(source.data_dir)]) == 2
        assert "không trống" in capsys.readouterr().err
