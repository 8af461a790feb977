"""Every string the code asks for by a literal key exists in both languages, and the composed keys resolve."""

import ast
from pathlib import Path

import pytest

from cchc import approval, i18n
from cchc.dashboard import admin, districts

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.glob("cchc/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"])


def literal_keys(path: Path) -> set[str]:
    """The first arguments of ``t("…")`` / ``i18n.t("…")`` calls that are plain strings."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str) \
                and (getattr(node.func, "id", None) == "t" or getattr(node.func, "attr", None) == "t"):
            found.add(node.args[0].value)
    return found


KEYS = sorted({key for path in SOURCES for key in literal_keys(path)})


def test_the_scan_finds_the_keys():
    assert len(KEYS) > 150 and "page.overview" in KEYS and "map.schematic" in KEYS


@pytest.mark.parametrize("key", KEYS)
def test_every_literal_key_has_both_languages(key):
    assert key in i18n.STRINGS, key
    vi, en = i18n.STRINGS[key]
    assert vi.strip() and en.strip()


@pytest.mark.parametrize("key", [
    *(f"approval.{state}" for state in approval.STATES),
    *(f"map.{colour}" for colour in districts.COLOUR_BY),
])
def test_every_composed_key_has_both_languages(key):
    assert key in i18n.STRINGS, key
    assert all(text.strip() for text in i18n.STRINGS[key])


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_audit_actions_read_as_words(lang):
    for action in ("login", "login.failed", "submission.accepted", "approval.return", "period.lock", "user.add",
                   "par.record", "backup.restore", "sample.loaded"):
        assert admin.action_word(action, lang) != action and "." not in admin.action_word(action, lang)


@pytest.mark.parametrize(("key", "count", "text"), [
    ("upload.check_ok", 1, "Valid: SNV, 2020, 1 indicator."),
    ("upload.check_ok", 2, "Valid: SNV, 2020, 2 indicators."),
    ("upload.confirm", 1, "Store 1 valid file"),
    ("reason.missing", 1, "1 report missing"),
    ("audit.count", 1, "1 row (at most 5000, newest first)."),
    ("upload.check_warn", 0, "0 warnings to review."),
])
def test_english_counts_agree_in_number(key, count, text):
    assert i18n.t(key, "en", count=count, unit="SNV", period="2020", limit=5000) == text


def test_vietnamese_counts_are_left_alone():
    assert i18n.t("upload.check_ok", "vi", count=1, unit="SNV", period="2020") == "Hợp lệ: SNV, kỳ 2020, 1 chỉ tiêu."
