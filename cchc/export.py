"""Exports for meetings and decisions: formatted .xlsx (openpyxl) and CSV with a UTF-8 BOM.

Every text cell is passed through :func:`neutralise`, so a unit name, note or reason typed as ``=cmd|…``
stays text in Excel (no formula injection). Sheets have a title and subtitle naming the province, the
year/period and the block, a frozen header row, an autofilter, column widths and a landscape print setup.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any, cast

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from cchc import clock
from cchc.catalog import Catalog, load_catalog
from cchc.criteria import Criteria, load_criteria
from cchc.frames import tuples
from cchc.labels import STATUS_LABELS, block_vi, status_vi
from cchc.periods import parse_period

PROVINCE_NAME = "tỉnh Hưng Yên"
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
POINTS, PERCENT, INTEGER, TEXT = "0.00", "0.0", "0", "@"
EXCEL_MAX_CHARS = 32_767  # one cell; Excel cuts longer texts without a word
CUT_MARK = " … [đã cắt bớt / cut: bản đầy đủ ở tệp CSV / full text in the CSV export]"
SOURCE = "Hệ thống theo dõi Kế hoạch cải cách hành chính tỉnh Hưng Yên (báo cáo của các đơn vị)"
RANKING_SOURCE = ("Hệ thống theo dõi Kế hoạch cải cách hành chính tỉnh Hưng Yên (điểm tự đánh giá của các đơn vị, "
                  "điểm thẩm định của Hội đồng, điểm điều tra xã hội học, số liệu báo cáo)")

PROGRESS_CSV: tuple[str, ...] = (
    "unit", "indicator", "period", "value", "milestone", "target", "target_year", "achievement", "status",
    "projected", "baseline", "baseline_year", "numerator", "denominator", "score", "source", "slipped",
)
TARGET_HEADERS: dict[str, tuple[str, str]] = {  # column of an overview or unit table → (heading, number format)
    "indicator": ("Mã chỉ tiêu", "@"), "period": ("Kỳ", "@"), "value": ("Giá trị", "#,##0.0"),
    "milestone": ("Mốc kế hoạch", "#,##0.0"), "target": ("Mục tiêu", "#,##0.0"), "comparison": ("So sánh", "@"),
    "target_year": ("Năm mục tiêu", "0"), "origin": ("Nguồn mục tiêu", "@"), "status": ("Tình trạng", "@"),
    "slipped": ("Giảm so với kỳ trước", "@"), "projected": ("Dự báo năm mục tiêu", "#,##0.0"),
    "source": ("Báo cáo kỳ", "@"), "reporters": ("Số đơn vị có số liệu", "0"),
    "baseline_reporters": ("Số đơn vị năm gốc", "0"),
}


def neutralise(value: Any) -> Any:
    """Text starting with ``= + - @`` (or a tab / carriage return) gets a leading ``'``; control characters that
    a worksheet cannot hold (one clerk's note would otherwise break the export) are dropped; the rest is unchanged."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return f"'{value}" if value.startswith(_DANGEROUS) else value


def fit_cell(value: Any) -> Any:
    """A text longer than one Excel cell holds, cut visibly (ending in :data:`CUT_MARK`), never silently."""
    if isinstance(value, str) and len(value) > EXCEL_MAX_CHARS:
        return value[:EXCEL_MAX_CHARS - len(CUT_MARK)] + CUT_MARK
    return value


def csv_bytes(frame: pd.DataFrame, decimals: int = 4) -> bytes:
    """The frame as CSV, UTF-8 with a BOM (Excel then shows Vietnamese correctly), text cells neutralised,
    figures with ``decimals`` places and a decimal point (a CSV is read by programs as much as by people)."""
    safe = frame.copy()
    for col in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[col]):
            safe[col] = safe[col].map(neutralise)
    return safe.to_csv(index=False, float_format=f"%.{decimals}f").encode("utf-8-sig")


def source_line(source: str = SOURCE) -> str:
    """``Nguồn: … Xuất ngày 30/11/2026.``: where a table's figures come from and when it was exported."""
    return f"Nguồn: {source}. Xuất ngày {clock.today():%d/%m/%Y}."


def write_sheet(ws: Worksheet, title: str, subtitle: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
                formats: Sequence[str], widths: Sequence[float], source: str | None = None) -> None:
    """A titled table: title/subtitle rows, a styled frozen header with autofilter, formats, print setup; with
    ``source``, a line under the table naming the data source and the export date (:func:`source_line`)."""
    last = get_column_letter(len(headers))
    for row, text, size in ((1, title, 14), (2, subtitle, 11)):
        ws.cell(row, 1, fit_cell(neutralise(text))).font = Font(bold=row == 1, size=size)
        ws.merge_cells(f"A{row}:{last}{row}")
        ws.cell(row, 1).alignment = Alignment(horizontal="center")
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(4, col, text)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, values in enumerate(rows, start=5):
        for col, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
            data = ws.cell(r, col, None if value is None or value != value else fit_cell(neutralise(value)))
            data.number_format, data.border = fmt, _BORDER
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    if source is not None:
        ws.cell(6 + len(rows), 1, source_line(source)).font = Font(italic=True, size=10)
    ws.freeze_panes = "A5"
    ws.auto_filter.ref = f"A4:{last}{max(4, 4 + len(rows))}"
    ws.print_title_rows = "4:4"
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def sheet_of(wb: Workbook, title: str) -> Worksheet:
    """The workbook's first sheet (always a worksheet in the workbooks written here), named ``title``."""
    ws = cast(Worksheet, wb.active)
    ws.title = title
    return ws


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def unit_names(catalog: Catalog, year: int) -> dict[str, str]:
    """Code → each unit's name at the end of ``year``."""
    return {u.code: u.name_on(dt.date(year, 12, 31)) for u in catalog.units}


def ranking_xlsx(table: pd.DataFrame, year: int, block: str, catalog: Catalog | None = None,
                 criteria: Criteria | None = None) -> bytes:
    """The ranking (:func:`cchc.ranking.ranking` output) as an official-looking workbook, domains on sheet 2."""
    catalog, criteria = catalog or load_catalog(), criteria or load_criteria()
    names = unit_names(catalog, year)
    title = f"KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}"
    subtitle = f"Khối {block_vi(block)} — {PROVINCE_NAME}"
    wb = Workbook()
    ws = sheet_of(wb, "Xếp hạng")
    headers = ["Xếp hạng", "Đơn vị", "Điểm tự đánh giá", "Điểm thẩm định", "Điểm điều tra XHH", "Tổng điểm",
               "Chỉ số (%)", "Xếp loại", "Thay đổi thứ hạng", "Thay đổi chỉ số (điểm %)"]
    tiers = {t.code: t.name_vi for t in criteria.tiers}
    ordered = table.sort_values("rank", kind="stable")  # the rank is the row number: no separate STT
    rows = [[r.rank, names.get(r.unit, r.unit), r.self_score, r.appraised_score, r.survey_score, r.score, r.index,
             tiers.get(r.tier, ""), _int(r.rank_change), r.score_change] for r in tuples(ordered)]
    formats = [INTEGER, TEXT, POINTS, POINTS, POINTS, POINTS, POINTS, TEXT, '+0;-0;0', '+0.00;-0.00;0.00']
    write_sheet(ws, title, subtitle, headers, rows, formats, [9, 34, 12, 12, 12, 11, 10, 12, 11, 13],
                source=RANKING_SOURCE)
    domains = criteria.tree(year, block).domains
    sheet = wb.create_sheet("Điểm theo lĩnh vực")
    headers = ["Xếp hạng", "Đơn vị", *(f"{d.name_vi} (tối đa {d.max:g})" for d in domains), "Tổng điểm",
               "Chỉ số (%)"]
    rows = [[r["rank"], names.get(r["unit"], r["unit"]), *(r[d.code] for d in domains), r["score"], r["index"]]
            for r in ordered.to_dict("records")]
    formats = [INTEGER, TEXT, *([POINTS] * len(domains)), POINTS, POINTS]
    write_sheet(sheet, f"ĐIỂM THEO LĨNH VỰC — CHỈ SỐ CCHC NĂM {year}", subtitle, headers, rows, formats,
                [9, 34, *([14] * len(domains)), 11, 10], source=RANKING_SOURCE)
    return workbook_bytes(wb)


def _int(value: Any) -> Any:
    return None if value is None or pd.isna(value) else int(value)


def progress_xlsx(prog: pd.DataFrame, subject: str, catalog: Catalog | None = None) -> bytes:
    """A progress table (rows of :func:`cchc.progress.progress`) for a unit or the province."""
    catalog = catalog or load_catalog()
    indicators = catalog.indicator_by_code
    wb = Workbook()
    ws = sheet_of(wb, "Tiến độ")
    headers = ["STT", "Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị", "Kỳ", "Giá trị", "Giá trị gốc", "Mốc kế hoạch",
               "Mục tiêu", "Năm mục tiêu", "Mức đạt (%)", "Tình trạng", "Dự báo năm mục tiêu"]
    rows = [[n, r.indicator, indicators[r.indicator].name_vi if r.indicator in indicators else "", r.unit, r.period,
             r.value, r.baseline, r.milestone, r.target, _int(r.target_year), r.achievement,
             status_vi(r.status), r.projected]
            for n, r in enumerate(tuples(prog), start=1)]
    formats = [INTEGER, TEXT, TEXT, TEXT, TEXT, POINTS, POINTS, POINTS, POINTS, INTEGER, PERCENT, TEXT, POINTS]
    write_sheet(ws, "TIẾN ĐỘ THỰC HIỆN CÁC CHỈ TIÊU KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH 2016–2020",
                f"{subject} — {PROVINCE_NAME}", headers, rows, formats,
                [6, 10, 48, 12, 9, 10, 11, 12, 10, 10, 10, 18, 12], source=SOURCE)
    return workbook_bytes(wb)


def completeness_xlsx(frame: pd.DataFrame, subject: str, catalog: Catalog | None = None) -> bytes:
    """The completeness frame (:func:`cchc.completeness.completeness`) as a workbook; each unit by its name on
    the period's last day (Mỹ Hào a huyện in 2018, a thị xã in 2020)."""
    catalog = catalog or load_catalog()
    units = catalog.unit_by_code

    def name(code: str, period: str) -> str:
        return units[code].name_on(parse_period(period).end) if code in units else code

    wb = Workbook()
    ws = sheet_of(wb, "Tình hình nộp")
    headers = ["STT", "Mã đơn vị", "Đơn vị", "Kỳ báo cáo", "Hạn nộp", "Ngày nộp", "Số ngày muộn", "Tình trạng"]
    rows = [[n, r.unit, name(r.unit, r.period), r.period, r.deadline,
             None if pd.isna(r.received_at) else r.received_at.to_pydatetime(), _int(r.days_late),
             status_vi(r.status)]
            for n, r in enumerate(tuples(frame), start=1)]
    formats = [INTEGER, TEXT, TEXT, TEXT, "dd/mm/yyyy", "dd/mm/yyyy hh:mm", INTEGER, TEXT]
    write_sheet(ws, "TÌNH HÌNH NỘP BÁO CÁO CẢI CÁCH HÀNH CHÍNH", f"{subject} — {PROVINCE_NAME}", headers, rows,
                formats, [6, 12, 34, 11, 12, 17, 10, 14], source=SOURCE)
    return workbook_bytes(wb)


def values_xlsx(frame: pd.DataFrame, period: str | None = None, catalog: Catalog | None = None) -> bytes:
    """Current values (the store's ``current_values`` frame) as a workbook, one row per unit × period × indicator."""
    catalog = catalog or load_catalog()
    indicators = catalog.indicator_by_code
    wb = Workbook()
    ws = sheet_of(wb, "Số liệu")
    headers = ["STT", "Mã đơn vị", "Kỳ", "Mã chỉ tiêu", "Chỉ tiêu", "Tử số", "Mẫu số", "Giá trị", "Ghi chú", "Ô nguồn",
               "Báo cáo số"]
    rows = [[n, r.unit, r.period, r.indicator, indicators[r.indicator].name_vi if r.indicator in indicators else "",
             r.numerator, r.denominator, r.value, r.note, r.source_cell, _int(r.submission_id)]
            for n, r in enumerate(tuples(frame), start=1)]
    formats = [INTEGER, TEXT, TEXT, TEXT, TEXT, "#,##0.##", "#,##0.##", POINTS, TEXT, TEXT, INTEGER]
    write_sheet(ws, "SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH", f"{f'Kỳ {period}' if period else 'Tất cả các kỳ'} — "
                f"{PROVINCE_NAME}", headers, rows, formats, [6, 12, 9, 10, 48, 10, 10, 10, 30, 10, 10])
    return workbook_bytes(wb)


def progress_file(prog: pd.DataFrame, kind: str, subject: str, catalog: Catalog | None = None) -> bytes:
    """``kind`` ``csv`` (columns :data:`PROGRESS_CSV`, status codes) or ``xlsx`` (Vietnamese labels)."""
    return csv_bytes(prog[list(PROGRESS_CSV)]) if kind == "csv" else progress_xlsx(prog, subject, catalog)


def targets_xlsx(table: pd.DataFrame, title: str, subject: str, summary: dict[str, int] | None = None,
                 catalog: Catalog | None = None) -> bytes:
    """An overview or unit table (columns of :data:`TARGET_HEADERS`) with the indicator names and Vietnamese
    status words; ``summary`` (status → count) goes to a second sheet "Tổng hợp"."""
    catalog = catalog or load_catalog()
    names = {i.code: i.name_vi for i in catalog.indicators}
    columns = [c for c in table.columns if c in TARGET_HEADERS]
    words: dict[str, dict[Any, str]] = {"status": {code: status_vi(code) for code in STATUS_LABELS},
             "origin": {"plan": "Kế hoạch", "supplementary": "Bổ sung"},
             "slipped": {True: "Có", False: ""}}

    def cell(column: str, value: Any) -> Any:
        return words[column].get(value, value) if column in words else None if pd.isna(value) else value

    rows = [[n, r["indicator"], names.get(r["indicator"], ""), *(cell(c, r[c]) for c in columns[1:])]
            for n, r in enumerate(table.to_dict("records"), start=1)]
    wb = Workbook()
    ws = sheet_of(wb, "Chỉ tiêu")
    write_sheet(ws, title, f"{subject} — {PROVINCE_NAME}", ["STT", "Mã chỉ tiêu", "Chỉ tiêu",
                *(TARGET_HEADERS[c][0] for c in columns[1:])], rows,
                [INTEGER, TEXT, TEXT, *(TARGET_HEADERS[c][1] for c in columns[1:])],
                [6, 10, 48, *([12] * (len(columns) - 1))], source=SOURCE)
    if summary is not None:
        counts = wb.create_sheet("Tổng hợp")
        write_sheet(counts, title, f"{subject} — {PROVINCE_NAME}", ["Tình trạng", "Mã", "Số chỉ tiêu"],
                    [[status_vi(k), k, v] for k, v in summary.items()], [TEXT, TEXT, INTEGER],
                    [22, 16, 12])
    return workbook_bytes(wb)


def ranking_file(table: pd.DataFrame, kind: str, year: int, block: str, catalog: Catalog | None = None,
                 criteria: Criteria | None = None) -> bytes:
    """``kind`` ``csv`` (the ranking columns, tier codes, one column per domain) or ``xlsx``."""
    return csv_bytes(table) if kind == "csv" else ranking_xlsx(table, year, block, catalog, criteria)


def completeness_file(frame: pd.DataFrame, kind: str, subject: str, catalog: Catalog | None = None) -> bytes:
    """``kind`` ``csv`` (status codes) or ``xlsx`` (Vietnamese labels)."""
    return csv_bytes(frame) if kind == "csv" else completeness_xlsx(frame, subject, catalog)
