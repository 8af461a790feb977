"""Page data for reporting: the ranking as published, the submissions matrix and history, upload dry runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from cchc.catalog import Catalog
from cchc.charts import tier_colours
from cchc.dashboard.common import block_names, history_table, indicator_name, literal, unit_label
from cchc.frames import tuples
from cchc.i18n import t
from cchc.numbers import measure_text, number_text
from cchc.periods import parse_period
from cchc.report import Issue

ISSUE_FIELDS: tuple[str, ...] = ("severity", "sheet", "cell", "indicator", "message")


def issue_table(issues: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Validation findings (``severity, sheet, cell, indicator, message``) as the pages show them."""
    return pd.DataFrame({
        t("label.severity", lang): [t(f"severity.{severity}", lang) for severity in issues["severity"]],
        **{t(f"label.{field}", lang): issues[field].fillna("").to_numpy() for field in ISSUE_FIELDS[1:]},
    })


@dataclass(frozen=True)
class SubmissionsView:
    matrix: pd.DataFrame
    history: pd.DataFrame
    files: dict[str, tuple[str, str, int]]


def submissions_view(subs: pd.DataFrame, done: pd.DataFrame, states: pd.DataFrame, catalog: Catalog, year: int,
                     block: str, lang: str) -> SubmissionsView:
    """The block's completeness matrix for the periods of ``year``, every submission (returned ones marked), and
    the stored files."""
    units = block_names(catalog, year, block)
    rows = done[done["unit"].isin(list(units)) & done["period"].str.startswith(str(year))]
    matrix = pd.DataFrame({"unit_label": rows["unit"].map(units), "period": rows["period"], "status": rows["status"]})
    mine = subs[subs["unit"].isin(list(units)) | subs["unit"].isna()]
    files = {sha: (f"#{i} · {unit or '?'} · {period or '?'} · {name}", name, int(i)) for i, unit, period, name, sha in
             tuples(mine[["id", "unit", "period", "filename", "sha256"]].iloc[::-1])}
    return SubmissionsView(matrix.reset_index(drop=True), history_table(mine, catalog, lang, states), files)


def arrow(change: Any) -> str:
    """A rank change as an arrow: ``▲ 2`` moved up, ``▼ 1`` down, ``0`` unchanged, ``–`` no previous year (never
    ``=``, which a spreadsheet would take for a formula)."""
    if change is None or pd.isna(change):
        return "–"
    return "0" if change == 0 else (f"▲ {int(change)}" if change > 0 else f"▼ {-int(change)}")


@dataclass(frozen=True)
class RankingView:
    table: pd.DataFrame
    legend: dict[str, str]
    bars: pd.DataFrame
    tier_order: list[str]
    domains: pd.DataFrame  # one column per domain, headed by its code (the table fits a projector)
    domain_names: dict[str, str]  # code → name, the key under the table


def ranking_view(table: pd.DataFrame, criteria, catalog: Catalog, year: int, block: str, lang: str) -> RankingView:
    """The ranking in words, as a published table reads, with tier colours, bars and per-domain points
    (no bars when nothing has been scored yet, which the page says in words).

    ``table`` is :func:`cchc.ranking.ranking` output, ``criteria`` :func:`cchc.ranking.load_criteria`.
    """
    names = {u.code: u.short_name for u in catalog.units}  # short names: the table fits a projector
    tiers = {tier.code: (tier.name_en if lang == "en" else tier.name_vi) for tier in criteria.tiers}
    colours = tier_colours(list(tiers.values()))
    tier_words = table["tier"].map(tiers)
    words = pd.DataFrame({
        t("label.rank", lang): table["rank"], t("label.unit", lang): table["unit"].map(names),
        t("label.self", lang): table["self_score"], t("label.appraised", lang): table["appraised_score"],
        t("label.survey", lang): table["survey_score"], t("label.total", lang): table["score"],
        t("label.index", lang): table["index"], t("label.tier", lang): tier_words,
        t("label.change", lang): table["rank_change"].map(arrow),
    })
    scored = table["score"].fillna(0) > 0  # nothing scored at all (no figures, no council or survey points)
    bars = pd.DataFrame({"rank": table["rank"], "unit_label": table["unit"].map(names), "index": table["index"],
                         "tier": tier_words})[table["index"].notna() & bool(scored.any())]
    tree = criteria.tree(year, block)
    domain_names = {d.code: (d.name_en if lang == "en" else d.name_vi) for d in tree.domains}
    domains = table[["unit", *domain_names]].rename(columns={"unit": t("label.unit", lang)})
    domains[t("label.unit", lang)] = table["unit"].map(names)
    return RankingView(words, colours, bars, list(tiers.values()), domains, domain_names)


@dataclass(frozen=True)
class UploadCheck:
    """One uploaded file's dry run in words: verdict, what it would supersede, its issues and its figures."""

    filename: str
    level: str  # "ok", "warning", "error", "duplicate", "refused" (not this user's unit, or a locked period)
    message: str
    supersedes: bool
    issues: pd.DataFrame
    preview: pd.DataFrame
    punctuality: str = ""  # for a correction: which report's date counts for punctuality

    @property
    def storable(self) -> bool:
        return self.level in ("ok", "warning")


def upload_check(checked, filename: str, catalog: Catalog, lang: str, refusal: Issue | None = None,
                 first_received: Any = None) -> UploadCheck:
    """Word a :class:`cchc.ingest.Checked` for the upload page. ``refusal`` (a :class:`cchc.report.Issue` from
    :func:`cchc.approval.refusal`) is why this user may not store it; ``first_received`` when the unit's first
    accepted report of the period arrived (a correction's punctuality is that report's)."""
    report, submission = checked.report, checked.submission
    issues = issue_table(pd.DataFrame([i.as_dict() for i in report.issues], columns=list(ISSUE_FIELDS)), lang)
    rows = submission.values if submission is not None else ()
    names = {i.code: indicator_name(i, lang) for i in catalog.indicators}
    measures = {i.code: i.measure for i in catalog.indicators}
    preview = pd.DataFrame({
        t("label.code", lang): [r.indicator for r in rows],
        t("label.indicator", lang): [names.get(r.indicator, r.indicator) for r in rows],
        **{t(f"label.{field}", lang): [number_text(getattr(r, field), lang, 0) for r in rows]
           for field in ("numerator", "denominator")},  # counts of things: whole
        t("label.value", lang): [measure_text(r.value, measures.get(r.indicator, "count"), lang) for r in rows],
        t("label.note", lang): [r.note for r in rows],
    })
    if checked.duplicate_of is not None:
        level, message = "duplicate", t("upload.duplicate", lang)
    elif refusal is not None:
        level, message = "refused", refusal.message
    elif not report.ok:
        level, message = "error", t("upload.check_bad", lang, count=len(report.errors))
    else:
        unit = unit_label(catalog, submission.unit, int(submission.period[:4]))
        message = t("upload.check_ok", lang, unit=unit, period=submission.period, count=len(rows))
        level = "warning" if report.warnings else "ok"
        if report.warnings:
            message += " " + t("upload.check_warn", lang, count=len(report.warnings))
    supersedes = bool(checked.supersedes) and level not in ("duplicate", "refused")
    punctuality = ""
    if supersedes and first_received is not None and pd.notna(first_received):
        punctuality = t("upload.punctuality", lang, first=pd.Timestamp(first_received).strftime("%d/%m/%Y %H:%M"),
                        deadline=f"{parse_period(checked.period).deadline:%d/%m/%Y}")
    return UploadCheck(filename, level, message, supersedes, issues, preview, punctuality)


def stored_line(result, catalog: Catalog, lang: str) -> tuple[str, bool]:
    """Word a :class:`cchc.ingest.IngestResult`: the sentence shown after storing, and whether it was stored."""
    if result.status == "accepted":
        unit = unit_label(catalog, result.unit, int(result.period[:4]))
        return t("upload.stored", lang, name=literal(result.filename), unit=unit, period=result.period), True
    reason = t("upload.duplicate", lang) if result.status == "duplicate" else \
        "; ".join(i.text() for i in result.report.errors[:3])
    return t("upload.rejected", lang, name=literal(result.filename), reason=reason), False
