"""The PAR score sheet: its layout, the template the units and the appraisal council fill, and the reader that
turns a filled sheet into score rows and issues.

The template (:func:`template_xlsx`) lists every unit × criterion of a block and year; the units fill the
self-assessment of ``council`` criteria, the council the appraisal (with its reason) of any non-survey criterion,
and the survey scores go in their own column; the cells a criterion does not take are greyed. The reader
(:func:`read_sheet`) goes through :func:`cchc.read.sheet_grids`, so a hostile file meets the same size and
structure checks as a report (``sheet-too-large``, ``suspicious-archive`` …); its own findings use the codes of
:data:`cchc.report.MESSAGES`, in Vietnamese or English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from cchc.catalog import BLOCKS, Catalog, load_catalog
from cchc.criteria import Criteria, Criterion, load_criteria
from cchc.export import POINTS, PROVINCE_NAME, TEXT, sheet_of, unit_names, workbook_bytes, write_sheet
from cchc.guard import column_letter
from cchc.labels import block_vi
from cchc.layout import fold
from cchc.read import Refused, cell_text, parse_number, sheet_grids
from cchc.report import Issue, Severity, make_issue

SCORE_SHEET = "Điểm thẩm định"
LABEL_YEAR, LABEL_BLOCK = "Năm", "Khối"
COL_UNIT, COL_UNIT_NAME, COL_CRITERION, COL_CRITERION_NAME = "Mã đơn vị", "Tên đơn vị", "Mã tiêu chí", "Tiêu chí"
COL_MAX, COL_SELF, COL_APPRAISED = "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định"
COL_SURVEY, COL_REASON = "Điểm điều tra XHH", "Lý do"
COL_EVIDENCE = "Tài liệu kiểm chứng"  # the template's last column when evidence is given; not read back
SCORE_COLUMNS: tuple[str, ...] = (COL_UNIT, COL_UNIT_NAME, COL_CRITERION, COL_CRITERION_NAME, COL_MAX, COL_SELF,
                                  COL_APPRAISED, COL_SURVEY, COL_REASON)
#: Score column → store source, and the columns each criterion kind takes (the template greys the others):
#: the unit self-assesses council criteria, the council may adjust any non-survey criterion.
SCORE_SOURCES: dict[str, str] = {COL_SELF: "self", COL_APPRAISED: "appraised", COL_SURVEY: "survey"}
KIND_COLUMNS: dict[str, tuple[str, ...]] = {"indicator": (COL_APPRAISED,), "council": (COL_SELF, COL_APPRAISED),
                                            "survey": (COL_SURVEY,)}
_GREY = PatternFill("solid", fgColor="EEEEEE")


def template_xlsx(year: int, block: str, catalog: Catalog | None = None, criteria: Criteria | None = None,
                  evidence: Mapping[tuple[str, str], Sequence[str]] | None = None) -> bytes:
    """The sheet the units (self-assessment) and the appraisal council fill, read back by :func:`read_sheet`;
    the score cells a criterion does not take are greyed. With ``evidence`` ((unit, criterion) → file names,
    :func:`cchc.evidence.file_names`), a last column lists each criterion's evidence files (the reader ignores
    it)."""
    catalog, criteria = catalog or load_catalog(), criteria or load_criteria()
    names = unit_names(catalog, year)
    wb = Workbook()
    ws = sheet_of(wb, SCORE_SHEET)
    chosen = [(u.code, c) for u in catalog.block_units(year, block) for c in criteria.tree(year, block).criteria]
    more = 0 if evidence is None else 1
    rows = [[u, names[u], c.code, c.name_vi, c.max, None, None, None, None,
             *(["; ".join(evidence.get((u, c.code), ()))] if evidence is not None else [])] for u, c in chosen]
    write_sheet(ws, f"BẢNG ĐIỂM TỰ ĐÁNH GIÁ, THẨM ĐỊNH VÀ ĐIỀU TRA XÃ HỘI HỌC CHỈ SỐ CCHC NĂM {year}",
                f"Khối {block_vi(block)} — {PROVINCE_NAME}", [*SCORE_COLUMNS, COL_EVIDENCE][:9 + more], rows,
                [TEXT, TEXT, TEXT, TEXT, POINTS, POINTS, POINTS, POINTS, TEXT, TEXT][:9 + more],
                [12, 34, 10, 52, 10, 12, 12, 12, 40, 48][:9 + more])
    ws["A3"], ws["B3"], ws["C3"], ws["D3"] = LABEL_YEAR, year, LABEL_BLOCK, f"{block} ({block_vi(block)})"
    at = {column: SCORE_COLUMNS.index(column) + 1 for column in SCORE_SOURCES}
    for r, kind in enumerate((c.kind for _, c in chosen), start=5):
        for column in (c for c in SCORE_SOURCES if c not in KIND_COLUMNS[kind]):
            ws.cell(r, at[column]).fill = _GREY
    return workbook_bytes(wb)


_HEADER = frozenset({fold(COL_UNIT), fold(COL_CRITERION)})
_WANTED = {fold(c): c for c in SCORE_COLUMNS}


def _header(texts: list[list[str]]) -> int | None:
    """The index of the header row (the one naming the unit and criterion columns), or None."""
    return next((n for n, row in enumerate(texts) if {fold(t) for t in row} >= _HEADER), None)


def _find(data: bytes, lang: str) -> tuple[str, tuple[int, int], list[list[str]], int]:
    """The sheet holding the score table: name, origin, cell texts and header row index; raises
    :class:`Refused` (the reader's checks, or no sheet with the header)."""
    for name, origin, grid, _ in sheet_grids(data, lang):
        texts = [[cell_text(v) for v in row] for row in grid]
        header = _header(texts)
        if header is not None:
            return name, origin, texts, header
    raise Refused(make_issue("score-header-missing", lang=lang, unit=COL_UNIT, criterion=COL_CRITERION))


def read_sheet(data: bytes, catalog: Catalog | None = None, criteria: Criteria | None = None,
               lang: str = "vi") -> tuple[list[dict], list[Issue]]:
    """Rows for ``Store.record_par_scores`` (``year, unit, criterion, source, score, reason``) and the issues.

    Columns: self-assessment (``council`` criteria), appraisal (``indicator``/``council``; ``reason`` is the
    appraisal's, so only appraised rows carry it), survey (``survey`` criteria). Blank score cells are
    skipped; record the rows only when no issue is an error.
    """
    catalog, criteria = catalog or load_catalog(), criteria or load_criteria()
    try:
        sheet, (top, left), texts, header = _find(data, lang)
    except Refused as refused:
        return [], [refused.issue]
    info = {fold(row[i]).rstrip(" :"): row[i + 1] for row in texts[:header] for i in range(len(row) - 1) if row[i]}
    year = parse_number(info.get(fold(LABEL_YEAR), ""))
    block = info.get(fold(LABEL_BLOCK), "").split(" ")[0]
    if year is None or block not in BLOCKS:
        return [], [make_issue("score-info-missing", sheet=sheet, lang=lang,
                               label=LABEL_YEAR if year is None else LABEL_BLOCK)]
    return _Reader(sheet, top, left, int(year), block, catalog, criteria, lang).rows(texts, header)


class _Reader:
    """The score rows of one sheet, and the issues met on the way."""

    def __init__(self, sheet: str, top: int, left: int, year: int, block: str, catalog: Catalog,
                 criteria: Criteria, lang: str) -> None:
        self.sheet, self.top, self.left, self.year, self.block, self.lang = sheet, top, left, year, block, lang
        self.catalog = catalog
        self.units = {u.code for u in catalog.block_units(year, block)}
        self.criteria = {c.code: c for c in criteria.tree(year, block).criteria}
        self.issues: list[Issue] = []

    def issue(self, code: str, index: int, row: int, severity: Severity = "error", /, **fields: object) -> None:
        """An issue at the cell of column ``index`` and row ``row`` of the grid (0-based, from its origin)."""
        cell = f"{column_letter(self.left + index)}{self.top + row + 1}"
        self.issues.append(make_issue(code, severity, sheet=self.sheet, cell=cell, lang=self.lang,
                                      **fields))  # type: ignore[arg-type]  # template fields, not make_issue's own

    def rows(self, texts: list[list[str]], header: int) -> tuple[list[dict], list[Issue]]:
        at = {_WANTED[fold(t)]: i for i, t in enumerate(texts[header]) if fold(t) in _WANTED}
        found: list[dict] = []
        for n, row in enumerate(texts[header + 1:], start=header + 1):
            cells = {column: row[i] if i < len(row) else "" for column, i in at.items()}
            unit, code = cells.get(COL_UNIT, ""), cells.get(COL_CRITERION, "")
            if not unit and not code:
                continue
            if unit not in self.units:
                known = unit in self.catalog.unit_by_code
                self.issue("unit-not-in-block" if known else "unknown-unit", at[COL_UNIT], n, value=unit,
                           block=self.block, year=self.year)
            elif code not in self.criteria:
                self.issue("unknown-criterion", at[COL_CRITERION], n, value=code, year=self.year)
            else:
                found += self.scores(self.criteria[code], unit, cells, at, n)
        return found, self.issues

    def scores(self, crit: Criterion, unit: str, cells: dict[str, str], at: dict[str, int], n: int) -> list[dict]:
        """The scores one row of the sheet gives (its blank score cells give none)."""
        found = []
        for column, source in SCORE_SOURCES.items():
            text = cells.get(column, "")
            if not text:
                continue
            score = parse_number(text)
            if column not in KIND_COLUMNS[crit.kind]:
                self.issue("score-not-applicable", at[column], n, value=crit.code,
                           column=", ".join(f"«{c}»" for c in KIND_COLUMNS[crit.kind]))
            elif score is None:
                self.issue("not-a-number", at[column], n, value=text)
            elif not 0 <= score <= crit.max:
                self.issue("score-out-of-range", at[column], n, value=text, limit=f"{crit.max:g}")
            else:
                reason = cells.get(COL_REASON, "") if source == "appraised" else ""
                if source == "appraised" and not reason:
                    self.issue("score-reason-missing", at[column], n, "warning", value=f"{unit}/{crit.code}")
                found.append({"year": self.year, "unit": unit, "criterion": crit.code, "source": source,
                              "score": score, "reason": reason})
        return found
