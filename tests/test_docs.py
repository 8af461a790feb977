"""User documentation stays in step with the code: every issue code is explained to unit staff."""

from pathlib import Path

import pytest

from cchc.report import MESSAGES

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_issue_code_is_explained_in_the_staff_guide(code):
    assert f"`{code}`" in (ROOT / "docs" / "HUONG_DAN.md").read_text(encoding="utf-8")


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
