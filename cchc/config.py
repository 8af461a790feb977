"""Where the data lives: ``--data-dir``, else the ``CCHC_DATA_DIR`` environment variable, else ``./data``; and
which database holds it: ``--database-url``, else ``CCHC_DATABASE_URL`` (PostgreSQL), else the embedded DuckDB
file in the data folder."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATA_DIR = "CCHC_DATA_DIR"
ENV_DATABASE_URL = "CCHC_DATABASE_URL"
DEFAULT_DATA_DIR = "data"


def data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The data folder to use (not created here: the store creates it, empty, on first use)."""
    chosen = cli_value or os.environ.get(ENV_DATA_DIR) or DEFAULT_DATA_DIR
    return Path(chosen).expanduser()


def database_url(cli_value: str | None = None) -> str:
    """The PostgreSQL address (``postgresql://user@host:port/database``), or "" for the embedded database."""
    return cli_value or os.environ.get(ENV_DATABASE_URL, "")
