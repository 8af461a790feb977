"""Validation findings as data: an :class:`Issue` per problem, gathered in a :class:`Report`.

Messages are templates keyed by the issue's stable kebab-case code, in Vietnamese and English. Checks
give the template's fields (``value``, ``limit`` …); the sheet/cell reference is prefixed by :meth:`Issue.text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cchc.i18n import fill

Severity = Literal["error", "warning"]
MAX_FIELD_CHARS = 120  # longest text a message quotes from a file

MESSAGES: dict[str, tuple[str, str]] = {
    "not-a-workbook": (
        "Tệp không phải là bảng tính Excel/LibreOffice hợp lệ (.xlsx, .xlsm, .xls, .ods).",
        "The file is not a valid Excel/LibreOffice workbook (.xlsx, .xlsm, .xls, .ods).",
    ),
    "corrupt-file": (
        "Tệp bị hỏng, không đọc được: {detail}.",
        "The file is corrupt and cannot be read: {detail}.",
    ),
    "encrypted": (
        "Tệp được đặt mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại.",
        "The file is password-protected. Remove the password and upload it again.",
    ),
    "file-too-large": (
        "Tệp quá lớn ({size}); giới hạn là {limit}.",
        "The file is too large ({size}); the limit is {limit}.",
    ),
    "suspicious-archive": (
        "Tệp nén bất thường (giải nén ra {size}, giới hạn {limit}); tệp bị từ chối.",
        "Suspicious archive (expands to {size}, limit {limit}); the file was refused.",
    ),
    "text-too-large": (
        "Một ô chữ dài {size} ký tự; giới hạn là {limit} ký tự.",
        "A text cell is {size} characters long; the limit is {limit}.",
    ),
    "content-too-large": (
        "Nội dung bảng tính quá lớn khi giải nén ({size}); giới hạn là {limit}. Tệp bị từ chối.",
        "The workbook's content is too large once expanded ({size}); the limit is {limit}. The file was refused.",
    ),
    "resource-limit": (
        "Đọc tệp vượt quá giới hạn bộ nhớ hoặc thời gian ({limit}); tệp bị từ chối, hệ thống vẫn hoạt động bình "
        "thường. Hãy mở tệp bằng Excel, lưu lại từ biểu mẫu gốc rồi tải lên lại.",
        "Reading the file exceeded the memory or time limit ({limit}); the file was refused and the system carries "
        "on. Open it in Excel, save it from the original template and upload it again.",
    ),
    "sheet-too-large": (
        "Trang «{sheet}» quá lớn ({size}); giới hạn là {limit}.",
        "Sheet «{sheet}» is too large ({size}); the limit is {limit}.",
    ),
    "missing-sheet": (
        "Không tìm thấy trang «{sheet}» có dòng tiêu đề «Mã chỉ tiêu».",
        "No sheet «{sheet}» with a «Mã chỉ tiêu» header row was found.",
    ),
    "missing-column": (
        "Thiếu cột «{column}» ở dòng tiêu đề.",
        "The header row lacks the column «{column}».",
    ),
    "missing-info": (
        "Thiếu thông tin «{label}» ở trang Thông tin.",
        "The information sheet lacks «{label}».",
    ),
    "unknown-unit": (
        "Mã đơn vị «{value}» không có trong danh mục đơn vị.",
        "Unit code «{value}» is not in the unit registry.",
    ),
    "unit-not-reporting": (
        "Đơn vị «{value}» không báo cáo theo biểu mẫu này (chỉ các sở, ban, ngành và UBND cấp huyện báo cáo).",
        "Unit «{value}» does not report on this template (only departments and district-level units do).",
    ),
    "unit-not-valid": (
        "Đơn vị «{value}» không hoạt động trong kỳ {period}.",
        "Unit «{value}» did not exist in period {period}.",
    ),
    "malformed-period": (
        "Kỳ báo cáo «{value}» không đúng dạng (ví dụ: 2018, 2018-H1, 2018-Q3).",
        "Period «{value}» is malformed (e.g. 2018, 2018-H1, 2018-Q3).",
    ),
    "unknown-period": (
        "Kỳ báo cáo «{value}» nằm ngoài giai đoạn theo dõi.",
        "Period «{value}» is outside the monitored years.",
    ),
    "template-version": (
        "Biểu mẫu phiên bản «{value}» đã cũ hoặc không đúng; hãy tải biểu mẫu mới (phiên bản {expected}).",
        "Template version «{value}» is outdated or unknown; download the current template (version {expected}).",
    ),
    "unknown-indicator": (
        "Mã chỉ tiêu «{value}» không có trong danh mục.",
        "Indicator code «{value}» is not in the catalog.",
    ),
    "indicator-not-applicable": (
        "Chỉ tiêu «{value}» không áp dụng cho loại đơn vị này.",
        "Indicator «{value}» does not apply to this kind of unit.",
    ),
    "duplicate-indicator": (
        "Chỉ tiêu «{value}» bị lặp (đã có ở ô {first}).",
        "Indicator «{value}» appears twice (first at {first}).",
    ),
    "note-too-long": (
        "Ghi chú dài {size} ký tự; tối đa {limit} ký tự. Hãy rút gọn, phần giải trình dài gửi kèm báo cáo bằng "
        "văn bản.",
        "The note is {size} characters long; at most {limit}. Shorten it and send long explanations in the written "
        "report.",
    ),
    "not-a-number": (
        "«{value}» không phải là số.",
        "«{value}» is not a number.",
    ),
    "negative-value": (
        "Giá trị {value} bị âm; số liệu không được âm.",
        "Value {value} is negative; figures cannot be negative.",
    ),
    "not-an-integer": (
        "{value} phải là số nguyên (số lượng đếm được).",
        "{value} must be a whole number (a count).",
    ),
    "numerator-exceeds-denominator": (
        "Tử số ({value}) lớn hơn mẫu số ({limit}).",
        "Numerator ({value}) exceeds denominator ({limit}).",
    ),
    "zero-denominator": (
        "Mẫu số bằng 0 trong khi tử số khác 0.",
        "The denominator is zero while the numerator is not.",
    ),
    "zero-over-zero": (
        "Tử số và mẫu số đều bằng 0 (mẫu số bằng 0): chỉ tiêu được coi là chưa có số liệu, không tính là 0%.",
        "Numerator and denominator are both 0 (zero denominator): the indicator counts as no data, not as 0%.",
    ),
    "number-too-large": (
        "Số {value} vượt quá giới hạn {limit}; hãy kiểm tra lại (có thể gõ thừa chữ số).",
        "The number {value} exceeds the limit of {limit}; check it (an extra digit?).",
    ),
    "percent-out-of-range": (
        "Tỷ lệ {value}% nằm ngoài khoảng 0–100%.",
        "Percentage {value}% is outside 0–100%.",
    ),
    "yes-no-not-understood": (
        "«{value}» không hiểu được; hãy ghi «Có» hoặc «Không».",
        "«{value}» is not understood; write «Có» or «Không».",
    ),
    "required-value-missing": (
        "Chưa nhập số liệu cho chỉ tiêu bắt buộc «{value}».",
        "No figure for the required indicator «{value}».",
    ),
    "missing-indicator": (
        "Thiếu dòng của chỉ tiêu bắt buộc «{value}».",
        "The row of the required indicator «{value}» is missing.",
    ),
    "value-mismatch": (
        "Giá trị {value}% không khớp với tử số/mẫu số ({limit}%).",
        "Value {value}% does not match numerator/denominator ({limit}%).",
    ),
    "implausible-change": (
        "Giá trị {value} thay đổi bất thường so với kỳ trước ({limit}); hãy kiểm tra lại.",
        "Value {value} changed implausibly against the previous period ({limit}); please check.",
    ),
    "formula-cell": (
        "Ô chứa công thức không có giá trị đã tính; hãy nhập số trực tiếp.",
        "The cell holds a formula without a computed value; type the figure directly.",
    ),
    "not-permitted": (
        "Tài khoản «{user}» không được nộp báo cáo cho đơn vị «{value}»; tệp không được lưu.",
        "Account «{user}» may not submit reports for unit «{value}»; the file was not stored.",
    ),
    "score-header-missing": (
        "Không tìm thấy dòng tiêu đề có các cột «{unit}» và «{criterion}»; hãy dùng bảng điểm tải từ ứng dụng.",
        "No header row with the columns «{unit}» and «{criterion}» was found; use the score sheet downloaded from "
        "the application.",
    ),
    "score-info-missing": (
        "Thiếu «{label}» ở đầu bảng điểm; hãy dùng bảng điểm tải từ ứng dụng.",
        "The score sheet lacks «{label}» above its table; use the score sheet downloaded from the application.",
    ),
    "unit-not-in-block": (
        "Đơn vị «{value}» không thuộc khối {block} năm {year}.",
        "Unit «{value}» is not in the {block} block in {year}.",
    ),
    "unknown-criterion": (
        "Mã tiêu chí «{value}» không có trong bộ tiêu chí năm {year}.",
        "Criterion code «{value}» is not among the criteria of {year}.",
    ),
    "score-out-of-range": (
        "Điểm {value} nằm ngoài khoảng 0–{limit}.",
        "Score {value} is outside 0–{limit}.",
    ),
    "score-not-applicable": (
        "Tiêu chí {value} chỉ nhập điểm ở cột {column}.",
        "Criterion {value} takes scores only in the column {column}.",
    ),
    "score-reason-missing": (
        "Điểm thẩm định của {value} chưa ghi lý do điều chỉnh.",
        "The appraisal score of {value} gives no reason for the adjustment.",
    ),
    "period-locked": (
        "Kỳ báo cáo {value} đã khóa sổ; Sở Nội vụ phải mở lại kỳ thì mới nộp được. Tệp không được lưu.",
        "Period {value} is locked; the Department of Home Affairs must reopen it first. The file was not stored.",
    ),
    # evidence files (tài liệu kiểm chứng) behind the PAR self-assessment: cchc.evidence, cchc.sniff
    "evidence-empty": (
        "Tệp «{value}» rỗng (0 byte); tệp không được lưu.",
        "The file «{value}» is empty (0 bytes); it was not stored.",
    ),
    "evidence-bad-name": (
        "Tên tệp «{value}» không hợp lệ (để trống, quá dài, chứa đường dẫn hoặc ký tự điều khiển); tệp không được "
        "lưu.",
        "The file name «{value}» is not valid (blank, too long, with a path or control characters); the file was "
        "not stored.",
    ),
    "evidence-type": (
        "Tệp «{value}» không phải PDF, Word (.docx), Excel (.xlsx), PNG hay JPEG (xét theo nội dung tệp, không theo "
        "tên); tệp không được lưu.",
        "The file «{value}» is not a PDF, Word (.docx), Excel (.xlsx), PNG or JPEG file (judged by its content, not "
        "its name); it was not stored.",
    ),
    "evidence-type-mismatch": (
        "Tệp «{value}» thực chất là tệp {kind}, nhưng tên có đuôi khác; hãy đặt đúng đuôi ({suffix}) rồi tải lên lại.",
        "The file «{value}» is in fact a {kind} file but its name says otherwise; name it with {suffix} and upload "
        "it again.",
    ),
    "evidence-not-permitted": (
        "Tài khoản «{user}» không được đính kèm tài liệu kiểm chứng cho đơn vị «{value}»; tệp không được lưu.",
        "Account «{user}» may not attach evidence for unit «{value}»; the file was not stored.",
    ),
    "evidence-unknown-criterion": (
        "Mã tiêu chí «{value}» không có trong bộ tiêu chí Chỉ số CCHC năm {year} (xem: python -m cchc criteria).",
        "Criterion «{value}» is not in the PAR criteria of {year} (see: python -m cchc criteria).",
    ),
    "evidence-duplicate": (
        "Tệp «{value}» đã được đính kèm cho tiêu chí này trước đó; không lưu lại.",
        "The file «{value}» was attached to this criterion before; not stored again.",
    ),
}


@dataclass(frozen=True)
class Issue:
    code: str
    severity: Severity
    sheet: str = ""
    cell: str = ""
    indicator: str = ""
    message: str = ""

    @property
    def where(self) -> str:
        """``Số liệu!E12``, ``Số liệu`` or empty: the place a clerk should look."""
        return f"{self.sheet}!{self.cell}" if self.sheet and self.cell else self.sheet

    def text(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "sheet": self.sheet, "cell": self.cell,
                "indicator": self.indicator, "message": self.message}


def make_issue(code: str, severity: Severity = "error", *, sheet: str = "", cell: str = "", indicator: str = "",
               lang: str = "vi", **fields: object) -> Issue:
    """Build an Issue whose message is the code's template filled with ``fields`` (``sheet`` included)."""
    vi, en = MESSAGES[code]
    template = en if lang == "en" else vi
    shown = {k: _short(v) for k, v in fields.items()}  # a 1-million-character cell must not become the message
    return Issue(code, severity, sheet, cell, indicator, fill(template, {**shown, "sheet": _short(sheet)}))


def _short(value: object, limit: int = MAX_FIELD_CHARS) -> object:
    return f"{value[:limit]}…" if isinstance(value, str) and len(value) > limit else value


@dataclass
class Report:
    issues: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def extend(self, issues) -> None:
        self.issues.extend(issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def flatten(self, fields: tuple[str, ...] = ("sheet", "cell", "code")) -> list[tuple[str, ...]]:
        """The issues as tuples of the named fields, for compact assertions in tests."""
        return [tuple(getattr(i, f) for f in fields) for i in self.issues]
