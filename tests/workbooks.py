"""Build filled reporting workbooks in code, independently of the real template writer (cchc/templates.py).

``build_workbook(...)`` lays out the three sheets the way ``cchc/layout.py`` describes and returns .xlsx bytes;
its knobs reproduce what clerks do to a template (renamed sheets, shuffled rows, blank rows and columns, extra
or missing rows, text such as ``"85,5"`` in number cells). Tests get it as the ``make_workbook`` fixture.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from collections.abc import Iterable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.cell import Cell

from cchc import layout
from cchc.catalog import Catalog, Indicator, Unit, load_catalog
from cchc.periods import Period, parse_period
from cchc.read import RawWorkbook, read_workbook
from cchc.report import Report
from cchc.validate import validate

TITLE = "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH"
FIGURE_COLUMNS = (layout.COL_NUMERATOR, layout.COL_DENOMINATOR, layout.COL_VALUE)
FIELDS = {"numerator": layout.COL_NUMERATOR, "denominator": layout.COL_DENOMINATOR,
          "value": layout.COL_VALUE, "note": layout.COL_NOTE}


def _unit(unit: str | Unit) -> Unit:
    return unit if isinstance(unit, Unit) else load_catalog().unit_by_code[unit]


def _period(period: str | Period) -> Period:
    return period if isinstance(period, Period) else parse_period(period)


def filled_values(unit: str | Unit, period: str | Period) -> dict[str, dict[str, object]]:
    """Plausible, valid figures for every indicator the unit reports in the period."""
    catalog = load_catalog()
    values: dict[str, dict[str, object]] = {}
    for n, ind in enumerate(catalog.indicators_for(_unit(unit), _period(period).end)):
        if ind.measure == "percent":
            values[ind.code] = {"numerator": 40 + n % 10, "denominator": 50}
        elif ind.measure == "count":
            values[ind.code] = {"value": 10 + 3 * n}
        else:
            values[ind.code] = {"value": layout.YES if n % 4 else layout.NO}
    return values


def build_workbook(
    unit: str = "SNV",
    period: str = "2018",
    *,
    version: object = layout.TEMPLATE_VERSION,
    reporter: object = "Nguyễn Văn An",
    report_date: object = dt.date(2018, 12, 10),
    unit_name: object = None,
    values: Mapping[str, Mapping[str, object]] | None = None,
    update: Mapping[str, Mapping[str, object]] | None = None,
    first: Sequence[str] = (),
    omit: Iterable[str] = (),
    extra_rows: Sequence[Mapping[str, object]] = (),
    extra_at: int | None = None,
    info: Mapping[str, object] | None = None,
    sheet_names: Mapping[str, str] | None = None,
    columns: Sequence[str] = layout.DATA_COLUMNS,
    title_rows: int = 3,
    offset_columns: int = 0,
    blank_rows: Iterable[int] = (),
    shuffle: int | None = None,
) -> bytes:
    """A filled workbook as .xlsx bytes.

    ``values`` maps indicator code → {numerator, denominator, value, note} (default :func:`filled_values`);
    ``update`` changes some fields of those; ``first`` moves these codes to the top, in this order (so their row
    is known: with the defaults the header is row 4 and the first indicator row 5, A=code, D=Tử số, E=Mẫu số,
    F=Giá trị); ``omit`` drops rows; ``extra_rows`` adds rows (``code`` plus fields) at index ``extra_at``
    (default: the end). ``info`` overrides info values by label (None drops the label's row). ``sheet_names``
    renames sheets (default name → new name). ``columns`` orders the data columns ("" makes a blank column,
    leaving one out removes it). ``offset_columns`` blank columns go before everything on the info and data
    sheets; ``blank_rows`` are indexes of data rows to precede with an empty row; ``shuffle`` seeds a shuffle.
    A text starting with ``=`` becomes a formula (with no computed value) in Tử số, Mẫu số and Giá trị, as
    when a clerk types it there; elsewhere (notes, info) it stays literal text.
    """
    unit_obj, period_obj = load_catalog().unit_by_code.get(unit), _period_or_none(period)
    figures = {code: dict(fields) for code, fields in (values if values is not None else
                                                        filled_values(unit, period)).items()}
    for code, fields in (update or {}).items():
        figures.setdefault(code, {}).update(fields)
    figures = {**{code: figures[code] for code in first}, **figures}
    names = {n: (sheet_names or {}).get(n, n) for n in (layout.SHEET_GUIDE, layout.SHEET_INFO, layout.SHEET_DATA)}
    wb = Workbook()
    guide = wb.active
    guide.title = names[layout.SHEET_GUIDE]
    guide.append(["HƯỚNG DẪN ĐIỀN BIỂU MẪU"])
    guide.append(["Ghi số liệu vào trang Số liệu; tỷ lệ ghi Tử số và Mẫu số."])
    labels = {
        layout.INFO_UNIT_CODE: unit,
        layout.INFO_UNIT_NAME: unit_name if unit_name is not None else
        (unit_obj.name_on(period_obj.end) if unit_obj and period_obj else ""),
        layout.INFO_PERIOD: period,
        layout.INFO_VERSION: version,
        layout.INFO_REPORTER: reporter,
        layout.INFO_DATE: report_date,
        **(info or {}),
    }
    pad = [None] * offset_columns
    ws_info = wb.create_sheet(names[layout.SHEET_INFO])
    ws_info.append(["THÔNG TIN BÁO CÁO"])
    ws_info.append([])
    for label, value in labels.items():
        if value is not None:
            ws_info.append([*pad, label, value])
            _as_text(ws_info[ws_info.max_row])
    ws = wb.create_sheet(names[layout.SHEET_DATA])
    for n in range(title_rows):
        ws.append([TITLE] if n == 0 else [])
    ws.append([*pad, *columns])
    catalog = load_catalog().indicator_by_code
    rows = [_row(code, fields, catalog.get(code)) for code, fields in figures.items() if code not in set(omit)]
    at = len(rows) if extra_at is None else extra_at
    rows[at:at] = [_row(str(extra["code"]), extra, catalog.get(str(extra["code"]))) for extra in extra_rows]
    if shuffle is not None:
        random.Random(shuffle).shuffle(rows)
    gaps = set(blank_rows)
    for index, row in enumerate(rows):
        if index in gaps:
            ws.append([])
        ws.append([*pad, *(row.get(column) if column else None for column in columns)])
        _as_text(cell for cell, column in zip(ws[ws.max_row][offset_columns:], columns, strict=False)
                 if column not in FIGURE_COLUMNS)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _as_text(cells: Iterable[Cell]) -> None:
    """Keep ``=…`` as literal text (openpyxl would write it as a formula)."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _period_or_none(period: str) -> Period | None:
    try:
        return parse_period(period)
    except ValueError:
        return None


def _row(code: str, fields: Mapping[str, object], ind: Indicator | None) -> dict[str, object]:
    row: dict[str, object] = {layout.COL_CODE: code, layout.COL_NAME: ind.name_vi if ind else "Chỉ tiêu khác",
                              layout.COL_UNIT: ind.unit_label if ind else ""}
    row.update({FIELDS[k]: v for k, v in fields.items() if k in FIELDS})
    return row


def to_xlsm(data: bytes) -> bytes:
    """The .xlsx bytes as a macro-enabled .xlsm with a (harmless, never run) VBA project part."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.'
                                       b'vbaProject"/></Types>')
            dst.writestr(item.filename, content)
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = \"Auto_Open\"")
    return out.getvalue()


def check_workbook(source: bytes, filename: str = "", catalog: Catalog | None = None,
                   previous: Mapping[str, float] | None = None, lang: str = "vi") -> tuple[RawWorkbook | None, Report]:
    """Read and validate in this process (what ``ingest.check_file`` does in its worker): the workbook (None if
    unreadable) and the full report."""
    raw, issues = read_workbook(source, filename, lang=lang)
    if raw is None:
        return None, Report(issues)
    report = validate(raw, catalog or load_catalog(), previous, lang)
    report.issues[:0] = issues
    return raw, report
