"""Reading pandas frames row by row, with the typing that fits: the callers know their columns, pandas-stubs types
every field of an ``itertuples`` row as any scalar."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd


def tuples(frame: pd.DataFrame, index: bool = False) -> Iterator[Any]:
    """The frame's rows as named tuples (``frame.itertuples``), fields typed by the caller's use."""
    return frame.itertuples(index=index)
