"""The reporting template: one Excel workbook per unit and period, written with openpyxl.

Three sheets (names and texts from :mod:`cchc.layout`): a Vietnamese guide, the report's information
(label | value) and the data sheet (title block, header row, one row per indicator grouped by area).
Only input cells are unlocked; the sheets are protected without a password so labels and codes stay put.
Saving goes through :func:`workbook_bytes`, which fixes every timestamp so equal content gives equal bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from copy import copy
from pathlib import Path
from typing import cast

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from cchc import layout
from cchc.catalog import Catalog, Indicator, Unit, load_catalog
from cchc.periods import Period, PeriodError, parse_period

TITLE = "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH TỈNH HƯNG YÊN GIAI ĐOẠN 2016–2020"
HEADER_ROW = 5
FIRST_DATA_ROW = HEADER_ROW + 1
#: Column letters of the data sheet, in layout.DATA_COLUMNS order.
COLUMNS: dict[str, str] = dict(zip(layout.DATA_COLUMNS, "ABCDEFG", strict=True))
WIDTHS = (12, 62, 11, 13, 13, 13, 32)
INFO_LABEL_COLUMN, INFO_VALUE_COLUMN, INFO_FIRST_ROW = 1, 2, 3
FIXED_TIME = dt.datetime(2016, 1, 1)

_FONT = "Arial"
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_GUIDE_WIDTH = 72  # characters per line of the guide sheet
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_OPEN = Protection(locked=False)
_GREY = PatternFill("solid", fgColor="D9D9D9")
#: Named cell looks: font, fill, border, alignment, protection (None keeps openpyxl's default).
_LOOKS: dict[str, tuple] = {
    "plain": (Font(name=_FONT, size=11), None, None, _WRAP, None),
    "bold": (Font(name=_FONT, size=11, bold=True), None, None, None, None),
    "note": (Font(name=_FONT, size=10, italic=True), None, None, None, None),
    "title": (Font(name=_FONT, size=13, bold=True, color="1F3864"), None, None, None, None),
    "head": (Font(name=_FONT, size=11, bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E78"), _BOX,
             _CENTRE, None),
    "label": (Font(name=_FONT, size=11, bold=True), None, _BOX, _WRAP, None),
    "area": (Font(name=_FONT, size=11, bold=True), PatternFill("solid", fgColor="DDEBF7"), _BOX, None, None),
    "name": (Font(name=_FONT, size=11), None, _BOX, _WRAP, None),
    "fixed": (Font(name=_FONT, size=11), None, _BOX, _CENTRE, None),
    "grey": (Font(name=_FONT, size=11), _GREY, _BOX, _WRAP, None),
    "input": (Font(name=_FONT, size=11), None, _BOX, _CENTRE, _OPEN),
    "input_text": (Font(name=_FONT, size=11), None, _BOX, _WRAP, _OPEN),
    "input_date": (Font(name=_FONT, size=11), None, _BOX, _WRAP, _OPEN),
}


class _Styler:
    """Applies named looks fast: the first cell of a look is styled, later cells copy its style array."""

    def __init__(self) -> None:
        self._arrays: dict[str, object] = {}

    def __call__(self, cell, look: str) -> None:
        array = self._arrays.get(look)
        if array is not None:
            cell._style = copy(array)
            return
        font, fill, border, alignment, protection = _LOOKS[look]
        for name, value in (("font", font), ("fill", fill), ("border", border), ("alignment", alignment),
                            ("protection", protection)):
            if value is not None:
                setattr(cell, name, value)
        if look == "input_date":
            cell.number_format = "dd/mm/yyyy"
        self._arrays[look] = copy(cell._style)


def _resolve(unit_code: str, period_code: str, catalog: Catalog) -> tuple[Unit, Period]:
    """The unit and period of a template, or a ValueError with a Vietnamese message."""
    unit = catalog.unit_by_code.get(str(unit_code).strip().upper())
    if unit is None:
        raise ValueError(f"Mã đơn vị «{unit_code}» không có trong danh mục đơn vị.")
    try:
        period = parse_period(period_code)
    except PeriodError:
        raise ValueError(
            f"Kỳ báo cáo «{period_code}» không đúng hoặc nằm ngoài giai đoạn 2016–2020 (ví dụ: 2018, 2018-H1)."
        ) from None
    if not catalog.kinds[unit.kind_on(period.end)].reports:
        raise ValueError(f"Đơn vị «{unit.code}» không thuộc diện gửi báo cáo.")
    if not unit.valid_between(period.start, period.end):
        raise ValueError(f"Đơn vị «{unit.code}» không hoạt động trong kỳ {period.code}.")
    return unit, period


def build_template(unit_code: str, period_code: str, catalog: Catalog | None = None) -> Workbook:
    """The empty reporting workbook of ``unit_code`` for ``period_code`` (ValueError if there is none)."""
    catalog = catalog or load_catalog()
    unit, period = _resolve(unit_code, period_code, catalog)
    wb = Workbook()
    wb.properties.creator = "Hệ thống theo dõi CCHC tỉnh Hưng Yên"
    wb.properties.title = f"Báo cáo CCHC {unit.code} {period.code}"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    guide, style = cast(Worksheet, wb.active), _Styler()  # a new workbook's first sheet is a worksheet
    guide.title = layout.SHEET_GUIDE
    _write_guide(guide, unit, period, style)
    _write_info(wb.create_sheet(layout.SHEET_INFO), unit, period, style)
    _write_data(wb.create_sheet(layout.SHEET_DATA), unit, period, catalog, style)
    return wb


def write_template(unit_code: str, period_code: str, out: Path | str | None = None) -> bytes:
    """The template as .xlsx bytes; also written to ``out`` when given."""
    data = workbook_bytes(build_template(unit_code, period_code))
    if out is not None:
        Path(out).write_bytes(data)
    return data


def template_filename(unit_code: str, period_code: str) -> str:
    return f"{unit_code}_{period_code}.xlsx"


def indicator_rows(ws: Worksheet) -> dict[str, int]:
    """Row number of each indicator code on a data sheet written by :func:`build_template`."""
    column = COLUMNS[layout.COL_CODE]
    rows = {}
    for row in range(FIRST_DATA_ROW, ws.max_row + 1):
        code = ws[f"{column}{row}"].value
        if code:
            rows[str(code)] = row
    return rows


def input_cell(indicator: Indicator, row: int) -> dict[str, str]:
    """The cells a clerk fills for one indicator row, keyed by column text (Tử số/Mẫu số or Giá trị)."""
    names = (layout.COL_NUMERATOR, layout.COL_DENOMINATOR) if indicator.measure == "percent" else (layout.COL_VALUE,)
    return {name: f"{COLUMNS[name]}{row}" for name in names}


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile that stamps every member with one fixed time, so equal content gives equal bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # noqa: D102
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=FIXED_TIME.timetuple()[:6])
            zinfo_or_arcname.compress_type = self.compression
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # noqa: D102
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes(), compress_type, compresslevel)


def workbook_bytes(wb: Workbook) -> bytes:
    """Save ``wb`` as .xlsx bytes that depend only on its content (no wall-clock time inside)."""
    buffer = io.BytesIO()
    with _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    return buffer.getvalue()


def _protect(ws: Worksheet) -> None:
    """Protect the sheet (no password): locked cells stay, unlocked input cells can be edited."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False


def _page(ws: Worksheet, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _guide_lines(unit: Unit, period: Period) -> list[str]:
    deadline = period.deadline.strftime("%d/%m/%Y")
    return [
        "HƯỚNG DẪN ĐIỀN BIỂU MẪU BÁO CÁO CẢI CÁCH HÀNH CHÍNH",
        f"Đơn vị: {unit.name_on(period.end)} (mã {unit.code})",
        f"Kỳ báo cáo: {period.label_vi} (mã {period.code}); hạn nộp: {deadline}",
        f"Phiên bản biểu mẫu: {layout.TEMPLATE_VERSION}",
        "",
        f"1. Trang «{layout.SHEET_INFO}»: ghi «{layout.INFO_REPORTER}» (họ tên, chức vụ) và "
        f"«{layout.INFO_DATE}» (ngày/tháng/năm).",
        f"2. Trang «{layout.SHEET_DATA}»: chỉ nhập vào các ô màu trắng; ô màu xám không cần nhập.",
        f"3. Chỉ tiêu tỷ lệ (đơn vị tính %): nhập «{layout.COL_NUMERATOR}» và «{layout.COL_DENOMINATOR}» là số nguyên "
        "không âm; hệ thống tự tính tỷ lệ = Tử số / Mẫu số × 100. Tử số không được lớn hơn Mẫu số; không gõ dấu %.",
        f"4. Chỉ tiêu số lượng: nhập số nguyên không âm vào cột «{layout.COL_VALUE}» "
        "(không ghi chữ, không dùng công thức).",
        f"5. Chỉ tiêu Có/Không: chọn «{layout.YES}» hoặc «{layout.NO}» trong danh sách ở cột «{layout.COL_VALUE}».",
        "6. Chỉ tiêu có dấu (*) là bắt buộc; các chỉ tiêu khác điền khi đơn vị có số liệu. "
        f"Cột «{layout.COL_NOTE}» dùng để giải thích nguồn số liệu hoặc biến động bất thường.",
        "7. Không sửa mã đơn vị, kỳ báo cáo, phiên bản, mã chỉ tiêu; không xóa hoặc thêm dòng chỉ tiêu; "
        "không đặt mật khẩu cho tệp.",
        "8. Lưu tệp dạng Excel (.xlsx) và tải lên mục «Nộp báo cáo» của Hệ thống theo dõi CCHC tỉnh Hưng Yên "
        f"trước ngày {deadline}. Hệ thống kiểm tra ngay và chỉ rõ ô cần sửa.",
        "9. Cần sửa báo cáo đã nộp: sửa tệp rồi tải lên lại; bản nộp sau thay thế bản trước (bản trước vẫn được lưu).",
        "Đầu mối hướng dẫn: Sở Nội vụ tỉnh Hưng Yên (Phòng Cải cách hành chính).",
    ]


def _write_guide(ws: Worksheet, unit: Unit, period: Period, style: _Styler) -> None:
    ws.column_dimensions["A"].width = _GUIDE_WIDTH
    for row, text in enumerate(_guide_lines(unit, period), start=1):
        style(ws.cell(row, 1, text or None), "title" if row == 1 else "plain")
        ws.row_dimensions[row].height = 16 * -(-len(text) // _GUIDE_WIDTH) or 16  # wrapped lines, printed whole
    _protect(ws)
    _page(ws, landscape=False)


def _write_info(ws: Worksheet, unit: Unit, period: Period, style: _Styler) -> None:
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 56
    style(ws.cell(1, 1, "THÔNG TIN BÁO CÁO"), "title")
    values: dict[str, str | None] = {
        layout.INFO_UNIT_CODE: unit.code,
        layout.INFO_UNIT_NAME: unit.name_on(period.end),
        layout.INFO_PERIOD: period.code,
        layout.INFO_VERSION: layout.TEMPLATE_VERSION,
        layout.INFO_REPORTER: None,
        layout.INFO_DATE: None,
    }
    for row, (label, value) in enumerate(values.items(), start=INFO_FIRST_ROW):
        style(ws.cell(row, INFO_LABEL_COLUMN, label), "label")
        look = "grey" if value is not None else "input_date" if label == layout.INFO_DATE else "input_text"
        style(ws.cell(row, INFO_VALUE_COLUMN, value), look)
    check = DataValidation(type="date", operator="greaterThanOrEqual", formula1="42370", allow_blank=True,
                           showErrorMessage=True, errorTitle="Ngày không hợp lệ",
                           error="Hãy nhập ngày báo cáo dạng ngày/tháng/năm (từ 01/01/2016).")
    ws.add_data_validation(check)
    check.add(ws.cell(INFO_FIRST_ROW + len(values) - 1, INFO_VALUE_COLUMN).coordinate)
    _protect(ws)
    _page(ws, landscape=False)


def _indicator_name(ind: Indicator) -> str:
    name = f"{ind.name_vi} (*)" if ind.required else ind.name_vi
    if ind.measure == "percent":
        name += f"\nTử số: {ind.numerator_vi}; mẫu số: {ind.denominator_vi}"
    return name


def _write_data(ws: Worksheet, unit: Unit, period: Period, catalog: Catalog, style: _Styler) -> None:
    for letter, width in zip(COLUMNS.values(), WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    deadline = period.deadline.strftime("%d/%m/%Y")
    style(ws.cell(1, 1, TITLE), "title")
    style(ws.cell(2, 1, f"Đơn vị: {unit.name_on(period.end)} (mã {unit.code})"), "bold")
    style(ws.cell(3, 1, f"Kỳ báo cáo: {period.label_vi} (mã {period.code}) — hạn nộp: {deadline}"), "bold")
    style(ws.cell(4, 1, "Chỉ nhập vào ô màu trắng. Chỉ tiêu có dấu (*) là bắt buộc. Xem trang «Hướng dẫn»."),
          "note")
    last = COLUMNS[layout.COL_NOTE]
    for row in range(1, HEADER_ROW - 1):
        ws.merge_cells(f"A{row}:{last}{row}")
    ws.row_dimensions[1].height = 20
    for column, text in enumerate(layout.DATA_COLUMNS, start=1):
        style(ws.cell(HEADER_ROW, column, text), "head")
    whole = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           showErrorMessage=True, errorTitle="Số không hợp lệ",
                           error="Hãy nhập số nguyên không âm (không ghi chữ, không gõ dấu %).")
    yes_no = DataValidation(type="list", formula1=f'"{layout.YES},{layout.NO}"', allow_blank=True,
                            showErrorMessage=True, errorTitle="Giá trị không hợp lệ",
                            error=f"Hãy chọn «{layout.YES}» hoặc «{layout.NO}».")
    ws.add_data_validation(whole)
    ws.add_data_validation(yes_no)
    areas = catalog.area_by_code
    row, current_area = FIRST_DATA_ROW, None
    for ind in catalog.indicators_for(unit, period.end):
        if ind.area != current_area:
            current_area = ind.area
            for column in range(1, len(layout.DATA_COLUMNS) + 1):
                style(ws.cell(row, column, f"{ind.area}. {areas[ind.area].name_vi}" if column == 2 else None),
                      "area")
            row += 1
        _indicator_row(ws, row, ind, style)
        for ref in input_cell(ind, row).values():
            (yes_no if ind.measure == "yes_no" else whole).add(ref)
        row += 1
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _protect(ws)
    _page(ws, landscape=True)


def _indicator_row(ws: Worksheet, row: int, ind: Indicator, style: _Styler) -> None:
    inputs = set(input_cell(ind, row))
    style(ws.cell(row, 1, ind.code), "fixed")
    style(ws.cell(row, 2, _indicator_name(ind)), "name")
    style(ws.cell(row, 3, ind.unit_label), "fixed")
    for column, name in enumerate(layout.DATA_COLUMNS[3:6], start=4):
        style(ws.cell(row, column), "input" if name in inputs else "grey")
    style(ws.cell(row, 7), "input_text")
    lines = sum(1 + len(line) // 58 for line in _indicator_name(ind).splitlines())
    ws.row_dimensions[row].height = 15 * lines + 3
