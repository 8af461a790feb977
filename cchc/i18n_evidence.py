"""The dashboard strings of the evidence files and the appraisal view (pages/evidence.py,
pages/admin_appraisal.py), Vietnamese and English; part of :data:`cchc.i18n.STRINGS`."""

from __future__ import annotations

EVIDENCE_STRINGS: dict[str, tuple[str, str]] = {
    "page.evidence": ("Tài liệu kiểm chứng", "Evidence files"),
    "page.appraisal": ("Thẩm định Chỉ số CCHC", "PAR appraisal"),
    "evidence.caption": (
        "Đính kèm tài liệu kiểm chứng cho điểm tự đánh giá từng tiêu chí Chỉ số CCHC năm {year}: PDF, Word (.docx), "
        "Excel (.xlsx), ảnh PNG hoặc JPEG, mỗi tệp tối đa {mb} MB. Loại tệp được xét theo nội dung, không theo tên; "
        "mọi lần đính kèm được ghi nhật ký.",
        "Attach the evidence behind the self-assessment of each PAR criterion for {year}: PDF, Word (.docx), Excel "
        "(.xlsx), PNG or JPEG images, at most {mb} MB a file. The type is judged from the content, not the name; "
        "every attachment is logged."),
    "evidence.login": ("Hãy đăng nhập bằng tài khoản của đơn vị để đính kèm tài liệu kiểm chứng.",
                       "Log in with your unit's account to attach evidence files."),
    "evidence.unit": ("Đơn vị", "Unit"),
    "evidence.criterion": ("Tiêu chí", "Criterion"),
    "evidence.files": ("Tệp tài liệu kiểm chứng", "Evidence files"),
    "evidence.note": ("Mô tả ngắn (số, ngày, trích yếu văn bản)", "Short description (number, date, subject)"),
    "evidence.attach": ("Đính kèm", "Attach"),
    "evidence.pick": ("Hãy chọn ít nhất một tệp.", "Choose at least one file."),
    "evidence.stored": ("«{name}»: đã lưu.", "«{name}»: stored."),
    "evidence.listed": ("Tài liệu đã đính kèm năm {year}", "Files attached for {year}"),
    "evidence.none": ("Chưa có tài liệu kiểm chứng nào.", "No evidence file yet."),
    "evidence.download": ("Tải «{name}»", "Download «{name}»"),
    "appraisal.caption": (
        "Năm {year}, {block}: từng tiêu chí với điểm tự đánh giá, tài liệu kiểm chứng, điểm thẩm định và nhận xét. "
        "Điểm thẩm định lưu ở đây cũng là điểm thẩm định của Chỉ số; mọi lần thẩm định được ghi nhật ký.",
        "{year}, {block}: each criterion with its self-assessment, evidence, appraised score and comment. A score "
        "saved here is the index's appraised score too; every appraisal is logged."),
    "appraisal.unit": ("Đơn vị được thẩm định", "Unit appraised"),
    "appraisal.criterion": ("Tiêu chí thẩm định", "Criterion to appraise"),
    "appraisal.files": ("Tài liệu kiểm chứng của tiêu chí {criterion}", "Evidence of criterion {criterion}"),
    "appraisal.score": ("Điểm thẩm định (0–{max}; để trống nếu chưa chấm)",
                        "Appraised score (0–{max}; blank when not scored)"),
    "appraisal.comment": ("Nhận xét", "Comment"),
    "appraisal.insufficient": ("Bằng chứng chưa đủ", "Evidence insufficient"),
    "appraisal.save": ("Lưu thẩm định", "Save the appraisal"),
    "appraisal.done": ("Đã lưu thẩm định tiêu chí {criterion}.", "Appraisal of criterion {criterion} saved."),
    "appraisal.survey": ("Tiêu chí điều tra xã hội học: không chấm điểm thẩm định.",
                         "A survey criterion: no appraised score."),
    "appraisal.col.criterion": ("Mã", "Code"),
    "appraisal.col.name": ("Tiêu chí", "Criterion"),
    "appraisal.col.max": ("Tối đa", "Max"),
    "appraisal.col.self_score": ("Tự đánh giá", "Self-assessed"),
    "appraisal.col.appraised_score": ("Thẩm định", "Appraised"),
    "appraisal.col.files": ("Số tài liệu", "Files"),
    "appraisal.col.insufficient": ("Chưa đủ bằng chứng", "Insufficient"),
    "appraisal.col.comment": ("Nhận xét", "Comment"),
}
