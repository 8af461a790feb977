"""Every dashboard string in Vietnamese and English, session-state keys and column labels, in one place.

``t(key, lang, **fields)`` returns the text for the language (Vietnamese by default); unknown fields in a
template show as ``?`` rather than raising, and an unknown key shows as itself so a gap is visible, not fatal.
"""

from __future__ import annotations

import re

from cchc.i18n_evidence import EVIDENCE_STRINGS
from cchc.labels import BLOCK_NAMES, STATUS_LABELS

LANGS: tuple[str, ...] = ("vi", "en")
LANG_NAMES: dict[str, str] = {"vi": "Tiếng Việt", "en": "English"}

# Session-state and query-parameter keys shared by app.py and the pages.
KEY_LANG = "lang"
KEY_PERIOD = "period"
KEY_OFFICIAL = "official"  # only approved reports count
KEY_BLOCK = "block"
KEY_UNIT = "unit"
KEY_AREA = "area"
KEY_CHECKED = "upload_checked"
KEY_STORED = "upload_stored"
KEY_USER = "auth_user"  # the logged-in cchc.auth.User of this browser session
KEY_FLASH = "flash"  # a success message kept across st.rerun()
KEY_SESSION = "auth_session"  # the id of that user's login session (cchc.sessions), checked on every run …
KEY_SESSION_CHECKED = "auth_session_checked"  # … unless nothing was written since the last check (recently_checked)
KEY_HANDOFF = "auth_handoff"  # after a login or logout: where the next run sends the browser for its cookie

STRINGS: dict[str, tuple[str, str]] = {
    # App shell
    "app.title": ("Theo dõi Kế hoạch CCHC tỉnh Hưng Yên 2016–2020",
                  "Hưng Yên administrative reform plan 2016–2020"),
    "section.monitor": ("Theo dõi", "Monitoring"),
    "section.report": ("Báo cáo", "Reporting"),
    "section.admin": ("Quản trị", "Administration"),
    "page.overview": ("Tổng quan", "Overview"),
    "page.unit": ("Đơn vị", "Unit"),
    "page.area": ("Lĩnh vực", "Task area"),
    "page.ranking": ("Xếp hạng", "Ranking"),
    "page.upload": ("Nộp báo cáo", "Upload a report"),
    "page.submissions": ("Tình hình nộp", "Submissions"),
    "sidebar.language": ("Ngôn ngữ", "Language"),
    "sidebar.period": ("Kỳ báo cáo", "Period"),
    "sidebar.period_help": ("Năm: số liệu của báo cáo năm; 6 tháng hoặc quý: của báo cáo kỳ đó. Không trộn các "
                            "kỳ với nhau.", "A year shows the annual reports; a half-year or quarter its own "
                            "reports. Periods are never mixed."),
    "sidebar.official": ("Chỉ số liệu đã duyệt", "Approved figures only"),
    "sidebar.official_help": ("Bật: chỉ tính các báo cáo Sở Nội vụ đã duyệt (số liệu chính thức). Tắt: báo cáo "
                              "hợp lệ mới nhất, trừ báo cáo bị trả lại.", "On: only reports Sở Nội vụ approved "
                              "(official figures). Off: the latest accepted report, except returned ones."),
    "sidebar.block": ("Khối", "Block"),
    "sample.notice": ("Đang hiển thị **dữ liệu mẫu** (giả lập) để minh họa; không phải số liệu chính thức.",
                      "Showing **sample data** (simulated) for illustration; these are not official figures."),
    "error.busy": ("Cơ sở dữ liệu đang bận, hãy thử lại sau ít giây.", "The database is busy; try again shortly."),
    "error.unexpected": ("Đã xảy ra lỗi không mong muốn khi dựng trang ({detail}). Hãy tải lại trang; nếu lỗi "
                         "còn, báo cho quản trị viên.",
                         "Something went wrong while building the page ({detail}). Reload the page; if it "
                         "persists, tell the administrator."),
    # Overview
    "overview.caption": ("Tình hình thực hiện các chỉ tiêu của Kế hoạch, {period}, khối {block}: số liệu tổng hợp "
                         "của các đơn vị trong khối.",
                         "Progress on the plan's targets, {period}, {block}: the figures of the block's units "
                         "taken together."),
    "overview.report": ("Dự thảo báo cáo CCHC (.docx)", "Draft PAR report (.docx)"),
    "overview.report_help": ("Báo cáo kết quả thực hiện công tác CCHC của kỳ đang chọn, cả hai khối, theo thể thức "
                             "văn bản hành chính; phần tồn tại và đề xuất để người soạn thảo viết.",
                             "The report on the chosen period for both blocks, in the administrative layout; the "
                             "shortcomings and proposals are left for the writer."),
    "overview.official": ("Chỉ tính các báo cáo đã được Sở Nội vụ duyệt.", "Only reports Sở Nội vụ approved count."),
    "card.achieved": ("Đã đạt", "Achieved"),
    "card.not_achieved": ("Không đạt", "Missed"),
    "card.not_achieved_help": ("Đã hết thời hạn của mục tiêu mà chưa đạt.", "The target's deadline passed unmet."),
    "card.on_track": ("Đúng tiến độ", "On track"),
    "card.behind": ("Chậm tiến độ", "Behind"),
    "card.of_targets": ("trên {total} chỉ tiêu có số trong Kế hoạch ({no_data} chưa có số liệu; chỉ tiêu bổ sung "
                        "không tính)", "of the plan's {total} numeric targets ({no_data} without data; "
                        "supplementary targets not counted)"),
    "card.completeness": ("Đã nộp", "Received"),
    "card.completeness_help": ("{received}/{expected} báo cáo kỳ {period}",
                               "{received}/{expected} reports for {period}"),
    "card.par": ("Chỉ số CCHC", "PAR index"),
    "overview.heatmap": ("Điểm theo đơn vị và lĩnh vực", "Score by unit and task area"),
    "overview.heatmap_help": ("Điểm tiến độ từ −5 (xấu đi) đến 5 (đã đạt); ô trống: chưa có số liệu.",
                              "Progress score from −5 (deteriorating) to 5 (achieved); blank: no data."),
    "overview.targets": ("Các chỉ tiêu của Kế hoạch – khối {block}", "The plan's targets – {block}"),
    "overview.composition": ("Số đơn vị có số liệu thay đổi so với năm gốc: {items}. So sánh qua các năm cần "
                             "lưu ý.", "The number of units with data differs from the baseline year: {items}. "
                             "Compare years with care."),
    "overview.supplementary": ("Chỉ tiêu bổ sung (không có số trong Kế hoạch): {items}.",
                               "Supplementary targets (no number in the plan): {items}."),
    "unit.returned": ("Báo cáo {period} của đơn vị đã bị Sở Nội vụ trả lại để sửa: số liệu của báo cáo này không "
                      "được tính cho đến khi đơn vị nộp lại.", "Sở Nội vụ returned this unit's {period} report for "
                      "correction: its figures do not count until the unit submits again."),
    "overview.target_pick": ("Diễn biến chỉ tiêu", "Indicator over time"),
    "overview.par_trend": ("Chỉ số CCHC qua các năm", "PAR index over the years"),
    "overview.attention": ("Cần quan tâm", "Needs attention"),
    "overview.attention_none": ("Không có đơn vị nào cần lưu ý trong năm này.", "No unit needs attention this year."),
    # Unit
    "unit.pick": ("Chọn đơn vị", "Choose a unit"),
    "unit.indicators": ("Các chỉ tiêu", "Indicators"),
    "unit.series": ("Diễn biến từng chỉ tiêu", "Each indicator over time"),
    "unit.areas": ("Điểm theo lĩnh vực so với trung vị của khối", "Score per task area against the block median"),
    "unit.history": ("Lịch sử nộp báo cáo", "Submission history"),
    "unit.download": ("Tải bảng tiến độ (.xlsx)", "Download progress table (.xlsx)"),
    # Area
    "area.pick": ("Chọn lĩnh vực", "Choose a task area"),
    "area.tasks": ("Nhiệm vụ theo Kế hoạch", "Tasks in the plan"),
    "area.distribution": ("Phân bố giữa các đơn vị", "Distribution across units"),
    # Ranking
    "ranking.caption": ("Xếp hạng Chỉ số CCHC năm {year}, khối {block} (xếp hạng trong khối).",
                        "PAR index ranking {year}, {block} (ranked within the block)."),
    "ranking.domains": ("Điểm theo lĩnh vực", "Score per domain"),
    "ranking.xlsx": ("Tải bảng xếp hạng (.xlsx)", "Download ranking (.xlsx)"),
    "ranking.csv": ("Tải CSV", "Download CSV"),
    # Upload
    "upload.caption": ("Tải biểu mẫu, điền số liệu, rồi tải lên. Hệ thống kiểm tra trước, chỉ lưu khi bạn xác nhận.",
                       "Download the template, fill it in, then upload. Files are checked first and stored only "
                       "when you confirm."),
    "upload.unit": ("Đơn vị", "Unit"),
    "upload.period": ("Kỳ báo cáo", "Reporting period"),
    "upload.template": ("Tải biểu mẫu (.xlsx)", "Download template (.xlsx)"),
    "upload.files": ("Chọn tệp báo cáo (.xlsx, .xls, .ods)", "Choose report files (.xlsx, .xls, .ods)"),
    "upload.limit": ("Mỗi tệp tối đa {mb} MB.", "Each file at most {mb} MB."),
    "upload.check_ok": ("Hợp lệ: {unit}, kỳ {period}, {count} chỉ tiêu.",
                        "Valid: {unit}, {period}, {count} indicators."),
    "upload.check_warn": ("Có {count} cảnh báo cần xem lại.", "{count} warnings to review."),
    "upload.check_bad": ("Không hợp lệ: {count} lỗi. Hãy sửa tệp rồi tải lên lại; tệp này sẽ không được lưu.",
                         "Invalid: {count} errors. Fix the file and upload again; it will not be stored."),
    "upload.supersedes": ("Đã có báo cáo của đơn vị cho kỳ này; báo cáo mới sẽ thay thế báo cáo trước "
                          "(báo cáo cũ vẫn được lưu lại).",
                          "A report for this unit and period exists; the new one will supersede it "
                          "(the old one is kept)."),
    "upload.duplicate": ("Tệp này giống hệt một tệp đã nộp; không cần nộp lại.",
                         "This file is identical to one already submitted; nothing to do."),
    "upload.preview": ("Xem trước số liệu", "Preview of the figures"),
    "upload.issues": ("Kết quả kiểm tra", "Validation results"),
    "upload.confirm": ("Xác nhận lưu {count} tệp hợp lệ", "Store {count} valid files"),
    "upload.nothing": ("Không có tệp hợp lệ nào để lưu.", "No valid file to store."),
    "upload.progress": ("Đang lưu {name} ({done}/{total})", "Storing {name} ({done}/{total})"),
    "upload.stored": ("Đã lưu {name}: {unit}, kỳ {period}.", "Stored {name}: {unit}, {period}."),
    "upload.rejected": ("Không lưu {name}: {reason}", "Not stored {name}: {reason}"),
    "upload.checking": ("Đang kiểm tra {name} ({done}/{total})", "Checking {name} ({done}/{total})"),
    # Submissions
    "subs.matrix": ("Tình hình nộp báo cáo năm {year}", "Reports received in {year}"),
    "subs.history": ("Lịch sử nộp báo cáo", "Submission history"),
    "subs.file": ("Tải tệp gốc đã nộp", "Download a stored original file"),
    "subs.file_pick": ("Chọn báo cáo", "Choose a submission"),
    "subs.download": ("Tải tệp gốc", "Download original"),
    "subs.issues": ("Kết quả kiểm tra của báo cáo này", "Validation results of this submission"),
    # Empty states
    "empty.no_data": ("Chưa có số liệu cho lựa chọn này. Hãy chọn năm hoặc khối khác, hoặc nộp báo cáo ở trang "
                      "«Nộp báo cáo».",
                      "No figures for this choice yet. Pick another year or block, or upload a report."),
    "empty.no_submissions": ("Chưa có báo cáo nào được nộp.", "No report has been submitted yet."),
    "empty.no_ranking": ("Chưa có điểm Chỉ số CCHC cho năm này.", "No PAR index scores for this year yet."),
    # Chart and table labels
    "label.unit": ("Đơn vị", "Unit"),
    "label.indicator": ("Chỉ tiêu", "Indicator"),
    "label.code": ("Mã", "Code"),
    "label.year": ("Năm", "Year"),
    "label.period": ("Kỳ", "Period"),
    "label.value": ("Giá trị", "Value"),
    "label.since_last": ("Kỳ trước", "Last report"),
    "status.slipped": ("↓ Giảm", "↓ Worse"),
    "label.milestone": ("Mốc năm", "Milestone"),
    "label.target": ("Mục tiêu", "Target"),
    "label.target_path": ("Lộ trình", "Target path"),
    "label.projection": ("Dự báo 2020", "2020 projection"),
    "label.source": ("Báo cáo kỳ", "Report period"),
    "label.status": ("Tình trạng", "Status"),
    "label.score": ("Điểm", "Score"),
    "label.median": ("Trung vị khối", "Block median"),
    "label.index": ("Chỉ số (%)", "Index (%)"),
    "label.rank": ("Xếp hạng", "Rank"),
    "label.tier": ("Xếp loại", "Tier"),
    "label.change": ("Thay đổi", "Change"),
    "label.self": ("Tự đánh giá", "Self-assessed"),
    "label.appraised": ("Thẩm định", "Appraised"),
    "label.survey": ("Điều tra XHH", "Survey"),
    "label.total": ("Tổng điểm", "Total"),
    "label.file": ("Tệp", "File"),
    "label.uploader": ("Người nộp", "Uploaded by"),
    "label.time": ("Thời gian", "Time"),
    "label.errors": ("Lỗi", "Errors"),
    "label.warnings": ("Cảnh báo", "Warnings"),
    "label.sheet": ("Trang", "Sheet"),
    "label.cell": ("Ô", "Cell"),
    "label.message": ("Nội dung", "Message"),
    "label.severity": ("Mức", "Severity"),
    "label.note": ("Ghi chú", "Note"),
    "label.numerator": ("Tử số", "Numerator"),
    "label.denominator": ("Mẫu số", "Denominator"),
    "severity.error": ("Lỗi", "Error"),
    # The command line's words (python -m cchc validate)
    "cli.valid": ("hợp lệ", "valid"),
    "cli.invalid": ("có lỗi", "has errors"),
    "cli.error": ("lỗi", "error"),
    "cli.warning": ("cảnh báo", "warning"),
    "cli.duplicate": ("đã nhận trước đó", "already received"),
    "cli.supersedes": ("sẽ thay báo cáo số", "would replace report no."),
    "severity.warning": ("Cảnh báo", "Warning"),
    "reason.not_achieved": ("{count} chỉ tiêu không đạt", "{count} targets not achieved"),
    "reason.deteriorating": ("{count} chỉ tiêu đi xuống", "{count} indicators deteriorating"),
    "reason.limited": ("{count} chỉ tiêu tiến bộ hạn chế", "{count} indicators progressing slowly"),
    "reason.missing": ("{count} báo cáo chưa nộp", "{count} reports missing"),
    "reason.low_area": ("điểm thấp nhất: {area}", "lowest area: {area}"),
    # Accounts, approval, audit (pages/login.py, pages/admin_*.py)
    "section.account": ("Tài khoản", "Account"),
    "page.account": ("Tài khoản", "Account"),
    "page.login": ("Đăng nhập", "Log in"),
    "page.users": ("Quản lý tài khoản", "Accounts"),
    "page.approval": ("Duyệt và khóa sổ", "Approval and locks"),
    "page.audit": ("Nhật ký", "Audit log"),
    "page.scores": ("Điểm Chỉ số CCHC", "PAR index scores"),
    "scores.caption": ("Bảng điểm năm {year}, {block}: tải mẫu, điền điểm tự đánh giá, thẩm định và điều tra xã hội "
                       "học, rồi tải lên. Điểm mới thay điểm cũ của cùng tiêu chí; mọi lần nhập được ghi nhật ký.",
                       "Score sheet {year}, {block}: download, fill in the self-assessment, appraisal and survey "
                       "scores, upload. New scores replace older ones of the same criterion; every entry is logged."),
    "scores.template": ("Tải bảng điểm mẫu (.xlsx)", "Download the score sheet (.xlsx)"),
    "scores.file": ("Bảng điểm đã điền", "Filled score sheet"),
    "scores.nothing": ("Bảng điểm có lỗi hoặc chưa có điểm nào; chưa lưu gì.",
                       "The sheet has errors or no score yet; nothing stored."),
    "scores.ready": ("Đọc được {count} điểm.", "{count} scores read."),
    "scores.confirm": ("Lưu {count} điểm", "Store {count} scores"),
    "scores.done": ("Đã lưu {count} điểm.", "{count} scores stored."),
    "auth.admin_only": ("Trang này chỉ dành cho tài khoản quản trị (Sở Nội vụ).",
                        "This page is for administrators (Department of Home Affairs) only."),
    "auth.login_to_upload": ("Hãy đăng nhập để nộp báo cáo.", "Log in to upload reports."),
    "login.caption": ("Đăng nhập để nộp báo cáo hoặc quản trị. Sau {n} lần sai liên tiếp từ một máy, máy đó phải "
                      "chờ lâu dần mới thử lại được.", "Log in to upload reports or administer. After {n} failures "
                      "in a row from one computer, that computer waits longer and longer before the next try."),
    "login.name": ("Tên đăng nhập", "User name"),
    "login.password": ("Mật khẩu", "Password"),
    "login.submit": ("Đăng nhập", "Log in"),
    "login.sso": ("Đăng nhập một lần (tài khoản cơ quan)", "Single sign-on (office account)"),
    "login.who": ("Đang đăng nhập: {name} — {role}; đơn vị: {units}.", "Logged in: {name} — {role}; units: {units}."),
    "login.logout": ("Đăng xuất", "Log out"),
    "login.change": ("Đổi mật khẩu", "Change password"),
    "login.old": ("Mật khẩu hiện tại", "Current password"),
    "login.new": ("Mật khẩu mới (ít nhất {n} ký tự)", "New password (at least {n} characters)"),
    "login.again": ("Nhập lại mật khẩu mới", "New password again"),
    "login.changed": ("Đã đổi mật khẩu.", "Password changed."),
    "users.add": ("Tạo tài khoản", "Create an account"),
    "users.added": ("Đã tạo tài khoản «{name}».", "Account «{name}» created."),
    "users.edit": ("Sửa tài khoản", "Change an account"),
    "users.role": ("Vai trò", "Role"),
    "users.units": ("Đơn vị (cán bộ đơn vị)", "Units (unit staff)"),
    "users.email": ("Thư điện tử (đăng nhập một lần)", "E-mail (single sign-on)"),
    "users.active": ("Đang hoạt động", "Active"),
    "users.save": ("Lưu thay đổi", "Save changes"),
    "users.saved": ("Đã lưu tài khoản «{name}».", "Account «{name}» saved."),
    "users.reset": ("Mật khẩu mới cho «{name}»", "New password for «{name}»"),
    "users.reset_button": ("Đặt lại mật khẩu (và mở khóa)", "Reset password (and unlock)"),
    "users.reset_done": ("Đã đặt lại mật khẩu của «{name}».", "Password of «{name}» reset."),
    "users.logout_all": ("Đăng xuất «{name}» khỏi mọi nơi", "Log «{name}» out everywhere"),
    "users.logout_all_help": ("Kết thúc ngay mọi phiên đăng nhập của tài khoản này, trên mọi trình duyệt và máy chủ.",
                              "Ends every login session of this account at once, in every browser and server."),
    "users.logged_out": ("Đã đăng xuất «{name}» khỏi mọi nơi.", "«{name}» logged out everywhere."),
    "approval.open": ("Kỳ {period} đang mở: các đơn vị nộp được báo cáo.", "Period {period} is open for reports."),
    "approval.locked": ("Kỳ {period} đã khóa sổ: mọi báo cáo nộp cho kỳ này bị từ chối.",
                        "Period {period} is locked: every upload for it is refused."),
    "approval.lock": ("Khóa sổ kỳ này", "Lock this period"),
    "approval.reopen": ("Mở lại kỳ này", "Reopen this period"),
    "approval.comment": ("Ghi chú / lý do", "Comment / reason"),
    "approval.decide": ("Duyệt báo cáo của một đơn vị", "Decide on a unit's report"),
    "approval.approve": ("Duyệt (số liệu chính thức)", "Approve (official figures)"),
    "approval.return": ("Trả lại để sửa", "Return for correction"),
    "approval.approved": ("Đã duyệt", "Approved"),
    "approval.returned": ("Đã trả lại", "Returned"),
    "approval.pending": ("Chờ duyệt", "Pending"),
    "audit.action": ("Loại việc", "Action"),
    "audit.all": ("Tất cả", "All"),
    "audit.user": ("Người thực hiện", "User"),
    "audit.text": ("Có chứa", "Containing"),
    "audit.days": ("Khoảng ngày", "Date range"),
    "audit.count": ("{count} dòng (tối đa {limit}, mới nhất trước).", "{count} rows (at most {limit}, newest first)."),
    "audit.download": ("Tải nhật ký (.csv)", "Download the log (.csv)"),
    # Issue 13: admin pages in plain words, the upload dry run, the district map
    "approval.filter": ("Hiện các báo cáo", "Show reports"),
    "approval.done_approve": ("Đã duyệt báo cáo của {unit}, kỳ {period}: tình trạng mới «Đã duyệt».",
                              "Approved the {period} report of {unit}: new state «Approved»."),
    "approval.done_return": ("Đã trả lại báo cáo của {unit}, kỳ {period}: tình trạng mới «Đã trả lại».",
                             "Returned the {period} report of {unit}: new state «Returned»."),
    "approval.done_lock": ("Đã khóa sổ kỳ {period}.", "Period {period} locked."),
    "approval.done_reopen": ("Đã mở lại kỳ {period}.", "Period {period} reopened."),
    "upload.punctuality": ("Đây là bản sửa: việc nộp đúng hạn hay muộn vẫn tính theo lần nộp được chấp nhận đầu "
                           "tiên ({first}; hạn nộp {deadline}), không theo ngày nộp bản sửa.",
                           "This is a correction: punctuality still counts from the first accepted report "
                           "({first}; deadline {deadline}), not from this correction's date."),
    "page.map": ("Bản đồ", "Map"),
    "map.caption": ("Các huyện, thị xã, thành phố, {period}. Bấm vào một ô (hoặc chọn tên bên dưới) để mở đơn vị.",
                    "The districts, {period}. Click a tile (or pick a name below) to open the unit."),
    "map.colour_by": ("Tô màu theo", "Colour by"),
    "map.par": ("Chỉ số CCHC", "PAR index"),
    "map.status": ("Tình trạng một chỉ tiêu", "An indicator's status"),
    "map.value": ("Giá trị một chỉ tiêu", "An indicator's value"),
    "map.by_par": ("Chỉ số CCHC năm {year} và xếp loại", "PAR index {year} and tier"),
    "map.schematic": ("Bản đồ sơ đồ: mỗi ô là một đơn vị, đặt gần đúng vị trí địa lý (phía trên là phía Bắc); "
                      "không phải ranh giới thật.", "A schematic map: one tile per unit, placed roughly where it "
                      "lies (north at the top); not the real boundaries."),
    "label.report_no": ("Báo cáo số", "Report no."),
    "label.submitted_at": ("Nộp lúc", "Submitted"),
    "label.decided_by": ("Người quyết định", "Decided by"),
    "label.decided_at": ("Quyết định lúc", "Decided"),
    "label.object": ("Đối tượng", "Object"),
    "label.detail": ("Chi tiết", "Detail"),
    "label.origin": ("Địa chỉ truy cập", "Client address"),
    **EVIDENCE_STRINGS,
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def fill(template: str, fields: dict[str, object]) -> str:
    """``template`` filled with ``fields``; a field it names but was not given shows as ``?``, never raises."""
    return template.format_map(_Blank(fields))


_PLURAL = re.compile(r"(\{count\} (?:valid )?\w+?)s\b")  # "{count} indicators", "{count} valid files"


def t(key: str, lang: str = "vi", **fields: object) -> str:
    """The text for ``key`` in ``lang`` (Vietnamese unless ``lang == "en"``), filled with ``fields``; in English a
    ``count`` of 1 takes the singular ("1 indicator", never "1 indicators")."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    template = pair[1] if lang == "en" else pair[0]
    if lang == "en" and fields.get("count") == 1:
        template = _PLURAL.sub(r"\1", template)
    return fill(template, fields) if fields else template


def status_label(status: str, lang: str = "vi") -> str:
    """A status code in words: progress (``achieved`` …), completeness (``late`` …) or a file (``rejected`` …)."""
    return STATUS_LABELS[status][lang == "en"] if status in STATUS_LABELS else status


def block_label(block: str, lang: str = "vi") -> str:
    """A block's name (``so`` → ``Sở, ban, ngành`` / ``Departments``)."""
    return BLOCK_NAMES[block][lang == "en"] if block in BLOCK_NAMES else block
