"""Words and colours of the analytics' codes: defined once (cchc/labels.py), covering every code they give."""

import pytest

from cchc.catalog import BLOCKS
from cchc.completeness import COMPLETENESS_STATUSES
from cchc.dashboard.admin import AUDIT_GROUPS
from cchc.i18n import block_label, status_label
from cchc.labels import ACTION_LABELS, BLOCK_NAMES, STATUS_COLOURS, STATUS_LABELS, block_vi, status_vi
from cchc.progress import STATUSES

FILE_STATUSES = ("accepted", "rejected", "superseded", "returned", "duplicate")  # a stored file's


def test_every_status_has_words_and_a_colour_in_the_analytics_order():
    assert tuple(STATUS_COLOURS) == (*STATUSES, *COMPLETENESS_STATUSES)
    assert set(STATUS_LABELS) == {*STATUS_COLOURS, *FILE_STATUSES}
    assert all(vi and en and vi != en for vi, en in STATUS_LABELS.values())
    assert tuple(BLOCK_NAMES) == BLOCKS


@pytest.mark.parametrize("group", AUDIT_GROUPS)
def test_every_audit_group_has_words(group):
    vi, en = ACTION_LABELS[group]
    assert vi.strip() and en.strip()


@pytest.mark.parametrize(
    ("code", "lang", "words"),
    [("achieved", "vi", "Đã đạt mục tiêu"), ("achieved", "en", "Target achieved"), ("late", "vi", "Nộp muộn"),
     ("no_data", "en", "No data"), ("rejected", "vi", "Bị từ chối"), ("rejected", "en", "Rejected")],
)
def test_status_label_speaks_both_languages(code, lang, words):
    assert status_label(code, lang) == words


@pytest.mark.parametrize(
    ("code", "words"), [("on_time", "Đúng hạn"), ("not_achieved", "Không đạt"), ("behind", "behind")],
)
def test_status_vi_keeps_a_code_without_words(code, words):
    assert status_vi(code) == words


@pytest.mark.parametrize(
    ("block", "lang", "name"),
    [("so", "vi", "Sở, ban, ngành"), ("so", "en", "Departments"), ("huyen", "vi", "Huyện, thị xã, thành phố"),
     ("huyen", "en", "Districts")],
)
def test_block_names(block, lang, name):
    assert block_label(block, lang) == name
    assert block_vi(block) == BLOCK_NAMES[block][0]
