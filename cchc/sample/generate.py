"""Realistic sample submissions: ``python -m cchc sample [--out DIR] [--seed N]``.

Writes, through the real template writer, one filled workbook per reporting unit and period (yearly
2016–2020, half-years 2019–2020) with the story of :mod:`cchc.sample.story`, a ``manifest.csv`` replaying
when each file arrived (most on time, some late, a few never sent, one corrected later), the faulty files of
:mod:`cchc.sample.bad` under ``bad/``, the PAR score sheets of :mod:`cchc.sample.scores` under
``par_scores/``, the evidence files of :mod:`cchc.sample.evidence` under ``evidence/`` and a README. The
same seed gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from cchc import layout
from cchc.catalog import Catalog, Unit, load_catalog
from cchc.periods import parse_period
from cchc.sample.bad import write_bad
from cchc.sample.evidence import EVIDENCE_DIR, EVIDENCE_MANIFEST, write_evidence
from cchc.sample.manifest import (
    BAD_DIR,
    MANIFEST,
    SAMPLE_DIR,
    SCORE_DIR,
    SCORE_MANIFEST,
    Entry,
    ScoreEntry,
    write_manifest,
)
from cchc.sample.scores import write_scores
from cchc.sample.story import Figure, UnitStory, choose_cast, profile
from cchc.templates import COLUMNS, INFO_LABEL_COLUMN, INFO_VALUE_COLUMN, build_template, indicator_rows, workbook_bytes

DEFAULT_SEED = 2016
PERIODS = ("2016", "2017", "2018", "2019-H1", "2019-H2", "2019", "2020-H1", "2020-H2", "2020")
CORRECTION = ("SKHDT", "2019", "6dd.1")  # unit, period, indicator typed wrong in the first file
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Đào", "Lưu")
MIDDLE = (("Văn", "Đức", "Minh", "Quang", "Hữu"), ("Thị", "Thu", "Thanh", "Ngọc", "Thị"))
GIVEN = (("Hùng", "Dũng", "Tuấn", "Nam", "Hải", "Long", "Sơn", "Thắng"),
         ("Lan", "Hương", "Thảo", "Trang", "Hà", "Huyền", "Nga", "Linh"))
TITLES = ("Chuyên viên", "Chuyên viên chính", "Phó Chánh Văn phòng", "Phó Trưởng phòng")


@dataclass(frozen=True)
class Story:
    """The seed's cast (who is early, who stalls or slips, who is late, who never sent what) and unit stories."""

    seed: int
    stories: dict[str, UnitStory]
    early: tuple[str, ...]
    setbacks: tuple
    late_unit: str
    missing: frozenset[tuple[str, str]]


def make_story(seed: int = DEFAULT_SEED, catalog: Catalog | None = None) -> Story:
    catalog = catalog or load_catalog()
    day = parse_period("2020").end
    early, setbacks = choose_cast(seed, catalog, day)
    on_time = catalog.indicator_by_code["2d.4"]
    units = catalog.reporting_units()
    stories = {u.code: UnitStory(seed, profile(seed, u, catalog.block_of(u, day), u.code in early), setbacks, on_time)
               for u in units}
    rng = random.Random(f"{seed}/schedule")
    weak = sorted((s.prof.capacity, code) for code, s in stories.items() if code not in early)
    late_unit = rng.choice(weak[:4])[1]
    pairs = [(u.code, p) for u in units for p in PERIODS if (u.code, p) != CORRECTION[:2]]
    halves = [pair for pair in pairs if "-H" in pair[1]]
    years = [pair for pair in pairs if "-H" not in pair[1] and pair[1] < "2019"]
    missing = frozenset(rng.sample(halves, 3) + rng.sample(years, 2))
    return Story(seed, stories, early, setbacks, late_unit, missing)


def received_at(story: Story, unit: str, period: str) -> dt.datetime:
    """When ``unit`` uploaded its report for ``period`` (Hưng Yên local time, no zone)."""
    rng = random.Random(f"{story.seed}/{unit}/{period}/received")
    late = rng.random() < (0.5 if unit == story.late_unit else 0.06)
    days = rng.randint(2, 30) if late else -rng.randint(0, 12)
    day = parse_period(period).deadline + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(7, 30)) + dt.timedelta(minutes=rng.randint(0, 570))


def reporter(story: Story, unit: str, period: str) -> str:
    """The clerk who reports (some units change clerk in 2019)."""
    rng = random.Random(f"{story.seed}/{unit}/reporter")
    people = []
    for _ in range(2):
        sex = rng.randint(0, 1)
        people.append(f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])} - "
                      f"{rng.choice(TITLES)}")
    return people[1] if period >= "2019" and rng.random() < 0.5 else people[0]


def filled_workbook(story: Story, unit: Unit, period: str, catalog: Catalog, at: dt.datetime,
                    figures: dict[str, Figure] | None = None) -> Workbook:
    """The template of ``unit`` for ``period`` filled with the story's figures (or ``figures``)."""
    wb = build_template(unit.code, period, catalog)
    clerk = reporter(story, unit.code, period)
    info = wb[layout.SHEET_INFO]
    for row in range(1, info.max_row + 1):
        label = info.cell(row, INFO_LABEL_COLUMN).value
        if label in (layout.INFO_REPORTER, layout.INFO_DATE):
            info.cell(row, INFO_VALUE_COLUMN,
                      clerk if label == layout.INFO_REPORTER else (at - dt.timedelta(days=at.day % 2)).date())
    data = wb[layout.SHEET_DATA]
    rows = indicator_rows(data)
    figures = figures if figures is not None else sample_figures(story, unit, period, catalog)
    for code, fig in figures.items():
        row = rows[code]
        for column, value in ((layout.COL_NUMERATOR, fig.numerator), (layout.COL_DENOMINATOR, fig.denominator),
                              (layout.COL_VALUE, fig.value), (layout.COL_NOTE, fig.note or None)):
            if value is not None:
                data[f"{COLUMNS[column]}{row}"] = value
    wb.properties.lastModifiedBy = clerk.split(" - ")[0]
    wb.properties.modified = at
    return wb


def sample_figures(story: Story, unit: Unit, period: str, catalog: Catalog) -> dict[str, Figure]:
    """Every non-blank figure the unit reports for the period."""
    tale = story.stories[unit.code]
    figures = {ind.code: tale.figure(ind, period) for ind in catalog.indicators_for(unit, parse_period(period).end)}
    return {code: fig for code, fig in figures.items() if fig is not None}


def _corrected(figures: dict[str, Figure]) -> dict[str, Figure]:
    """The first file's mistake: one numerator typed without its last digit."""
    code = CORRECTION[2]
    fig = figures[code]
    assert fig.numerator is not None  # the corrected indicator is a percentage: it has a numerator
    return {**figures, code: Figure(fig.numerator // 10, fig.denominator, fig.value, fig.note)}


def generate(out: Path = SAMPLE_DIR, seed: int = DEFAULT_SEED, units: Iterable[str] | None = None) -> list[Entry]:
    """Write the sample workbooks and ``manifest.csv`` into ``out``; returns the manifest rows in upload order."""
    catalog = load_catalog()
    story = make_story(seed, catalog)
    chosen = set(units) if units is not None else None
    entries: list[Entry] = []
    for unit in catalog.reporting_units():
        if chosen is not None and unit.code not in chosen:
            continue
        for period_code in PERIODS:
            period = parse_period(period_code)
            if (unit.code, period_code) in story.missing or not unit.valid_between(period.start, period.end):
                continue
            at = received_at(story, unit.code, period_code)
            figures = sample_figures(story, unit, period_code, catalog)
            name = f"{period.year}/{unit.code}_{period_code}.xlsx"
            if (unit.code, period_code) == CORRECTION[:2]:
                later = at + dt.timedelta(days=23, hours=2)
                fixed = {**figures, CORRECTION[2]: Figure(
                    figures[CORRECTION[2]].numerator, figures[CORRECTION[2]].denominator,
                    note="Bản sửa: số dịch vụ công mức độ 3 ở bản trước gõ thiếu một chữ số.")}
                _save(out, name.replace(".xlsx", "_v2.xlsx"),
                      filled_workbook(story, unit, period_code, catalog, later, fixed))
                entries.append(Entry(name.replace(".xlsx", "_v2.xlsx"), unit.code, period_code, later,
                                     unit.code.lower()))
                figures = _corrected(figures)
            _save(out, name, filled_workbook(story, unit, period_code, catalog, at, figures))
            entries.append(Entry(name, unit.code, period_code, at, unit.code.lower()))
    entries.sort(key=lambda e: (e.received_at, e.file))
    write_manifest(out / MANIFEST, entries)
    if chosen is None:
        scores = write_scores(out, story.stories, catalog, seed)
        write_evidence(out)
        write_readme(out / "README.md", story, entries, catalog, scores)
        units_by_code = catalog.unit_by_code
        write_bad(out / BAD_DIR, lambda u, p: filled_workbook(story, units_by_code[u], p, catalog,
                                                              received_at(story, u, p)))
    return entries


def _save(out: Path, name: str, wb: Workbook) -> None:
    path = out / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(wb))


def province_2020(story: Story, catalog: Catalog) -> dict[str, float]:
    """Each target indicator's province roll-up in the 2020 sample (sums of counts; yes/no as share of units)."""
    sums: dict[str, list[float]] = {}
    for unit in catalog.reporting_units():
        if (unit.code, "2020") in story.missing:
            continue
        for code, fig in sample_figures(story, unit, "2020", catalog).items():
            pair = (fig.numerator or 0, fig.denominator) if fig.denominator else (float(fig.value == layout.YES), 1)
            total = sums.setdefault(code, [0.0, 0.0])
            total[0], total[1] = total[0] + pair[0], total[1] + pair[1]
    return {code: 100 * n / d for code, (n, d) in sums.items() if d and catalog.indicator_by_code[code].target}


def write_readme(path: Path, story: Story, entries: list[Entry], catalog: Catalog, scores: list[ScoreEntry]) -> None:
    """sample_data/README.md: how the files were made and the story they tell."""
    late = sum(e.received_at.date() > parse_period(e.period).deadline for e in entries)
    by_code = catalog.indicator_by_code
    lines = [
        "# Sample data",
        "",
        f"Made by `python -m cchc sample --out sample_data --seed {story.seed}` (the package cchc/sample) through "
        "the real template writer; regenerate, do not edit.",
        "The first start of the app loads these files (in manifest order) when the data folder has no database.",
        "",
        f"- {len(entries)} workbooks: every reporting unit, yearly 2016–2020 and half-years 2019–2020, "
        "`YEAR/UNIT_PERIOD.xlsx`.",
        "- `manifest.csv`: `file,unit,period,received_at,uploaded_by` in upload order; `received_at` is Hưng Yên "
        f"local time. {late} uploads came after the period's deadline.",
        f"- Early achievers: {', '.join(story.early)}. Often late: {story.late_unit}.",
        "- Setbacks: " + "; ".join(f"{s.unit} {'stalls' if s.kind == 'stall' else 'slips back'} in area {s.area} "
                                   f"after {2015 + math.ceil(s.since)}{'-H1' if s.since % 1 else ''}"
                                   for s in story.setbacks)
        + ".",
        "- Never sent: " + ", ".join(f"{u} {p}" for u, p in sorted(story.missing)) + ".",
        f"- {len(scores)} PAR score sheets `{SCORE_DIR}/YEAR_BLOCK.xlsx` (the app's score sheet, years "
        f"{scores[0].year}–{scores[-1].year}, blocks sở and huyện): each unit's self-assessment of the council "
        "criteria (stronger and further-along units score higher; a unit stalling or slipping in an area stops "
        "improving or loses ground), the appraisal council's lowering of the most over-generous self-scores (with "
        f"the reason; the appraiser is the sheet's uploader in `{SCORE_DIR}/{SCORE_MANIFEST}`) and survey scores "
        "following the unit's satisfaction figures. The first start records them after the reports (self-scores "
        "as the unit's account).",
        f"- Evidence files `{EVIDENCE_DIR}/UNIT_CRITERION_NAME.pdf` (cchc/sample/evidence.py, tiny one-page PDFs "
        f"built byte by byte) behind a few 2020 self-assessments, listed in `{EVIDENCE_DIR}/{EVIDENCE_MANIFEST}`; "
        "the first start attaches them as each unit's account, so the appraisal view is not empty.",
        f"- Corrected: {CORRECTION[0]} sent `{CORRECTION[1]}/{CORRECTION[0]}_{CORRECTION[1]}_v2.xlsx` later; it "
        f"supersedes the first file, whose {CORRECTION[2]} numerator lacked a digit.",
        "",
        "Province roll-up of each target in the 2020 sample (sum of numerators / sum of denominators; yes/no = "
        "share of units answering Có):",
        "",
        "| Indicator | Target 2020 | Sample 2020 |",
        "|---|---|---|",
    ]
    for code, value in province_2020(story, catalog).items():
        target = by_code[code].target
        assert target is not None  # province_2020 gives target indicators only
        lines.append(f"| {code} {by_code[code].name_vi} | {target.comparison} {target.value:g}% | {value:.1f}% |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
