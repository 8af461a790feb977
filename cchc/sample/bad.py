"""Faulty sample files: a dozen realistic clerk mistakes, each expected to be rejected with one issue code.

Each file starts from a good sample workbook (same story, same template) and makes one mistake; the list
with the intended code goes to ``bad/manifest.csv`` and ``bad/README.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msoffcrypto
import msoffcrypto.format.ooxml
import xlwt
from openpyxl import Workbook

from cchc import layout
from cchc.sample.manifest import BAD_MANIFEST
from cchc.templates import COLUMNS, INFO_LABEL_COLUMN, INFO_VALUE_COLUMN, indicator_rows, workbook_bytes

PASSWORD = "hungyen2020"


@dataclass(frozen=True)
class BadFile:
    file: str
    code: str
    mistake: str  # what the clerk did, in Vietnamese
    unit: str
    period: str
    spoil: Callable[[Workbook], bytes]


def _set_info(wb: Workbook, label: str, value: Any) -> Workbook:
    ws = wb[layout.SHEET_INFO]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, INFO_LABEL_COLUMN).value == label)
    ws.cell(row, INFO_VALUE_COLUMN, value)
    return wb


def _set_data(wb: Workbook, code: str, column: str, value: Any) -> Workbook:
    ws = wb[layout.SHEET_DATA]
    ws[f"{COLUMNS[column]}{indicator_rows(ws)[code]}"] = value
    return wb


def _swap_fraction(wb: Workbook, code: str) -> bytes:
    ws = wb[layout.SHEET_DATA]
    row = indicator_rows(ws)[code]
    num, den = COLUMNS[layout.COL_NUMERATOR], COLUMNS[layout.COL_DENOMINATOR]
    ws[f"{num}{row}"], ws[f"{den}{row}"] = ws[f"{den}{row}"].value, ws[f"{num}{row}"].value
    return workbook_bytes(wb)


def _duplicate_row(wb: Workbook, code: str) -> bytes:
    ws = wb[layout.SHEET_DATA]
    source = indicator_rows(ws)[code]
    ws.insert_rows(source + 1)
    for column in range(1, len(layout.DATA_COLUMNS) + 1):
        ws.cell(source + 1, column, ws.cell(source, column).value)
    return workbook_bytes(wb)


def _encrypted(wb: Workbook) -> bytes:
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(workbook_bytes(wb))).encrypt(PASSWORD, out)
    return out.getvalue()


def _legacy_xls(wb: Workbook, drop: str) -> bytes:
    """The workbook saved as Excel 97–2003 (.xls), with the row of ``drop`` deleted by the clerk."""
    book, dates = xlwt.Workbook(encoding="utf-8"), xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for ws in wb.worksheets:
        sheet = book.add_sheet(ws.title)
        kept = (r for r in ws.iter_rows(values_only=True) if not (ws.title == layout.SHEET_DATA and r[0] == drop))
        for out_row, row in enumerate(kept):
            for column, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(out_row, column, value, dates)
                elif value is not None:
                    sheet.write(out_row, column, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plain(data: bytes) -> bytes:
    """The bytes, decrypted when they are a password-protected OOXML file."""
    if not data.startswith(b"\xd0\xcf\x11\xe0"):
        return data
    office, out = msoffcrypto.OfficeFile(io.BytesIO(data)), io.BytesIO()
    if not office.is_encrypted():
        return data
    office.load_key(password=PASSWORD)
    office.decrypt(out)
    return out.getvalue()


def _docx(_: Workbook) -> bytes:
    """A Word document (the clerk typed the report in Word) renamed to .xlsx."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (
            ("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxml'
             'formats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/vnd.'
             'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
            ("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
             'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Báo cáo kết quả cải cách '
             'hành chính năm 2020</w:t></w:r></w:p></w:body></w:document>'),
        ):
            z.writestr(zipfile.ZipInfo(name, (2020, 12, 10, 9, 0, 0)), text)
    return out.getvalue()


def _csv(wb: Workbook) -> bytes:
    """The data sheet exported as CSV and renamed to .xlsx."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in wb[layout.SHEET_DATA].iter_rows(values_only=True):
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _save(wb: Workbook) -> bytes:
    return workbook_bytes(wb)


BAD_FILES: tuple[BadFile, ...] = (
    BadFile("01_chu_trong_o_so.xlsx", "not-a-number", "Ghi chữ «khoảng 280» vào ô số lượng thủ tục (2c.1).",
            "VANLAM", "2020", lambda wb: _save(_set_data(wb, "2c.1", layout.COL_VALUE, "khoảng 280"))),
    BadFile("02_tu_so_lon_hon_mau_so.xlsx", "numerator-exceeds-denominator",
            "Nhập ngược tử số và mẫu số của dịch vụ công mức độ 3 (6dd.1).", "SNV", "2020",
            lambda wb: _swap_fraction(wb, "6dd.1")),
    BadFile("03_sai_ma_don_vi.xlsx", "unknown-unit", "Sửa mã đơn vị thành «STC-HY».", "STC", "2020",
            lambda wb: _save(_set_info(wb, layout.INFO_UNIT_CODE, "STC-HY"))),
    BadFile("04_bieu_mau_cu.xlsx", "template-version", "Dùng lại biểu mẫu cũ phiên bản 2015.2.", "SYT", "2018",
            lambda wb: _save(_set_info(wb, layout.INFO_VERSION, "2015.2"))),
    BadFile("05_luu_dang_xls.xls", "missing-indicator",
            "Lưu dạng Excel 97–2003 (.xls) và xóa mất dòng chỉ tiêu bắt buộc 6c.2.", "PHUCU", "2019",
            lambda wb: _legacy_xls(wb, "6c.2")),
    BadFile("06_dat_mat_khau.xlsx", "encrypted", f"Đặt mật khẩu mở tệp («{PASSWORD}»).", "SXD", "2020",
            _encrypted),
    BadFile("07_ty_le_ngoai_khoang.xlsx", "percent-out-of-range",
            "Gõ thêm tỷ lệ hài lòng vào cột Giá trị nhưng mất dấu phẩy: 852 (ý là 85,2%) (2d.3).", "SCT", "2019",
            lambda wb: _save(_set_data(wb, "2d.3", layout.COL_VALUE, 852))),
    BadFile("08_co_khong_khong_hieu.xlsx", "yes-no-not-understood",
            "Ghi «Đang triển khai» thay vì Có/Không (6e.1).", "KIMDONG", "2018",
            lambda wb: _save(_set_data(wb, "6e.1", layout.COL_VALUE, "Đang triển khai"))),
    BadFile("09_thieu_so_lieu_bat_buoc.xlsx", "required-value-missing",
            "Bỏ trống tử số và mẫu số của chỉ tiêu bắt buộc 6i.2.", "STTTT", "2019-H1",
            lambda wb: _save(_set_data(_set_data(wb, "6i.2", layout.COL_NUMERATOR, None), "6i.2",
                                       layout.COL_DENOMINATOR, None))),
    BadFile("10_lap_chi_tieu.xlsx", "duplicate-indicator", "Sao chép thêm một dòng chỉ tiêu 2d.5.", "YENMY", "2020-H1",
            lambda wb: _duplicate_row(wb, "2d.5")),
    BadFile("11_so_am.xlsx", "negative-value", "Ghi số âm «-12» cho số hồ sơ quá hạn (2d.6).", "STNMT", "2017",
            lambda wb: _save(_set_data(wb, "2d.6", layout.COL_VALUE, -12))),
    BadFile("12_ky_ngoai_ke_hoach.xlsx", "unknown-period", "Sửa kỳ báo cáo thành 2021 (ngoài giai đoạn 2016–2020).",
            "SKHCN", "2020", lambda wb: _save(_set_info(wb, layout.INFO_PERIOD, "2021"))),
    BadFile("13_sai_dinh_dang_ky.xlsx", "malformed-period", "Ghi kỳ báo cáo là «6T đầu năm» (không có năm).",
            "ANTHI", "2020-H1", lambda wb: _save(_set_info(wb, layout.INFO_PERIOD, "6T đầu năm"))),
    BadFile("14_van_ban_word.xlsx", "not-a-workbook", "Soạn báo cáo bằng Word rồi đổi đuôi thành .xlsx.", "SGTVT",
            "2020", _docx),
    BadFile("15_tep_csv.xlsx", "not-a-workbook", "Xuất trang Số liệu ra CSV rồi đổi đuôi thành .xlsx.", "KHOAICHAU",
            "2020", _csv),
)


def write_bad(out: Path, make_workbook: Callable[[str, str], Workbook]) -> list[BadFile]:
    """Write every faulty file into ``out`` (``make_workbook(unit, period)`` gives the good workbook)."""
    out.mkdir(parents=True, exist_ok=True)
    for bad in BAD_FILES:
        data, path = bad.spoil(make_workbook(bad.unit, bad.period)), out / bad.file
        if not (path.exists() and _plain(path.read_bytes()) == _plain(data)):  # encryption salts differ each run
            path.write_bytes(data)
    with (out / BAD_MANIFEST).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(("file", "code", "unit", "period", "mistake"))
        writer.writerows((b.file, b.code, b.unit, b.period, b.mistake) for b in BAD_FILES)
    lines = ["# Faulty sample files", "",
             "Made by `python -m cchc sample` (cchc/sample/bad.py) from good sample workbooks, one clerk mistake "
             "each; every file must be rejected with the issue code listed (also in `manifest.csv`).", "",
             "| File | Issue code | Mistake |", "|---|---|---|"]
    lines += [f"| {b.file} | `{b.code}` | {b.mistake} |" for b in BAD_FILES]
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return list(BAD_FILES)
