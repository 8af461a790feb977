"""Refusals of an action (accounts, approvals, backups) as coded errors with messages in both languages.

Like a validation :class:`cchc.report.Issue`, a refusal has a stable kebab-case code and its message is a template
keyed by that code, Vietnamese first, then English (:data:`REFUSALS`; a code of :data:`cchc.report.MESSAGES`
serves too when the meaning is the same, e.g. ``malformed-period``). ``str(error)`` is the Vietnamese message;
:meth:`CodedError.text` gives either language. No code here means something else in ``report.MESSAGES``.
"""

from __future__ import annotations

from cchc.i18n import fill
from cchc.report import MESSAGES

REFUSALS: dict[str, tuple[str, str]] = {
    # Accounts and logins (cchc.auth)
    "login-failed": (
        "Tên đăng nhập hoặc mật khẩu không đúng. Sau {limit} lần sai liên tiếp từ một máy, phải chờ một lúc mới thử "
        "lại được (quản trị viên đặt lại mật khẩu thì hết phải chờ).",
        "Wrong user name or password. After {limit} failures in a row from one computer, it must wait a while "
        "before the next try (an administrator resetting the password ends the wait)."),
    "email-not-assigned": (
        "Địa chỉ «{email}» chưa được gán tài khoản; đề nghị Sở Nội vụ cấp quyền.",
        "The address «{email}» has no account; ask the Department of Home Affairs for access."),
    "email-unverified": (
        "Nhà cung cấp đăng nhập chưa xác minh địa chỉ thư này.",
        "The sign-in provider has not verified this e-mail address."),
    "admin-only": (
        "Chỉ tài khoản quản trị (Sở Nội vụ) mới được {action}.",
        "Only administrator accounts (Department of Home Affairs) may do this ({action})."),
    "no-active-account": (
        "Không có tài khoản đang hoạt động tên «{name}»; --user phải là một tài khoản có quyền nộp cho đơn vị trong "
        "tệp (xem: python -m cchc user list).",
        "No active account named «{name}»; --user must be an account allowed to submit for the file's unit (see: "
        "python -m cchc user list)."),
    "no-account": ("Không có tài khoản «{name}».", "There is no account «{name}»."),
    "password-length": (
        "Mật khẩu phải dài từ {min} đến {max} ký tự.",
        "A password must be {min} to {max} characters long."),
    "password-too-simple": (
        "Mật khẩu quá đơn giản (không bắt đầu/kết thúc bằng dấu cách, không chỉ gồm chữ số, cần ít nhất 4 ký tự "
        "khác nhau).",
        "The password is too simple (no space at either end, not only digits, at least 4 different characters)."),
    "password-too-common": (
        "Mật khẩu này quá phổ biến, dễ bị đoán (có trong danh sách mật khẩu thường gặp, kể cả khi thêm số hay ký "
        "hiệu ở đầu/cuối); hãy chọn mật khẩu khác.",
        "This password is too common and easy to guess (it is on the list of common passwords, even with digits or "
        "symbols added at either end); choose another."),
    "password-mismatch": (
        "Hai lần nhập mật khẩu mới không khớp.",
        "The two new passwords differ."),
    "password-wrong": ("Mật khẩu hiện tại không đúng.", "The current password is wrong."),
    "password-unchanged": (
        "Mật khẩu mới phải khác mật khẩu hiện tại.",
        "The new password must differ from the current one."),
    "unknown-role": (
        "Vai trò «{role}» không có; chọn một trong: {roles}.",
        "There is no role «{role}»; choose one of: {roles}."),
    "account-units-unknown": (
        "Mã đơn vị không có trong danh mục: {units}.",
        "Unit codes not in the registry: {units}."),
    "account-needs-unit": (
        "Tài khoản cán bộ đơn vị phải gắn với ít nhất một đơn vị.",
        "A unit staff account needs at least one unit."),
    "invalid-email": ("Địa chỉ thư «{email}» không hợp lệ.", "The e-mail address «{email}» is not valid."),
    "invalid-user-name": (
        "Tên đăng nhập gồm 2–40 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới.",
        "A user name has 2–40 characters: lower-case letters without accents, digits, dots, hyphens, underscores."),
    "user-name-taken": ("Tên đăng nhập «{name}» đã có.", "The user name «{name}» is taken."),
    "self-demotion": (
        "Không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của chính mình.",
        "You cannot remove your own administrator role or deactivate your own account."),
    # Approvals and period locks (cchc.approval)
    "return-needs-reason": (
        "Khi trả lại báo cáo, hãy ghi rõ lý do để đơn vị sửa.",
        "When returning a report, say what the unit should fix."),
    "period-already-locked": ("Kỳ {period} đã khóa sổ từ trước.", "Period {period} is locked already."),
    "period-not-locked": ("Kỳ {period} đang mở, không cần mở lại.", "Period {period} is open; nothing to reopen."),
    "no-current-report": (
        "Đơn vị {unit} chưa có báo cáo hợp lệ nào cho kỳ {period}.",
        "Unit {unit} has no valid report for period {period}."),
    # Appraisal of the PAR self-assessment (cchc.evidence)
    "appraisal-score-range": (
        "Điểm thẩm định của tiêu chí {criterion} phải từ 0 đến {max}.",
        "The appraised score of criterion {criterion} must be between 0 and {max}."),
    "appraisal-survey-criterion": (
        "Tiêu chí {criterion} lấy điểm điều tra xã hội học, không chấm điểm thẩm định.",
        "Criterion {criterion} takes the survey score; it gets no appraised score."),
    "appraisal-needs-comment": (
        "Khi đánh dấu «bằng chứng chưa đủ», hãy ghi rõ tài liệu còn thiếu để đơn vị bổ sung.",
        "When marking the evidence insufficient, say which documents are missing so the unit can add them."),
    # Backups (cchc.backup)
    "backup-evidence-missing": (
        "Bản sao lưu thiếu {count} tài liệu kiểm chứng (ví dụ {example}…); bản sao lưu không trọn vẹn.",
        "The backup lacks {count} evidence files (for example {example}…); it is incomplete."),
    "backup-not-written": (
        "Không ghi được tệp sao lưu «{path}»: {reason}.",
        "The backup file «{path}» could not be written: {reason}."),
    "restore-folder-not-empty": (
        "Thư mục dữ liệu «{path}» không trống; chỉ khôi phục vào một thư mục trống.",
        "The data folder «{path}» is not empty; restore only into an empty folder."),
    "restore-database-not-empty": (
        "Cơ sở dữ liệu «{database}» không trống; chỉ khôi phục vào một cơ sở dữ liệu trống.",
        "The database «{database}» is not empty; restore only into an empty database."),
    "backup-unreadable": (
        "«{path}» không phải tệp sao lưu hợp lệ ({detail}).",
        "«{path}» is not a valid backup file ({detail})."),
    "backup-too-new": (
        "Tệp sao lưu được tạo bởi phiên bản mới hơn của chương trình; hãy cập nhật trước.",
        "The backup was made by a newer version of the program; update first."),
    "backup-manifest": (
        "Tệp sao lưu thiếu hoặc hỏng bản kê (manifest.json).",
        "The backup's manifest (manifest.json) is missing or damaged."),
    "backup-foreign": (
        "Tệp không phải bản sao lưu của chương trình này (hoặc của phiên bản khác).",
        "The file is not a backup of this program (or of another version)."),
    "backup-members": (
        "Các tệp trong bản sao lưu không khớp với bản kê; bản sao lưu có thể đã bị sửa.",
        "The files in the backup do not match its manifest; it may have been altered."),
    "backup-damaged": (
        "Tệp sao lưu bị hỏng ở «{name}» ({detail}).",
        "The backup is damaged at «{name}» ({detail})."),
    "backup-checksum": (
        "Tệp «{name}» trong bản sao lưu không khớp tổng kiểm (SHA-256); bản sao lưu bị hỏng.",
        "The file «{name}» in the backup does not match its checksum (SHA-256); the backup is damaged."),
}


def message(code: str, lang: str = "vi", **fields: object) -> str:
    """The message of a refusal code (or of an issue code of the same meaning) in ``lang``, filled with
    ``fields``."""
    vi, en = REFUSALS[code] if code in REFUSALS else MESSAGES[code]
    return fill(en if lang == "en" else vi, fields)


class CodedError(Exception):
    """A refused action: a code of :data:`REFUSALS` (or :data:`cchc.report.MESSAGES`) and the fields of its
    message; ``str()`` is the Vietnamese message, safe to show."""

    def __init__(self, code: str, **fields: object) -> None:
        self.code, self.fields = code, fields
        super().__init__(message(code, "vi", **fields))

    def text(self, lang: str = "vi") -> str:
        """The message in ``lang`` (Vietnamese unless ``"en"``)."""
        return message(self.code, lang, **self.fields)
