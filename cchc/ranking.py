"""The PAR index of sở and huyện: criterion points, self / appraised / survey scores, index, rank, tier.

The criteria tree, rubric and tiers are data (``cchc/catalog/par_criteria.yaml``). Per unit and criterion:
*self* is computed from the unit's own reported figures (``indicator`` criteria: the rubric of the mean
*attainment* — how close each value is to its target — of the area's target indicators) or entered by the
unit (``council``, store source ``self``); *appraised* is the council's entry (source ``appraised``, with who and
why) or else the self value; *survey* criteria take the survey entry. Total = appraised + survey points;
index = total / the unit's maximum (criteria that apply to it) × 100; rank within the block by index
(ties share the best rank); tier by the first threshold reached. See ``docs/METHOD.md``.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from python_calamine import CalamineWorkbook

from cchc.catalog import CATALOG_DIR, Catalog, load_catalog
from cchc.layout import fold
from cchc.progress import attainment, indicator_frame
from cchc.read import MAX_FILE_BYTES, MAX_UNCOMPRESSED_BYTES, cell_text, column_letter, parse_number
from cchc.report import Issue

CRITERIA_FILE = CATALOG_DIR / "par_criteria.yaml"
KINDS: tuple[str, ...] = ("indicator", "council", "survey")
COLUMNS: tuple[str, ...] = ("rank", "unit", "block", "self_score", "appraised_score", "survey_score", "score",
                            "max_score", "index", "tier", "rank_change", "score_change", "unscored")


@dataclass(frozen=True)
class Criterion:
    code: str
    domain: str
    kind: str
    max: float
    name_vi: str
    name_en: str
    area: str = ""
    indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class Domain:
    code: str
    name_vi: str
    name_en: str
    criteria: tuple[Criterion, ...]

    @property
    def max(self) -> float:
        return sum(c.max for c in self.criteria)


@dataclass(frozen=True)
class Tier:
    code: str
    name_vi: str
    name_en: str
    min: float


@dataclass(frozen=True)
class Tree:
    name: str
    domains: tuple[Domain, ...]
    years: tuple[int, ...] = ()
    blocks: tuple[str, ...] = ()

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for d in self.domains for c in d.criteria)


@dataclass(frozen=True)
class Criteria:
    tiers: tuple[Tier, ...]
    rubric: tuple[tuple[float, float], ...]
    trees: tuple[Tree, ...]
    interpolate: bool = False

    def tree(self, year: int, block: str) -> Tree:
        """The first tree naming this year and block (a tree that names none matches all)."""
        for tree in self.trees:
            if (not tree.years or year in tree.years) and (not tree.blocks or block in tree.blocks):
                return tree
        raise LookupError(f"no PAR criteria tree for {year}/{block}")

    def tier_of(self, index: pd.Series) -> pd.Series:
        conditions = [index >= t.min for t in self.tiers]
        return pd.Series(np.select(conditions, [t.code for t in self.tiers], ""), index=index.index).where(
            index.notna())

    def share(self, attained: pd.Series) -> pd.Series:
        """Rubric share of the points for a mean attainment (%): the first step reached, or linear between the
        steps (``interpolate``; flat below the lowest step and above the highest)."""
        if self.interpolate:
            mins, shares = zip(*sorted(self.rubric), strict=True)
            return pd.Series(np.interp(attained, mins, shares), index=attained.index)
        return pd.Series(np.select([attained >= m for m, _ in self.rubric], [s for _, s in self.rubric], 0.0),
                         index=attained.index)


def _tree(raw: dict) -> Tree:
    domains = tuple(
        Domain(str(d["code"]), d["name_vi"], d["name_en"], tuple(
            Criterion(str(c["code"]), str(d["code"]), c["kind"], float(c["max"]), c["name_vi"], c["name_en"],
                      str(c.get("area", "")), tuple(str(i) for i in c.get("indicators", ())))
            for c in d["criteria"]))
        for d in raw["domains"])
    return Tree(raw["name"], domains, tuple(raw.get("years", ())), tuple(raw.get("blocks", ())))


@cache
def load_criteria(path: Path = CRITERIA_FILE) -> Criteria:
    """Read and check the criteria file; raises ValueError naming what is wrong."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    criteria = Criteria(
        tiers=tuple(Tier(t["code"], t["name_vi"], t["name_en"], float(t["min"])) for t in raw["tiers"]),
        rubric=tuple((float(r["min"]), float(r["share"])) for r in raw["rubric"]),
        trees=tuple(_tree(t) for t in raw["trees"]),
        interpolate=bool(raw.get("rubric_interpolate", False)))
    problems = [f"{c.code}: unknown kind {c.kind}" for t in criteria.trees for c in t.criteria if c.kind not in KINDS]
    problems += [f"{c.code}: an indicator criterion needs an area or indicators"
                 for t in criteria.trees for c in t.criteria if c.kind == "indicator" and not (c.area or c.indicators)]
    codes = [c.code for t in criteria.trees for c in t.criteria]
    problems += [f"{t.name}: criterion codes repeat" for t in criteria.trees
                 if len({c.code for c in t.criteria}) != len(t.criteria)]
    if problems or not codes:
        raise ValueError("; ".join(problems) or "no criteria")
    return criteria


def block_units(catalog: Catalog, year: int, block: str) -> list[str]:
    """Reporting units that existed in ``year`` and belong to ``block`` at its end."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return [u.code for u in catalog.reporting_units()
            if u.valid_between(start, end) and catalog.block_of(u, min(end, u.valid_to or end)) == block]


def _applicable(units: list[str], tree: Tree, year: int, catalog: Catalog) -> list[tuple[int, str, str, str]]:
    """``(year, unit, criterion, indicator)`` for every target indicator an indicator criterion averages."""
    by_code, end = catalog.unit_by_code, dt.date(year, 12, 31)
    chosen = [c for c in tree.criteria if c.kind == "indicator"]
    by_kind: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    pairs = []
    for u in units:
        kind = by_code[u].kind_on(min(end, by_code[u].valid_to or end))
        if kind not in by_kind:
            by_kind[kind] = [(c.code, i.code, i.only_units) for i in catalog.indicators
                             if i.target is not None and kind in i.applies_to for c in chosen
                             if (i.code in c.indicators if c.indicators else i.area == c.area)]
        pairs += [(year, u, c, i) for c, i, only in by_kind[kind] if not only or u in only]
    return pairs


def _attained(prog: pd.DataFrame, years: list[int], catalog: Catalog) -> dict[tuple[str, str, str], float]:
    """``(period, unit, indicator) → attainment`` of the yearly values of ``years`` (see
    :func:`cchc.progress.attainment`); ``prog`` needs ``unit, period, indicator, value`` (a missing column
    counts as nothing reported)."""
    wanted = prog.reindex(columns=["period", "unit", "indicator", "value"])
    wanted = wanted[wanted["period"].isin([str(y) for y in years])]
    table = indicator_frame(catalog).set_index("indicator")
    codes = wanted["indicator"]
    got = attainment(wanted["value"].to_numpy(dtype=float, na_value=np.nan),
                     codes.map(table["target"]).to_numpy(dtype=float, na_value=np.nan),
                     codes.map(table["direction"]).eq("lower").to_numpy())
    keys = zip(*(wanted[c].astype(str).tolist() for c in ("period", "unit", "indicator")), strict=True)
    return dict(zip(keys, got.tolist(), strict=True))


def _detail(years: list[int], block: str, prog: pd.DataFrame, scores: pd.DataFrame, catalog: Catalog,
            criteria: Criteria) -> pd.DataFrame:
    """Criterion scores of the block for several years at once (see :func:`criterion_scores`).

    The work is bounded by units × criteria × indicators (a few thousand items), so it is done with
    dictionaries over the few rows that matter rather than with merges of large frames.
    """
    attained = _attained(prog, years, catalog)
    chosen = scores[scores["year"].isin(years)]
    entered = {(int(r.year), r.unit, r.criterion, r.source): (r.score, r.entered_by, r.reason)
               for r in chosen.itertuples(index=False)}
    blank = (np.nan, None, None)
    rows = []
    for year in years:
        tree, units = criteria.tree(year, block), block_units(catalog, year, block)
        found: dict[tuple[str, str], list[float]] = {}
        for _, unit, code, indicator in _applicable(units, tree, year, catalog):
            found.setdefault((unit, code), []).append(attained.get((str(year), unit, indicator), 0.0))
        for unit in units:
            for c in tree.criteria:
                values = found.get((unit, c.code))
                if c.kind == "indicator" and not values:
                    continue
                appraised = entered.get((year, unit, c.code, "appraised"), blank)
                rows.append((year, unit, c.domain, c.code, c.kind, c.max,
                             sum(values) / len(values) if values else np.nan,
                             entered.get((year, unit, c.code, "self"), blank)[0], appraised[0],
                             entered.get((year, unit, c.code, "survey"), blank)[0], appraised[1], appraised[2]))
    grid = pd.DataFrame(rows, columns=["year", "unit", "domain", "criterion", "kind", "max", "attainment", "self",
                                       "appraised", "survey", "entered_by", "reason"])
    is_survey, is_indicator = (grid["kind"] == "survey").to_numpy(), (grid["kind"] == "indicator").to_numpy()
    own = np.where(is_indicator, grid["max"] * criteria.share(grid["attainment"].fillna(0.0)), grid["self"])
    grid["self"] = np.where(is_survey, np.nan, own)
    grid["appraised"] = np.where(is_survey, np.nan, grid["appraised"].fillna(pd.Series(own, index=grid.index)))
    grid["survey"] = np.where(is_survey, grid["survey"], np.nan)
    grid["points"] = np.where(is_survey, grid["survey"], grid["appraised"])
    return grid


DETAIL_COLUMNS: tuple[str, ...] = ("unit", "domain", "criterion", "kind", "max", "attainment", "self", "appraised",
                                   "survey", "points", "entered_by", "reason")


def criterion_scores(year: int, block: str, prog: pd.DataFrame, scores: pd.DataFrame,
                     catalog: Catalog | None = None, criteria: Criteria | None = None) -> pd.DataFrame:
    """Every unit × criterion of the block: :data:`DETAIL_COLUMNS` (``points``: what counts, NaN where nothing
    was entered yet; ``entered_by``/``reason``: who appraised and why)."""
    catalog, criteria = catalog or load_catalog(), criteria or load_criteria()
    return _detail([year], block, prog, scores, catalog, criteria)[list(DETAIL_COLUMNS)]


def _rank(index: pd.Series, groups: pd.Series) -> pd.Series:
    return index.round(2).groupby(groups).rank(method="min", ascending=False).astype("Int64")


def ranking(year: int, block: str, prog: pd.DataFrame, scores: pd.DataFrame, catalog: Catalog | None = None,
            criteria: Criteria | None = None) -> pd.DataFrame:
    """The PAR ranking of one block for one year, best first: :data:`COLUMNS` then one column per domain
    (its points). ``prog`` is :func:`cchc.progress.progress` output, ``scores`` the store's ``par_scores()``.
    ``rank_change`` is last year's rank minus this year's (positive: moved up), ``score_change`` the
    change of the index in percentage points; both blank for a unit without data last year."""
    catalog, criteria = catalog or load_catalog(), criteria or load_criteria()
    detail = _detail([year - 1, year], block, prog, scores, catalog, criteria)
    parts = pd.DataFrame({"self_score": detail["self"], "appraised_score": detail["appraised"],
                          "survey_score": detail["survey"], "score": detail["points"], "max_score": detail["max"],
                          "unscored": detail["points"].isna()})
    table = parts.groupby([detail["year"], detail["unit"]], sort=False).sum()
    domains = detail["points"].groupby([detail["year"], detail["unit"], detail["domain"]], sort=False).sum()
    table = table.join(domains.unstack()).reset_index()
    table["index"] = 100 * table["score"] / table["max_score"].where(table["max_score"] > 0)
    seen = pd.concat([prog.loc[prog["period"] == str(year - 1), "unit"],
                      scores.loc[scores["year"] == year - 1, "unit"]]).unique()
    last = table[(table["year"] == year - 1) & table["unit"].isin(seen)]
    last = last.assign(rank=_rank(last["index"], last["year"])).set_index("unit")
    table = table[table["year"] == year].reset_index(drop=True)
    table["rank"] = _rank(table["index"], table["year"])
    table["rank_change"] = (table["unit"].map(last["rank"]) - table["rank"]).astype("Int64")
    table["score_change"] = table["index"] - table["unit"].map(last["index"])
    table["tier"] = criteria.tier_of(table["index"])
    table["block"] = block
    domain_codes = [d.code for d in criteria.tree(year, block).domains]
    table = table.reindex(columns=[*COLUMNS, *domain_codes])
    return table.sort_values(["rank", "unit"], kind="stable").reset_index(drop=True)


def domain_index(detail: pd.DataFrame) -> pd.DataFrame:
    """Per unit × domain: points, max and sub-index (%), from :func:`criterion_scores` output."""
    out = detail.groupby(["unit", "domain"], sort=False).agg(points=("points", "sum"), max=("max", "sum"))
    out["index"] = 100 * out["points"] / out["max"].where(out["max"] > 0)
    return out.reset_index()


# -- the appraisal / survey score sheet (written by export.score_template_xlsx, read back here) ----------
SCORE_SHEET = "Điểm thẩm định"
LABEL_YEAR, LABEL_BLOCK = "Năm", "Khối"
COL_UNIT, COL_UNIT_NAME, COL_CRITERION, COL_CRITERION_NAME = "Mã đơn vị", "Tên đơn vị", "Mã tiêu chí", "Tiêu chí"
COL_MAX, COL_SELF, COL_APPRAISED = "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định"
COL_SURVEY, COL_REASON = "Điểm điều tra XHH", "Lý do"
SCORE_COLUMNS: tuple[str, ...] = (COL_UNIT, COL_UNIT_NAME, COL_CRITERION, COL_CRITERION_NAME, COL_MAX, COL_SELF,
                                  COL_APPRAISED, COL_SURVEY, COL_REASON)
#: Score column → store source, and the columns each criterion kind takes (the template greys the others):
#: the unit self-assesses council criteria, the council may adjust any non-survey criterion.
SCORE_SOURCES: dict[str, str] = {COL_SELF: "self", COL_APPRAISED: "appraised", COL_SURVEY: "survey"}
KIND_COLUMNS: dict[str, tuple[str, ...]] = {"indicator": (COL_APPRAISED,), "council": (COL_SELF, COL_APPRAISED),
                                            "survey": (COL_SURVEY,)}
_SHEET_MESSAGES: dict[str, str] = {
    "not-a-workbook": "Tệp không phải là bảng tính đọc được (.xlsx, .xls, .ods).",
    "missing-info": "Thiếu «{label}» ở đầu bảng điểm (hãy dùng bảng điểm tải từ ứng dụng).",
    "missing-column": "Không tìm thấy dòng tiêu đề có các cột «Mã đơn vị», «Mã tiêu chí», «Điểm thẩm định».",
    "unknown-unit": "Mã đơn vị «{value}» không thuộc khối {block} năm {year}.",
    "unknown-criterion": "Mã tiêu chí «{value}» không có trong bộ tiêu chí năm {year}.",
    "not-a-number": "«{value}» không phải là số.",
    "score-out-of-range": "Điểm {value} nằm ngoài khoảng 0–{limit}.",
    "score-not-applicable": "Tiêu chí {value} chỉ nhập điểm ở cột {column}.",
    "missing-reason": "Điểm thẩm định của {value} chưa ghi lý do điều chỉnh.",
}


def _sheet_issue(code: str, cell: str = "", severity: str = "error", **fields: object) -> Issue:
    return Issue(code, severity, SCORE_SHEET if cell else "", cell, "", _SHEET_MESSAGES[code].format(**fields))


def _grid(data: bytes) -> list[list[object]] | None:
    """The first sheet's cells, or None when the bytes are not a (safe, readable) workbook."""
    if len(data) > MAX_FILE_BYTES:
        return None
    try:
        if data.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if sum(i.file_size for i in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                    return None
        return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(nrows=20_000)
    except Exception:
        return None


def read_score_sheet(data: bytes, catalog: Catalog | None = None,
                     criteria: Criteria | None = None) -> tuple[list[dict], list[Issue]]:
    """Rows for ``Store.record_par_scores`` (``year, unit, criterion, source, score, reason``) and the issues.

    Columns: self-assessment (``council`` criteria), appraisal (``indicator``/``council``; ``reason`` is the
    appraisal's, so only appraised rows carry it), survey (``survey`` criteria). Blank score cells are
    skipped; record the rows only when no issue is an error.
    """
    catalog, criteria = catalog or load_catalog(), criteria or load_criteria()
    grid = _grid(data)
    if grid is None:
        return [], [_sheet_issue("not-a-workbook")]
    texts = [[cell_text(v) for v in row] for row in grid]
    wanted = {fold(c): c for c in SCORE_COLUMNS}
    header = next((n for n, row in enumerate(texts) if {fold(COL_UNIT), fold(COL_CRITERION)} <= set(map(fold, row))),
                  None)
    if header is None:
        return [], [_sheet_issue("missing-column")]
    info = {fold(row[i]).rstrip(" :"): row[i + 1] for row in texts[:header] for i in range(len(row) - 1) if row[i]}
    year = parse_number(info.get(fold(LABEL_YEAR), ""))
    block = info.get(fold(LABEL_BLOCK), "").split(" ")[0]
    if year is None or block not in ("so", "huyen"):
        return [], [_sheet_issue("missing-info", label=LABEL_YEAR if year is None else LABEL_BLOCK)]
    year = int(year)
    at = {wanted[fold(t)]: i for i, t in enumerate(texts[header]) if fold(t) in wanted}
    units = set(block_units(catalog, year, block))
    maxima = {c.code: c for c in criteria.tree(year, block).criteria}
    rows: list[dict] = []
    issues: list[Issue] = []
    for n, row in enumerate(texts[header + 1:], start=header + 2):
        def cell(col: str, row=row) -> str:
            return row[at[col]] if col in at and at[col] < len(row) else ""
        unit, code = cell(COL_UNIT), cell(COL_CRITERION)
        if not unit and not code:
            continue
        ref = f"{column_letter(at.get(COL_UNIT, 0))}{n}"
        if unit not in units:
            issues.append(_sheet_issue("unknown-unit", ref, value=unit, block=block, year=year))
            continue
        if code not in maxima:
            issues.append(_sheet_issue("unknown-criterion", ref, value=code, year=year))
            continue
        crit = maxima[code]
        for column, source in SCORE_SOURCES.items():
            text = cell(column)
            if not text:
                continue
            ref = f"{column_letter(at[column])}{n}"
            score = parse_number(text)
            if column not in KIND_COLUMNS[crit.kind]:
                issues.append(_sheet_issue("score-not-applicable", ref, value=code,
                                           column=", ".join(f"«{c}»" for c in KIND_COLUMNS[crit.kind])))
            elif score is None:
                issues.append(_sheet_issue("not-a-number", ref, value=text))
            elif not 0 <= score <= crit.max:
                issues.append(_sheet_issue("score-out-of-range", ref, value=text, limit=f"{crit.max:g}"))
            else:
                reason = cell(COL_REASON) if source == "appraised" else ""
                if source == "appraised" and not reason:
                    issues.append(_sheet_issue("missing-reason", ref, "warning", value=f"{unit}/{code}"))
                rows.append({"year": year, "unit": unit, "criterion": code, "source": source, "score": score,
                             "reason": reason})
    return rows, issues
