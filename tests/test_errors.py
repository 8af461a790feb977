"""Refusals (accounts, approvals, backups) carry a code whose message exists in both languages, as issues do."""

import ast
import string
from pathlib import Path

import pytest

from cchc.auth import AuthError, PermissionDenied
from cchc.backup import BackupError
from cchc.errors import REFUSALS, CodedError, message
from cchc.report import MESSAGES

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.glob("cchc/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"])
CODED = {"AuthError", "LoginFailed", "PermissionDenied", "BackupError", "CodedError"}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(REFUSALS))
def test_each_refusal_has_both_languages_with_the_same_fields(code):
    vi, en = REFUSALS[code]
    assert vi.strip() and en.strip() and vi != en
    assert _fields(vi) == _fields(en)


def test_no_refusal_code_means_something_else_among_the_issue_codes():
    assert not set(REFUSALS) & set(MESSAGES)


def raised_codes(path: Path) -> list[tuple[int, object]]:
    """(line, first argument) of every ``raise``/construction of a coded error in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in CODED:
            first = node.args[0] if node.args else None
            found.append((node.lineno, first.value if isinstance(first, ast.Constant) else first))
    return found


RAISED = [(f"{path.relative_to(ROOT)}:{line}", code) for path in SOURCES for line, code in raised_codes(path)]


def test_the_scan_finds_the_refusals():
    assert len(RAISED) > 30


@pytest.mark.parametrize(("where", "code"), RAISED, ids=[where for where, _ in RAISED])
def test_every_refusal_is_raised_with_a_known_code(where, code):
    assert isinstance(code, str) and (code in REFUSALS or code in MESSAGES), f"{where}: {code!r}"


@pytest.mark.parametrize(
    ("error", "vi", "en"),
    [(AuthError("no-account", name="thu.ha"), "Không có tài khoản «thu.ha».", "There is no account «thu.ha»."),
     (PermissionDenied("admin-only", action="khóa sổ"), "Chỉ tài khoản quản trị (Sở Nội vụ) mới được khóa sổ.",
      "Only administrator accounts (Department of Home Affairs) may do this (khóa sổ)."),
     (BackupError("backup-checksum", name="raw/ab"), "Tệp «raw/ab» trong bản sao lưu không khớp tổng kiểm (SHA-256); "
      "bản sao lưu bị hỏng.", "The file «raw/ab» in the backup does not match its checksum (SHA-256); the backup is "
      "damaged."),
     (AuthError("malformed-period", value="2018-X"), "Kỳ báo cáo «2018-X» không đúng dạng (ví dụ: 2018, 2018-H1, "
      "2018-Q3).", "Period «2018-X» is malformed (e.g. 2018, 2018-H1, 2018-Q3).")],
)
def test_a_refusal_reads_vietnamese_first_and_english_on_request(error, vi, en):
    assert isinstance(error, CodedError) and (str(error), error.text("vi"), error.text("en")) == (vi, vi, en)
    assert message(error.code, "en", **error.fields) == en
