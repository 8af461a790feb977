"""Evidence files (tài liệu kiểm chứng) behind the PAR self-assessment, and their appraisal by Sở Nội vụ.

A unit's account (or an administrator) attaches documents to one of its units, a year and a PAR criterion
(:func:`attach`): each file is judged from its bytes by :mod:`cchc.sniff`, and only the accepted ones are
kept (by SHA-256, like received reports) and recorded, each audited; a refused file leaves only an audit row.
Sở Nội vụ appraises each criterion (:func:`appraise`): a score (recorded as the criterion's appraised PAR
score too), a comment, and the mark "bằng chứng chưa đủ". :func:`appraisal_table` is what the appraisal view
shows per criterion; :func:`file_names` what the score sheet lists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from cchc.auth import AuthError, User, require_admin
from cchc.catalog import Catalog
from cchc.criteria import Criterion, load_criteria
from cchc.frames import tuples
from cchc.guard import Refused
from cchc.report import Issue, make_issue
from cchc.sniff import sniff
from cchc.store import NewEvidence, Store
from cchc.views import YEARS

MAX_NOTE_CHARS = 500  # the store refuses longer (a CHECK constraint)
MAX_COMMENT_CHARS = 1000
LIST_COLUMNS: tuple[str, ...] = ("unit", "year", "criterion", "file_name", "sha256", "size", "uploaded_by",
                                 "uploaded_at", "note")
CRITERIA_COLUMNS: tuple[str, ...] = ("id", "area", "name", "max_points")
TABLE_COLUMNS: tuple[str, ...] = ("criterion", "name", "kind", "max", "self_score", "appraised_score", "files",
                                  "insufficient", "comment", "appraised_by", "appraised_at")


@dataclass(frozen=True)
class Attached:
    """What became of one file: stored as evidence ``evidence_id``, or refused with ``issue``."""

    file_name: str
    evidence_id: int | None = None
    issue: Issue | None = None


def criteria(year: int, block: str | None = None) -> tuple[Criterion, ...]:
    """The PAR criteria of a year for one block, or of both blocks (each code once, in tree order)."""
    found = load_criteria()
    blocks = (block,) if block else ("so", "huyen")
    chosen = {c.code: c for b in blocks for c in found.tree(year, b).criteria}
    return tuple(chosen.values())


def criteria_rows(year: int) -> list[tuple[str, str, str, float]]:
    """``id, area, name, max_points`` of the year's criteria: the area is the domain (lĩnh vực) it belongs to."""
    found = load_criteria()
    domains = {d.code: d.name_vi for b in ("so", "huyen") for d in found.tree(year, b).domains}
    return [(c.code, domains[c.domain], c.name_vi, c.max) for c in criteria(year)]


def unit_criteria(catalog: Catalog, unit: str, year: int) -> tuple[Criterion, ...]:
    """The criteria a unit is scored on in ``year`` (its block's tree); none for a unit not reporting then."""
    found = catalog.unit_by_code.get(unit)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if found is None or found not in catalog.reporting_units() or not found.valid_between(start, end):
        return ()
    return criteria(year, catalog.block_of(found, min(end, found.valid_to or end)))


def refusal(store: Store, user: User, unit: str, year: int, criterion: str, lang: str = "vi") -> Issue | None:
    """Why ``user`` may not attach evidence to this unit, year and criterion, or None."""
    if year not in YEARS:
        return make_issue("unknown-period", lang=lang, value=year)
    if not unit_criteria(store.catalog, unit, year):
        return make_issue("unknown-unit", lang=lang, value=unit)
    if not user.can_submit(unit):
        return make_issue("evidence-not-permitted", lang=lang, user=user.name, value=unit)
    if criterion not in {c.code for c in unit_criteria(store.catalog, unit, year)}:
        return make_issue("evidence-unknown-criterion", lang=lang, value=criterion, year=year)
    return None


def attach(store: Store, user: User, unit: str, year: int, criterion: str, files: Sequence[tuple[str, bytes]],
           note: str = "", lang: str = "vi") -> list[Attached]:
    """Attach ``files`` (name, bytes) to a unit, year and criterion: the accepted ones are kept and recorded
    together; every refusal is audited and nothing of it is kept."""
    unit, note = unit.strip().upper(), " ".join(note.split())
    shared = refusal(store, user, unit, year, criterion, lang)
    if shared is None and len(note) > MAX_NOTE_CHARS:
        shared = make_issue("note-too-long", lang=lang, size=len(note), limit=MAX_NOTE_CHARS)
    held = set() if shared else set(store.evidence(unit, year, criterion)["sha256"])
    results: list[Attached] = []
    accepted: list[tuple[NewEvidence, bytes]] = []
    for name, data in files:
        try:
            if shared is not None:
                raise Refused(shared)
            kind = sniff(data, name, lang)
        except Refused as refused:
            results.append(Attached(name, issue=refused.issue))
            continue
        item = NewEvidence(unit, year, criterion, name, hashlib.sha256(data).hexdigest(), len(data),
                           kind.media_type, note, user.name)
        if item.sha256 in held:
            results.append(Attached(name, issue=make_issue("evidence-duplicate", lang=lang, value=name)))
            continue
        held.add(item.sha256)
        accepted.append((item, data))
        results.append(Attached(name))
    for result in results:
        if result.issue is not None:
            store.audit(user.name, "evidence.refused", f"{unit}/{year}/{criterion}",
                        f"{result.file_name[:200]}: {result.issue.code}", origin=user.origin)
    if not accepted:
        return results
    store.keep_raws([data for _, data in accepted])
    ids = iter(store.record_evidence([item for item, _ in accepted], origin=user.origin))
    return [Attached(r.file_name, next(ids)) if r.issue is None else r for r in results]


def listing(store: Store, unit: str | None = None, year: int | None = None) -> pd.DataFrame:
    """The evidence files (:data:`LIST_COLUMNS`), by unit, year, criterion and upload order."""
    return store.evidence(unit.strip().upper() if unit else None, year)[list(LIST_COLUMNS)]


def file_names(store: Store, year: int) -> dict[tuple[str, str], list[str]]:
    """(unit, criterion) → the names of its evidence files of ``year``, for the score sheet."""
    names: dict[tuple[str, str], list[str]] = {}
    for row in tuples(store.evidence(year=year)):
        names.setdefault((row.unit, row.criterion), []).append(row.file_name)
    return names


def appraisal_table(store: Store, unit: str, year: int) -> pd.DataFrame:
    """Per criterion of the unit (:data:`TABLE_COLUMNS`): self and appraised scores, evidence file count, and
    the latest appraisal's mark, comment, author and time."""
    found = store.par_scores(year)
    scores = {(r.criterion, r.source): float(r.score) for r in tuples(found[found["unit"] == unit])}
    counts = store.evidence(unit, year)["criterion"].value_counts()
    marks = store.appraisals(year, unit).set_index("criterion")
    rows = []
    for c in unit_criteria(store.catalog, unit, year):
        mark = marks.loc[c.code] if c.code in marks.index else None
        rows.append((c.code, c.name_vi, c.kind, c.max, scores.get((c.code, "self")),
                     scores.get((c.code, "appraised")), int(counts.get(c.code, 0)),
                     bool(mark["insufficient"]) if mark is not None else False,
                     mark["comment"] if mark is not None else "", mark["appraised_by"] if mark is not None else "",
                     mark["appraised_at"] if mark is not None else pd.NaT))
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def appraise(store: Store, actor: User, unit: str, year: int, criterion: str, *, score: float | None,
             comment: str = "", insufficient: bool = False) -> None:
    """Record Sở Nội vụ's appraisal of one criterion (administrators only): the appraised score (none for a
    survey criterion, within 0 and the criterion's maximum), a comment, and whether the evidence is
    insufficient (then the comment must say what is missing)."""
    require_admin(actor, "thẩm định Chỉ số CCHC")
    found = {c.code: c for c in unit_criteria(store.catalog, unit, year)}.get(criterion)
    if found is None:
        raise AuthError("evidence-unknown-criterion", value=criterion, year=year)
    comment = comment.strip()[:MAX_COMMENT_CHARS]
    if score is not None and found.kind == "survey":
        raise AuthError("appraisal-survey-criterion", criterion=criterion)
    if score is not None and not 0 <= score <= found.max:
        raise AuthError("appraisal-score-range", criterion=criterion, max=f"{found.max:g}")
    if insufficient and not comment:
        raise AuthError("appraisal-needs-comment")
    store.record_appraisal(year, unit, criterion, score=score, comment=comment, insufficient=insufficient,
                           by=actor.name, origin=actor.origin)
