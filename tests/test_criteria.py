import dataclasses

import pandas as pd
import pytest

from cchc.criteria import Criterion, check_criteria, load_criteria
from tests.par import CRITERIA, TREE


def test_default_criteria_trees_give_100_points():
    criteria = load_criteria()
    for tree in criteria.trees:
        assert sum(c.max for c in tree.criteria) == 100
        assert {c.kind for c in tree.criteria} == {"indicator", "council", "survey"}
    assert [t.min for t in criteria.tiers] == sorted((t.min for t in criteria.tiers), reverse=True)
    assert [t.name_vi for t in criteria.tiers] == ["Tốt", "Khá", "Trung bình", "Yếu"]


@pytest.mark.parametrize(
    ("interpolate", "achievement", "share"),
    [(False, 85, 0.8), (False, 79.9, 0.5), (False, 100, 1.0), (True, 85, 0.85), (True, 90, 0.9), (True, 40, 0.4),
     (True, 100, 1.0), (True, 0, 0.0)],
)
def test_rubric_steps_or_linear(interpolate, achievement, share):
    rubric = ((100, 1.0), (80, 0.8), (50, 0.5), (0, 0.0))
    got = dataclasses.replace(CRITERIA, rubric=rubric, interpolate=interpolate).share(pd.Series([achievement]))
    assert got.iloc[0] == pytest.approx(share)


@pytest.mark.parametrize(("attained", "share"), [(0, 0.0), (50, 0.0), (62.5, 0.25), (95, 0.9), (100, 1.0)])
def test_default_rubric_is_linear_from_half_way_to_the_target(attained, share):
    assert load_criteria().share(pd.Series([float(attained)])).iloc[0] == pytest.approx(share)


def _with(*criteria: Criterion):
    """CRITERIA with one more domain holding ``criteria``."""
    domain = dataclasses.replace(TREE.domains[0], code="DX", criteria=criteria)
    return dataclasses.replace(CRITERIA, trees=(dataclasses.replace(TREE, domains=(*TREE.domains, domain)),))


@pytest.mark.parametrize(
    ("criteria", "problem"),
    [(CRITERIA, None),
     (_with(Criterion("9.1", "DX", "vote", 5, "Bỏ phiếu", "Vote")), "9.1: unknown kind vote"),
     (_with(Criterion("9.1", "DX", "indicator", 5, "Trống", "Empty")), "9.1: an indicator criterion needs"),
     (_with(Criterion("6.2", "DX", "council", 5, "Lặp", "Repeat")), "test: criterion codes repeat"),
     (dataclasses.replace(CRITERIA, trees=()), "no criteria")],
    ids=["sound", "kind", "indicator-without-area", "repeat", "empty"],
)
def test_check_criteria_names_each_problem(criteria, problem):
    found = check_criteria(criteria)
    assert found == [] if problem is None else any(p.startswith(problem) for p in found)
