"""Check a read workbook against the catalog: every check is a small function yielding Issues, listed in CHECKS.

Adding a rule means writing one function and listing it; nothing else changes. Issues point at the cell the
clerk sees (``Số liệu!D12``) and carry the indicator code; messages come from :data:`cchc.report.MESSAGES`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from cchc import layout
from cchc.catalog import Catalog, Indicator, Unit
from cchc.guard import thousands
from cchc.normalise import figures, parse_yes_no, unit_code
from cchc.periods import Period, PeriodError, all_periods, parse_period
from cchc.read import Cell, RawRow, RawWorkbook, cell_text, parse_number
from cchc.report import Issue, Report, Severity, make_issue

VALUE_TOLERANCE_POINTS = 0.5  # a typed percentage may differ this much from Tử số / Mẫu số (rounding)
PERCENT_JUMP_POINTS = 40.0  # a percentage moving more than this since the previous period is implausible
COUNT_JUMP_FACTOR = 5.0  # a count growing more than 5× or shrinking below 1/5 …
COUNT_JUMP_MIN_SIZE = 20.0  # … when the larger of the two is at least this (3 → 17 is ordinary)
MAX_FIGURE = 1e9  # no count, numerator or denominator of a province's unit comes near a billion: a typing slip
MAX_NOTE_CHARS = 2_000  # a note explains a figure; longer texts belong in the unit's written report
REQUIRED_INFO = (layout.INFO_UNIT_CODE, layout.INFO_PERIOD, layout.INFO_VERSION, layout.INFO_REPORTER)
_FIGURE_COLUMNS = {"percent": (layout.COL_NUMERATOR, layout.COL_DENOMINATOR, layout.COL_VALUE),
                   "count": (layout.COL_VALUE,), "yes_no": ()}


class Row(NamedTuple):
    """A data row with its indicator (None if unknown) and its figures parsed (None when blank or not a number)."""

    raw: RawRow
    code: str
    indicator: Indicator | None
    numbers: dict[str, float | None]

    def cell(self, column: str) -> Cell:
        return self.raw.cells[column]


@dataclass(frozen=True)
class Context:
    raw: RawWorkbook
    catalog: Catalog
    unit: Unit | None
    period: Period | None
    applicable: frozenset[str] | None  # indicator codes the unit reports in the period; None if unknown
    rows: tuple[Row, ...]
    previous: Mapping[str, float]
    lang: str

    def issue(self, code: str, cell: Cell | None = None, indicator: str = "", severity: Severity = "error",
              **fields: object) -> Issue:
        sheet = cell.sheet if cell else self.raw.data_sheet
        return make_issue(code, severity, sheet=sheet, cell=cell.ref if cell else "", indicator=indicator,
                          lang=self.lang, **fields)

    def number(self, x: float) -> str:
        """A figure for a message: ``12,5`` in Vietnamese, ``12.5`` in English."""
        text = f"{x:.10g}"
        return text if self.lang == "en" else text.replace(".", ",")

    def measured(self, *measures: str) -> Iterator[tuple[Row, Indicator]]:
        """Rows of known indicators with one of these measures, each with its indicator."""
        return ((r, r.indicator) for r in self.rows if r.indicator is not None and r.indicator.measure in measures)




def _info_issue(ctx: Context, code: str, label: str, **fields: object) -> Issue:
    cell = ctx.raw.info.get(label)
    return make_issue(code, sheet=cell.sheet if cell else ctx.raw.info_sheet, cell=cell.ref if cell else "",
                      lang=ctx.lang, label=label, **fields)  # type: ignore[arg-type]  # template fields only


def check_info(ctx: Context) -> Iterator[Issue]:
    for label in REQUIRED_INFO:
        if not ctx.raw.info_text(label):
            yield _info_issue(ctx, "missing-info", label)


def check_unit(ctx: Context) -> Iterator[Issue]:
    code = unit_code(ctx.raw)
    if code and ctx.unit is None:
        yield _info_issue(ctx, "unknown-unit", layout.INFO_UNIT_CODE, value=code)
    elif ctx.unit and not ctx.catalog.kinds[ctx.unit.kind].reports:
        yield _info_issue(ctx, "unit-not-reporting", layout.INFO_UNIT_CODE, value=code)
    elif ctx.unit and ctx.period and not ctx.unit.valid_between(ctx.period.start, ctx.period.end):
        yield _info_issue(ctx, "unit-not-valid", layout.INFO_UNIT_CODE, value=code, period=ctx.period.code)


@cache
def _a_known_year() -> str:
    return str(all_periods(("year",))[0].year)


def check_period(ctx: Context) -> Iterator[Issue]:
    text = ctx.raw.info_text(layout.INFO_PERIOD)
    if text and ctx.period is None:
        try:  # same text with a monitored year: if that parses, only the year was wrong
            parse_period(re.sub(r"^\s*\d{4}", _a_known_year(), text))
            code = "unknown-period"
        except PeriodError:
            code = "malformed-period"
        yield _info_issue(ctx, code, layout.INFO_PERIOD, value=text)


def check_version(ctx: Context) -> Iterator[Issue]:
    version = ctx.raw.info_text(layout.INFO_VERSION)
    if version and version not in layout.ACCEPTED_TEMPLATE_VERSIONS:
        yield _info_issue(ctx, "template-version", layout.INFO_VERSION, value=version,
                          expected=layout.TEMPLATE_VERSION)


def check_indicator_codes(ctx: Context) -> Iterator[Issue]:
    for row in ctx.rows:
        if row.indicator is None:
            yield ctx.issue("unknown-indicator", row.cell(layout.COL_CODE), row.code, value=row.code)
        elif ctx.applicable is not None and row.code not in ctx.applicable:
            yield ctx.issue("indicator-not-applicable", row.cell(layout.COL_CODE), row.code, value=row.code)


def check_duplicates(ctx: Context) -> Iterator[Issue]:
    first: dict[str, Cell] = {}
    for row in ctx.rows:
        cell = row.cell(layout.COL_CODE)
        if row.code in first:
            yield ctx.issue("duplicate-indicator", cell, row.code, value=row.code, first=first[row.code].ref)
        else:
            first[row.code] = cell


def check_formulas(ctx: Context) -> Iterator[Issue]:
    for row in ctx.rows:
        for column in (layout.COL_NUMERATOR, layout.COL_DENOMINATOR, layout.COL_VALUE):
            if row.cell(column).ref in ctx.raw.formula_cells:
                yield ctx.issue("formula-cell", row.cell(column), row.code)


def check_note_length(ctx: Context) -> Iterator[Issue]:
    """A note (Ghi chú) explains a figure in at most :data:`MAX_NOTE_CHARS` characters."""
    for row in ctx.rows:
        note = row.raw.cells.get(layout.COL_NOTE)
        if note is not None and len(note.text) > MAX_NOTE_CHARS:
            yield ctx.issue("note-too-long", note, row.code, size=thousands(len(note.text)),
                            limit=thousands(MAX_NOTE_CHARS))


def check_numbers(ctx: Context) -> Iterator[Issue]:
    for row, _ in ctx.measured("percent", "count"):
        for column, number in row.numbers.items():
            cell = row.cell(column)
            if number is None and not cell.blank:
                yield ctx.issue("not-a-number", cell, row.code, value=cell.text)


def check_negative(ctx: Context) -> Iterator[Issue]:
    for row in ctx.rows:
        for column, number in row.numbers.items():
            if number is not None and number < 0:
                yield ctx.issue("negative-value", row.cell(column), row.code, value=ctx.number(number))


def check_magnitude(ctx: Context) -> Iterator[Issue]:
    """Figures above :data:`MAX_FIGURE` are refused: they are slips, and sums of them would overflow roll-ups."""
    for row in ctx.rows:
        for column, number in row.numbers.items():
            if number is not None and abs(number) > MAX_FIGURE:
                yield ctx.issue("number-too-large", row.cell(column), row.code, value=ctx.number(number),
                                limit=ctx.number(MAX_FIGURE))


def check_integers(ctx: Context) -> Iterator[Issue]:
    """Counts, and the numerator and denominator of a percentage, count things: whole numbers."""
    for row, ind in ctx.measured("percent", "count"):
        for column, number in row.numbers.items():
            whole = column != layout.COL_VALUE or ind.measure == "count"
            if whole and number is not None and not number.is_integer():
                yield ctx.issue("not-an-integer", row.cell(column), row.code, value=ctx.number(number))


def check_fraction(ctx: Context) -> Iterator[Issue]:
    for row, _ in ctx.measured("percent"):
        numerator, denominator = row.numbers[layout.COL_NUMERATOR], row.numbers[layout.COL_DENOMINATOR]
        if numerator is None or denominator is None:
            continue
        if denominator == 0 and numerator != 0:
            yield ctx.issue("zero-denominator", row.cell(layout.COL_DENOMINATOR), row.code)
        elif denominator == 0:
            yield ctx.issue("zero-over-zero", row.cell(layout.COL_DENOMINATOR), row.code, severity="warning")
        elif 0 <= denominator < numerator:
            yield ctx.issue("numerator-exceeds-denominator", row.cell(layout.COL_NUMERATOR), row.code,
                            value=ctx.number(numerator), limit=ctx.number(denominator))


def check_percent_range(ctx: Context) -> Iterator[Issue]:
    for row, _ in ctx.measured("percent"):
        value = row.numbers[layout.COL_VALUE]
        if value is not None and value > 100:
            yield ctx.issue("percent-out-of-range", row.cell(layout.COL_VALUE), row.code, value=ctx.number(value))


def check_value_matches_fraction(ctx: Context) -> Iterator[Issue]:
    """A typed Giá trị must agree with Tử số / Mẫu số (a %-formatted cell holding 0.9 for 90% agrees too)."""
    for row, _ in ctx.measured("percent"):
        numerator, denominator, value = (row.numbers[c] for c in _FIGURE_COLUMNS["percent"])
        if numerator is None or not denominator or value is None or not 0 <= value <= 100:
            continue
        share = 100 * numerator / denominator
        typed = row.cell(layout.COL_VALUE).value
        fraction = isinstance(typed, float) and value <= 1 and abs(100 * value - share) <= VALUE_TOLERANCE_POINTS
        if abs(value - share) > VALUE_TOLERANCE_POINTS and not fraction:
            yield ctx.issue("value-mismatch", row.cell(layout.COL_VALUE), row.code, value=ctx.number(value),
                            limit=ctx.number(round(share, 1)))


def check_yes_no(ctx: Context) -> Iterator[Issue]:
    for row, _ in ctx.measured("yes_no"):
        cell = row.cell(layout.COL_VALUE)
        if not cell.blank and cell.ref not in ctx.raw.formula_cells and parse_yes_no(cell.value) is None:
            yield ctx.issue("yes-no-not-understood", cell, row.code, value=cell.text)


def check_required_values(ctx: Context) -> Iterator[Issue]:
    """A required indicator needs its figure; a started percentage needs both Tử số and Mẫu số."""
    for row, ind in ctx.measured("percent", "count", "yes_no"):
        percent = ind.measure == "percent"
        needed = (row.cell(layout.COL_NUMERATOR), row.cell(layout.COL_DENOMINATOR)) if percent else \
            (row.cell(layout.COL_VALUE),)
        blank = next((cell for cell in needed if cell.blank), None)
        if blank is None or blank.ref in ctx.raw.formula_cells:
            continue
        required = ind.required and (ctx.applicable is None or row.code in ctx.applicable)
        if required or (percent and any(not row.cell(c).blank for c in _FIGURE_COLUMNS["percent"])):
            yield ctx.issue("required-value-missing", blank, row.code, value=row.code)


def check_missing_indicators(ctx: Context) -> Iterator[Issue]:
    if ctx.applicable is None:
        return
    present = {row.code for row in ctx.rows}
    for ind in ctx.catalog.indicators:
        if ind.required and ind.code in ctx.applicable and ind.code not in present:
            yield ctx.issue("missing-indicator", None, ind.code, value=ind.code)


def check_implausible_change(ctx: Context) -> Iterator[Issue]:
    """A warning, not an error: the figure may be right, but the clerk should look again."""
    for row, ind in ctx.measured("percent", "count"):
        before = ctx.previous.get(row.code)
        found = figures(ind, row.raw) if before is not None else None
        if before is None or found is None or found[2] is None:
            continue
        now = found[2]
        if ind.measure == "percent":
            jump = abs(now - before) > PERCENT_JUMP_POINTS
        else:
            jump = max(now, before) >= COUNT_JUMP_MIN_SIZE and (
                now > COUNT_JUMP_FACTOR * before or now * COUNT_JUMP_FACTOR < before)
        if jump:
            yield ctx.issue("implausible-change", found[3], row.code, "warning", value=ctx.number(round(now, 1)),
                            limit=ctx.number(round(before, 1)))


DERIVED: tuple[str, ...] = ("implausible-change",)  # warnings on the computed value of a row
Check = Callable[[Context], Iterator[Issue]]
CHECKS: tuple[Check, ...] = (
    check_info, check_unit, check_period, check_version, check_indicator_codes, check_duplicates, check_formulas,
    check_note_length, check_numbers, check_negative, check_magnitude, check_integers, check_fraction,
    check_percent_range, check_value_matches_fraction, check_yes_no, check_required_values, check_missing_indicators,
    check_implausible_change,
)


def _row(raw_row: RawRow, by_code: dict[str, Indicator], formulas: frozenset[str]) -> Row:
    code = cell_text(raw_row.cells[layout.COL_CODE].value)
    indicator = by_code.get(code)
    columns = _FIGURE_COLUMNS[indicator.measure] if indicator else ()
    numbers = {c: None if raw_row.cells[c].ref in formulas else parse_number(raw_row.cells[c].value) for c in columns}
    return Row(raw_row, code, indicator, numbers)


def context(raw: RawWorkbook, catalog: Catalog, previous: Mapping[str, float] | None = None,
            lang: str = "vi") -> Context:
    """Everything the checks share, worked out once: the unit, the period, the rows with numbers parsed."""
    unit = catalog.unit_by_code.get(unit_code(raw))
    try:
        period = parse_period(raw.info_text(layout.INFO_PERIOD))
    except PeriodError:
        period = None
    reports = unit is not None and catalog.kinds[unit.kind].reports
    applicable = frozenset(i.code for i in catalog.indicators_for(unit, period.end)) \
        if unit is not None and reports and period else None
    by_code = catalog.indicator_by_code
    rows = tuple(_row(r, by_code, raw.formula_cells) for r in raw.rows)
    return Context(raw, catalog, unit, period, applicable, rows, previous or {}, lang)


def validate(raw: RawWorkbook, catalog: Catalog, previous: Mapping[str, float] | None = None,
             lang: str = "vi") -> Report:
    """Run every check of :data:`CHECKS`; ``previous`` maps indicator → the unit's value last period. A
    warning about a figure worked out from cells that already hold an error (:data:`DERIVED`) is left out: the
    error says what to fix."""
    ctx = context(raw, catalog, previous, lang)
    report = Report()
    for check in CHECKS:
        report.extend(check(ctx))
    wrong = {issue.indicator for issue in report.errors if issue.indicator}
    report.issues[:] = [i for i in report.issues if not (i.code in DERIVED and i.indicator in wrong)]
    return report
