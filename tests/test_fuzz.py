"""A short, bounded run of the upload fuzzer (benchmarks/fuzz.py; the long run is documented there and in the
README): a fixed number of mutated reports, each accepted or refused with a known code, none crashing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import fuzz  # noqa: E402


@pytest.mark.parametrize("seed", [11, 12])
def test_mutated_reports_are_accepted_or_refused_with_a_code(seed):
    summary = fuzz.run(files=150, seed=seed)
    assert summary.files == 150 and not summary.failures, summary.failures[:5]
    assert summary.outcomes["accepted"] and sum(summary.outcomes.values()) == 150
    assert "resource-limit" not in summary.outcomes  # the guard, not the worker's limits, refuses them
