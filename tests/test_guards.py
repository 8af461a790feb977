"""Guards that keep the house in order: the domain package never imports streamlit, and the dashboard's first
start loads none of the development packages the sample generator needs."""

import ast
import importlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cchc import cli

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted((ROOT / "cchc").rglob("*.py"))
DEV_ONLY = ("xlwt", "msoffcrypto")  # requirements-dev.txt: only the sample generator's faulty files need them


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function (absolute names; relative ones as written)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_walk_sees_the_imports():
    assert "cchc.store" in imported(ROOT / "cchc" / "bootstrap.py") and len(MODULES) > 40


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_cchc_never_imports_streamlit(path):
    assert not {m for m in imported(path) if m.split(".")[0] == "streamlit"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_faulty_sample_files_use_development_packages(path):
    uses = {m for m in imported(path) if m.split(".")[0] in DEV_ONLY}
    assert not uses or path == ROOT / "cchc" / "sample" / "bad.py", uses


@pytest.mark.parametrize("module", ["cchc.bootstrap", "cchc.cli", "cchc.views"])
def test_the_first_start_and_the_command_line_load_no_development_package(module):
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    loaded = json.loads(done.stdout)
    assert module in loaded   # the probe itself works
    assert not [m for m in loaded if m.split(".")[0] in (*DEV_ONLY, "streamlit", "pytest")]


def test_the_console_entry_point_is_the_command_line():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    module, name = scripts["cchc"].split(":")
    assert getattr(importlib.import_module(module), name) is cli.main
    assert (ROOT / "cchc" / "py.typed").is_file()
