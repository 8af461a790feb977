"""The words and colours of the codes the analytics give (progress and completeness statuses) and the names of
the two blocks, each in Vietnamese and English: defined here once, at the bottom of the house.

The analytics (:mod:`cchc.progress`, :mod:`cchc.completeness`) give codes only; the dashboard, the charts and the
exports turn them into words and colours from these tables (:func:`cchc.i18n.status_label`,
:func:`cchc.i18n.block_label`).
"""

from __future__ import annotations

#: Status code → (Vietnamese, English): progress against a target, then a report's timeliness.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "achieved": ("Đã đạt mục tiêu", "Target achieved"),
    "not_achieved": ("Không đạt", "Not achieved"),
    "on_track": ("Đúng tiến độ", "On track"),
    "needs_acceleration": ("Cần đẩy nhanh", "Needs acceleration"),
    "limited": ("Tiến bộ hạn chế", "Limited progress"),
    "deteriorating": ("Đi xuống", "Deteriorating"),
    "baseline": ("Năm gốc", "Baseline"),
    "no_data": ("Chưa có số liệu", "No data"),
    "no_target": ("Không có chỉ tiêu số", "No numeric target"),
    "on_time": ("Đúng hạn", "On time"),
    "late": ("Nộp muộn", "Late"),
    "missing": ("Chưa nộp", "Missing"),
    "not_applicable": ("Không áp dụng", "Not applicable"),
}
STATUS_COLOURS: dict[str, str] = {
    "achieved": "#1a7f37",
    "not_achieved": "#7a1f1f",
    "on_track": "#7cc46b",
    "needs_acceleration": "#f2c14e",
    "limited": "#f08a3c",
    "deteriorating": "#d1362f",
    "baseline": "#9aa5b1",
    "no_data": "#b8b8b8",
    "no_target": "#8fb4d9",
    "on_time": "#1a7f37",
    "late": "#f2c14e",
    "missing": "#d1362f",
    "not_applicable": "#b8b8b8",
}
#: Block code → (Vietnamese, English) name.
BLOCK_NAMES: dict[str, tuple[str, str]] = {
    "so": ("Sở, ban, ngành", "Departments"),
    "huyen": ("Huyện, thị xã, thành phố", "Districts"),
}


def status_vi(code: str) -> str:
    """The Vietnamese words of a status code (the code itself when it has none: an export's ``behind`` count)."""
    return STATUS_LABELS[code][0] if code in STATUS_LABELS else code


def block_vi(block: str) -> str:
    """The Vietnamese name of a block (``Sở, ban, ngành``), as the official exports write it."""
    return BLOCK_NAMES[block][0]
