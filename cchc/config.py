"""Where the data lives: ``--data-dir``, else the ``CCHC_DATA_DIR`` environment variable, else ``./data``."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATA_DIR = "CCHC_DATA_DIR"
DEFAULT_DATA_DIR = "data"


def data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The data folder to use (not created here: the store creates it, empty, on first use)."""
    chosen = cli_value or os.environ.get(ENV_DATA_DIR) or DEFAULT_DATA_DIR
    return Path(chosen).expanduser()
