"""Sample PAR scores: per year and block, the app's score sheet filled as the units and the council would.

Each unit self-assesses the ``council`` criteria from its story: a unit's *maturity* (how far along its own
path it is, from the same capacity and arrival time as its figures) raises its scores over the years; a unit
that stalls or slips in some area stops improving (or loses ground) from then on. Units are a little
generous with themselves; the appraisal council lowers the most over-generous self-scores of each sheet,
with a reason and its member's name (the sheet's uploader in ``par_scores/manifest.csv``). Survey scores
follow the unit's satisfaction figures (citizens) and its maturity (leaders and civil servants).
Written through :func:`cchc.score_sheet.template_xlsx`, read back by :func:`cchc.score_sheet.read_sheet`.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Iterable
from pathlib import Path
from typing import cast

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from cchc.catalog import BLOCKS, Catalog
from cchc.criteria import load_criteria
from cchc.periods import parse_period
from cchc.sample.manifest import SCORE_DIR, SCORE_MANIFEST, ScoreEntry, write_score_manifest
from cchc.sample.story import YEARS, UnitStory
from cchc.score_sheet import (
    COL_APPRAISED,
    COL_CRITERION,
    COL_REASON,
    COL_SELF,
    COL_SURVEY,
    COL_UNIT,
    SCORE_COLUMNS,
    template_xlsx,
)
from cchc.templates import workbook_bytes

SATISFACTION = ("2d.3", "3b.1", "3b.2")
ADJUSTED = {"so": 3, "huyen": 2}  # appraisal adjustments per sheet
APPRAISERS = ("Phạm Thu Hà - Sở Nội vụ", "Nguyễn Văn Hùng - Sở Nội vụ", "Lê Thị Thanh Huyền - Sở Nội vụ")
#: The council's reason for lowering a self-score, per criterion (``OTHER_REASON`` for a criterion not listed).
OTHER_REASON = "Tài liệu kiểm chứng chưa đầy đủ so với điểm tự chấm."
REASONS = {
    "1.1": "Chưa có tài liệu kiểm chứng việc tổ chức thực hiện các văn bản QPPL đã ban hành.",
    "1.2": "Kết quả rà soát, hệ thống hóa văn bản chưa được công bố đúng thời hạn.",
    "2.2": "Chưa công khai đầy đủ TTHC tại Bộ phận một cửa; còn phản ánh, kiến nghị xử lý quá hạn.",
    "3.2": "Chưa hoàn thành sắp xếp các phòng, đơn vị trực thuộc theo kế hoạch.",
    "4.2": "Kế hoạch đào tạo, bồi dưỡng chưa hoàn thành; có công chức bị xử lý kỷ luật trong năm.",
    "5.1": "Chưa ban hành quy chế chi tiêu nội bộ sửa đổi theo cơ chế tự chủ.",
    "6.2": "Bộ phận tiếp nhận và trả kết quả chưa đủ trang thiết bị theo quy định.",
    "7.1": "Báo cáo CCHC định kỳ gửi muộn; thiếu tài liệu kiểm chứng về kiểm tra CCHC.",
}


def maturity(tale: UnitStory, year: int) -> float:
    """How far along its own path the unit is in ``year`` (0 in 2016, 1 on arrival); frozen from a stall,
    falling back after a slip."""
    x = year - 2015
    setback = min(tale.setbacks.values(), key=lambda s: s.since, default=None)
    at = x if setback is None else min(x, setback.since)
    level = min(1.0, max(0.0, at - 1) / (tale.prof.arrival - 1))
    if setback is not None and setback.kind == "slip" and x > setback.since:
        level -= 0.12 * (x - setback.since)
    return max(0.0, level)


def _points(share: float, top: float) -> float:
    """``share`` of ``top`` points, between 0 and ``top``, to the quarter point."""
    return round(4 * top * max(0.0, min(1.0, share))) / 4


def _satisfaction(tale: UnitStory, year: int, catalog: Catalog) -> float:
    """Mean of the unit's satisfaction percentages (administration; education and health where it reports)."""
    unit = catalog.unit_by_code[tale.prof.unit]
    codes = {i.code for i in catalog.indicators_for(unit, parse_period(str(year)).end)}
    figures = [tale.truth(catalog.indicator_by_code[c], str(year)) for c in SATISFACTION if c in codes]
    return sum(100 * (f.numerator or 0) / (f.denominator or 1) for f in figures) / len(figures)  # percentages


def unit_scores(tale: UnitStory, year: int, catalog: Catalog, seed: int) -> dict[str, tuple[float, float]]:
    """Criterion → (score entered, the council's view): self-assessed ``council`` criteria, survey criteria."""
    rng = random.Random(f"{seed}/{tale.prof.unit}/{year}/par")
    level, capacity = maturity(tale, year), tale.prof.capacity
    generosity = random.Random(f"{seed}/{tale.prof.unit}/generosity").uniform(0.0, 0.08)
    out = {}
    for c in load_criteria().tree(year, tale.prof.block).criteria:
        if c.kind == "council":
            fair = 0.58 + 0.22 * level + 0.07 * capacity + rng.gauss(0, 0.04)
            out[c.code] = (_points(fair + generosity + rng.uniform(0, 0.06), c.max), _points(fair, c.max))
        elif c.code == "8.1":
            share = 0.4 + 0.4 * (_satisfaction(tale, year, catalog) - 70) / 20 + rng.gauss(0, 0.025)
            out[c.code] = (_points(share, c.max),) * 2
        elif c.kind == "survey":
            out[c.code] = (_points(0.55 + 0.2 * level + 0.06 * capacity + rng.gauss(0, 0.03), c.max),) * 2
    return out


def filled_sheet(stories: dict[str, UnitStory], year: int, block: str, catalog: Catalog, seed: int,
                 units: set[str] | None = None) -> bytes:
    """The block's score sheet for ``year``: self and survey scores of ``units`` (default all), the council's
    adjustments of the most over-generous self-scores."""
    wb = load_workbook(io.BytesIO(template_xlsx(year, block, catalog)))
    ws = cast(Worksheet, wb.active)  # the template's one sheet
    col = {c: n for n, c in enumerate(SCORE_COLUMNS, start=1)}
    council = {c.code for c in load_criteria().tree(year, block).criteria if c.kind == "council"}
    chosen = [u.code for u in catalog.block_units(year, block) if units is None or u.code in units]
    scores = {u: unit_scores(stories[u], year, catalog, seed) for u in chosen}
    gaps = sorted(((entered - fair, u, code) for u, crit in scores.items() for code, (entered, fair) in crit.items()
                   if code in council and entered - fair >= 0.5), reverse=True)
    adjusted = {(u, code) for _, u, code in gaps[:ADJUSTED[block]]}
    for row in range(5, ws.max_row + 1):
        unit, code = str(ws.cell(row, col[COL_UNIT]).value), str(ws.cell(row, col[COL_CRITERION]).value)
        if code not in scores.get(unit, {}):
            continue
        entered, fair = scores[unit][code]
        ws.cell(row, col[COL_SELF if code in council else COL_SURVEY], entered)
        if (unit, code) in adjusted:
            ws.cell(row, col[COL_APPRAISED], fair)
            ws.cell(row, col[COL_REASON], REASONS.get(code, OTHER_REASON))
    wb.properties.created = wb.properties.modified = dt.datetime(year + 1, 1, 20, 8, 0)
    return workbook_bytes(wb)


def write_scores(out: Path, stories: dict[str, UnitStory], catalog: Catalog, seed: int,
                 units: Iterable[str] | None = None) -> list[ScoreEntry]:
    """Write ``par_scores/<year>_<block>.xlsx`` for every sample year and block, and their manifest."""
    chosen = set(units) if units is not None else None
    folder = out / SCORE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for year in YEARS:
        for block in BLOCKS:
            name = f"{SCORE_DIR}/{year}_{block}.xlsx"
            (out / name).write_bytes(filled_sheet(stories, year, block, catalog, seed, chosen))
            who = APPRAISERS[random.Random(f"{seed}/{year}/{block}/appraiser").randrange(len(APPRAISERS))]
            entries.append(ScoreEntry(name, year, block, who))
    write_score_manifest(folder / SCORE_MANIFEST, entries)
    return entries
