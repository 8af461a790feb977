"""A short, bounded run of the upload fuzzer (benchmarks/fuzz.py; the long run is documented there and in the
README): a fixed number of mutated reports, each accepted or refused with a known code, none crashing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

# loaded by path: putting benchmarks/ on sys.path would hide the pages package behind benchmarks/pages.py
_SPEC = importlib.util.spec_from_file_location("benchmarks_fuzz",
                                               Path(__file__).resolve().parents[1] / "benchmarks" / "fuzz.py")
fuzz = sys.modules["benchmarks_fuzz"] = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(fuzz)


@pytest.mark.parametrize("seed", [11, 12])
def test_mutated_reports_are_accepted_or_refused_with_a_code(seed):
    summary = fuzz.run(files=150, seed=seed)
    assert summary.files == 150 and not summary.failures, summary.failures[:5]
    assert summary.outcomes["accepted"] and sum(summary.outcomes.values()) == 150
    assert "resource-limit" not in summary.outcomes  # the guard, not the worker's limits, refuses them
