"""User documentation stays in step with the code: every issue code is explained to unit staff, every command
and option of the command line is in the README."""

import argparse
from pathlib import Path

import pytest

from cchc import cli
from cchc.report import MESSAGES

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_issue_code_is_explained_in_the_staff_guide(code):
    assert f"`{code}`" in (ROOT / "docs" / "HUONG_DAN.md").read_text(encoding="utf-8")


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[tuple[str, argparse.ArgumentParser]]:
    """(``export values``, its parser) for every command and sub-command the command line knows."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += [(f"{prefix}{name}", sub), *_commands(sub, f"{prefix}{name} ")]
    return found


COMMANDS = _commands(cli.build_parser())
SHARED = ("--help", "--data-dir", "--database-url")  # every command takes them; the README explains them once


@pytest.mark.parametrize(("command", "parser"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_and_option_is_in_the_readme(command, parser):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if f"`python -m cchc {command}" in line]
    options = [o for a in parser._actions for o in a.option_strings if o.startswith("--") and o not in SHARED]
    assert rows, command
    assert [o for o in options if not any(o in row for row in rows)] == []


@pytest.mark.parametrize("option", SHARED[1:])
def test_the_shared_options_are_in_the_readme(option):
    assert option in (ROOT / "README.md").read_text(encoding="utf-8")
