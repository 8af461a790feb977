"""The words and colours of codes: the statuses the analytics give (progress, completeness) and a stored file's,
the audited actions, the names of the two blocks, each in Vietnamese and English: defined here once, at the bottom
of the house.

The analytics (:mod:`cchc.progress`, :mod:`cchc.completeness`) give codes only; the dashboard, the charts and the
exports turn them into words and colours from these tables (:func:`cchc.i18n.status_label`,
:func:`cchc.i18n.block_label`).
"""

from __future__ import annotations

#: Status code → (Vietnamese, English): progress against a target, a report's timeliness, a stored file.
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
    "accepted": ("Đã nhận", "Accepted"),
    "rejected": ("Bị từ chối", "Rejected"),
    "superseded": ("Đã thay thế", "Superseded"),
    "returned": ("Bị trả lại (không tính)", "Returned (not counted)"),
    "duplicate": ("Trùng lặp", "Duplicate"),
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
#: Audited action (a group such as ``login``, or an action such as ``login.failed``) → (Vietnamese, English).
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "login": ("Đăng nhập", "Log in"),
    "login.failed": ("Đăng nhập sai", "Failed log-in"),
    "login.locked": ("Khóa tài khoản do đăng nhập sai", "Account locked after failed log-ins"),
    "login.refused": ("Từ chối đăng nhập (đang khóa)", "Log-in refused (locked)"),
    "logout": ("Đăng xuất", "Log out"),
    "submission": ("Nộp báo cáo", "Report uploads"),
    "submission.accepted": ("Nhận báo cáo", "Report accepted"),
    "submission.rejected": ("Từ chối báo cáo có lỗi", "Report rejected (errors)"),
    "submission.duplicate": ("Tệp trùng lặp", "Duplicate file"),
    "submission.refused": ("Từ chối nộp (không có quyền hoặc đã khóa sổ)",
                           "Upload refused (no right or period locked)"),
    "submission.supersede": ("Báo cáo bị thay thế", "Report superseded"),
    "approval": ("Duyệt báo cáo", "Approvals"),
    "approval.approve": ("Duyệt báo cáo", "Report approved"),
    "approval.return": ("Trả lại báo cáo", "Report returned"),
    "period": ("Khóa sổ", "Period locks"),
    "period.lock": ("Khóa sổ kỳ báo cáo", "Period locked"),
    "period.reopen": ("Mở lại kỳ báo cáo", "Period reopened"),
    "user": ("Tài khoản", "Accounts"),
    "user.add": ("Tạo tài khoản", "Account created"),
    "user.update": ("Sửa tài khoản", "Account changed"),
    "user.password": ("Đổi mật khẩu", "Password changed"),
    "user.password.failed": ("Đổi mật khẩu không thành công", "Password change failed"),
    "user.password.reset": ("Đặt lại mật khẩu", "Password reset"),
    "user.rehash": ("Cập nhật mã hóa mật khẩu", "Password hash renewed"),
    "par": ("Điểm Chỉ số CCHC", "PAR index scores"),
    "par.record": ("Nhập điểm Chỉ số CCHC", "PAR scores entered"),
    "backup": ("Sao lưu", "Backups"),
    "backup.create": ("Tạo bản sao lưu", "Backup made"),
    "backup.restore": ("Khôi phục từ bản sao lưu", "Backup restored"),
    "sample": ("Dữ liệu mẫu", "Sample data"),
    "sample.loaded": ("Nạp dữ liệu mẫu", "Sample data loaded"),
    "session": ("Phiên đăng nhập", "Login sessions"),
    "session.logout_all": ("Đăng xuất khỏi mọi nơi", "Logged out everywhere"),
    "evidence": ("Tài liệu kiểm chứng", "Evidence files"),
    "evidence.add": ("Đính kèm tài liệu kiểm chứng", "Evidence attached"),
    "evidence.refused": ("Từ chối tài liệu kiểm chứng", "Evidence refused"),
    "evidence.appraise": ("Thẩm định tiêu chí", "Criterion appraised"),
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
