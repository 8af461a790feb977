"""Approval and locking: Sở Nội vụ approves a unit's report for a period (it becomes the official figure) or
returns it with a comment, locks a period so that no more reports are taken until it reopens it, and enters
the PAR index scores (appraisal council, survey) from the score sheet.

Decisions are append-only rows (``store.decision``), each audited; the latest one per unit and period
counts. :func:`refusal` is the rule the upload path applies before storing anything.
"""

from __future__ import annotations

import pandas as pd

from cchc.auth import AuthError, User, require_admin
from cchc.periods import PeriodError, parse_period
from cchc.report import Issue, make_issue
from cchc.score_sheet import read_sheet
from cchc.store import Store

MAX_COMMENT = 1000
STATES = ("approved", "returned", "pending")  # pending: the current report has no decision yet (or a newer one)


def approve(store: Store, actor: User, unit: str, period: str, comment: str = "") -> int:
    """Approve the unit's current report for the period; returns the approved submission's id."""
    return _decide(store, actor, "approve", unit, period, comment)


def return_report(store: Store, actor: User, unit: str, period: str, comment: str) -> int:
    """Return the unit's current report with a comment saying what to fix; returns its submission id."""
    if not comment.strip():
        raise AuthError("return-needs-reason")
    return _decide(store, actor, "return", unit, period, comment)


def lock_period(store: Store, actor: User, period: str, comment: str = "") -> None:
    """Lock a period: uploads for it are refused until :func:`reopen_period`."""
    require_admin(actor, "khóa sổ kỳ báo cáo")
    code = _period(period)
    with store.writing(exclusive=True):  # an upload being stored finishes first; the next one sees the lock
        if code in store.locked_periods():
            raise AuthError("period-already-locked", period=code)
        store.record_decision("lock", code, by=actor.name, comment=comment[:MAX_COMMENT], origin=actor.origin)


def reopen_period(store: Store, actor: User, period: str, comment: str = "") -> None:
    require_admin(actor, "mở lại kỳ báo cáo")
    code = _period(period)
    if code not in store.locked_periods():
        raise AuthError("period-not-locked", period=code)
    store.record_decision("reopen", code, by=actor.name, comment=comment[:MAX_COMMENT], origin=actor.origin)


def enter_scores(store: Store, actor: User, data: bytes) -> tuple[int, list[Issue]]:
    """Record a filled PAR score sheet (self-assessment, appraisal and survey scores; administrators only):
    the number of scores stored, and the sheet's issues (nothing is stored when one is an error)."""
    require_admin(actor, "nhập điểm Chỉ số CCHC")
    rows, issues = read_sheet(data)
    if any(i.severity == "error" for i in issues) or not rows:
        return 0, issues
    return store.record_par_scores(rows, actor.name, origin=actor.origin), issues


def refusal(user: User, unit: str, period: str, locked: frozenset[str]) -> Issue | None:
    """Why ``user`` may not submit a file naming ``unit`` and ``period``, or None when they may.
    Files that name no unit (unreadable ones) are taken, so their rejection is recorded."""
    if unit and not user.can_submit(unit):
        return make_issue("not-permitted", user=user.name, value=unit)
    if period in locked:
        return make_issue("period-locked", value=period)
    return None


def status(store: Store, period: str | None = None, *, submissions: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per unit and period with a current report: ``unit, period, submission_id, state, approved_id,
    comment, decided_by, decided_at``. ``state`` is ``approved`` only when the approval is of the current
    report: a newer upload after an approval (or a return) is ``pending`` again. ``submissions``: the store's
    submissions (every period) when the caller has read them already."""
    current = store.submissions(period=period) if submissions is None else \
        submissions[submissions["period"] == period] if period else submissions
    current = current[(current["status"] == "accepted") & current["superseded_by"].isna()]
    decided = store.decisions("approval", period)
    frame = current[["unit", "period", "id"]].rename(columns={"id": "submission_id"}).merge(
        decided[["unit", "period", "kind", "submission_id", "comment", "decided_by", "decided_at"]]
        .rename(columns={"submission_id": "decided_id"}), on=["unit", "period"], how="left")
    same = frame["decided_id"] == frame["submission_id"]
    frame["state"] = "pending"
    frame.loc[same & (frame["kind"] == "approve"), "state"] = "approved"
    frame.loc[same & (frame["kind"] == "return"), "state"] = "returned"
    approved = decided[decided["kind"] == "approve"].set_index(["unit", "period"])["submission_id"]
    frame["approved_id"] = pd.array([approved.get((u, p)) for u, p in zip(frame["unit"], frame["period"], strict=True)],
                                    dtype="Int64")
    columns = ["unit", "period", "submission_id", "state", "approved_id", "comment", "decided_by", "decided_at"]
    return frame[columns].sort_values(["period", "unit"], ignore_index=True)


def _decide(store: Store, actor: User, kind: str, unit: str, period: str, comment: str) -> int:
    require_admin(actor, "duyệt hoặc trả lại báo cáo")
    code = _period(period)
    submission = store.current_submission(unit, code)
    if submission is None:
        raise AuthError("no-current-report", unit=unit, period=code)
    store.record_decision(kind, code, by=actor.name, unit=unit, submission_id=submission,
                          comment=comment.strip()[:MAX_COMMENT], origin=actor.origin)
    return submission


def _period(text: str) -> str:
    try:
        return parse_period(text).code
    except PeriodError:
        raise AuthError("malformed-period", value=text) from None
